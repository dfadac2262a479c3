#!/usr/bin/env python3
"""privacy-leaks.py: every form of every identifier, searched in a bundle.

    privacy-leaks.py RAWDIR FILE...

Collects, from the raw extracts eds-gen wrote in RAWDIR, every identifying
value (as tests/export-leaks.py does, whose collection and name search it
reuses, with the dictation source added), and searches each FILE's bytes
for every written form of each one, not only the form in the extract:

- numbers (IPP, NDA, examination and accession numbers, the digits of
  DICOM UIDs): as written, without leading zeros, and with their digits in
  groups of 2 or 3 separated by spaces, dots or hyphens ("12 34 56 78");
- NIR: the 15 characters, the 13 without the key, each compact or in the
  usual groups ("1 85 05 78 006 084 36") with spaces, dots or hyphens;
- telephone numbers: the national form and the international ones, with
  any separators ("06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78",
  "+33612345678", "0033 6 ...", "+33 (0)6 ...");
- names and addresses: as tests/export-leaks.py searches them (full names
  in any case, accented or not, with any spaces or hyphens; single names
  outside the scrubbed free-text columns).

Numbers are compared as tokens: in the text, dates and times are masked
(they are shifted, and "2024-03-12" must not read as 20240312), the
separators between two digits are removed (" ", ".", "-", "(", ")"), and
every run of digits not touching a letter is a token; an identifier's
forms are then all one digit string, found or not, whatever separators the
bundle used (which is why the forms above need no enumeration).  Accession
and examination numbers are also searched whole, folded, as tokens of
letters and digits; Corsican NIRs (2A, 2B) with any separators.

An archive (.tar, .gz) or encrypted file (.p7m) is searched for numbers
only: give its extracted files too, which are searched for everything.

Prints "FILE: KIND" for each hit (never the value) and exits 1 if any.
"""

import importlib.util
import os
import re
import sys


def load_export_leaks():
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location(
        "export_leaks", os.path.join(here, "export-leaks.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


EL = load_export_leaks()
# The demo project exports dictation too: its identifying columns.
EL.SOURCES.setdefault("dictation.csv", (",", "utf-8", {
    "ipp": "ipp", "nda": "nda", "patient_last_name": "last",
    "patient_first_name": "first"}))

# Dates and times are no identifiers (they are shifted): masked first, so
# that "2024-03-12" does not become the number 20240312.
DATES = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|"
                   r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
DIGIT_SEP = re.compile(r"(?<=\d)[ .\-()]+(?=\d)")
DIGITS = re.compile(r"(?<![0-9a-z])\d+(?![0-9a-z])")
ALNUM = re.compile(r"[0-9a-z]+")


def digit_forms(kind, v):
    """The canonical digit strings of value v of kind, or [] if none."""
    d = re.sub(r"\D", "", v)
    if kind == "phone":
        # The French significant number, whatever form the extract used.
        n = None
        for pre in ("0033", "330", "33", "0"):
            rest = d[len(pre):]
            if d.startswith(pre) and len(rest) == 9:
                n = rest
                break
        if n is not None:
            # 0612345678, +33 612345678, 0033 612345678, +33 (0)6...
            return ["0" + n, "33" + n, "0033" + n, "330" + n, "00330" + n]
        return [d] if len(d) >= 8 else []
    if kind in ("nir", "nir-without-key", "nir-spaced"):
        return [d] if d.isdigit() and len(d) in (13, 15) and \
            not re.search("[AaBb]", v) else []
    if kind == "uid":
        return [d] if len(d) >= 8 else []
    if not d or not v.replace(" ", "").isalnum():
        return []
    out = []
    if d == re.sub(r"\s", "", v):		# all digits: IPP, NDA
        out.append(d)
        z = d.lstrip("0")
        if len(z) >= 6 and z != d:
            out.append(z)
    elif len(d) >= 6:			# RA2169137683: its number alone
        out.append(d)
    return out


def alnum_forms(kind, v):
    """Folded letters-and-digits forms (accession, examination numbers)."""
    if kind in ("accession", "exam"):
        return [re.sub(r"[^0-9a-z]", "", v.lower())]
    return []


def corsica(kind, v):
    """A Corsican NIR (2A/2B), with any separators, or None."""
    c = re.sub(r"[^0-9A-Za-z]", "", v)
    if kind not in ("nir", "nir-without-key", "nir-spaced") or \
            not re.search("[AaBb]", c):
        return None
    return r"[ .\-]?".join(re.escape(ch) for ch in c)


WORD = re.compile(r"[0-9a-z]+")
GAP = re.compile(r"[\s\-']+\Z")


def words(v):
    """A value as a tuple of folded, lower-case words."""
    return tuple(WORD.findall(EL.fold(v).lower()))


class Phrases:
    """Values as sequences of words, found in a text in one pass: the
    words in order, separated by blanks, hyphens or apostrophes only, not
    inside a longer word (what tests/export-leaks.py's patterns match, in
    time linear in the text)."""

    def __init__(self, values):
        self.first = {}		# first word -> the values' word tuples
        for w in {w for w in (words(v) for v in values) if w}:
            self.first.setdefault(w[0], []).append(w)

    def search(self, text):
        low = EL.fold(text).lower()
        ms = list(WORD.finditer(low))
        for i, m in enumerate(ms):
            for w in self.first.get(m.group(), ()):
                k = len(w)
                if i + k > len(ms) or \
                        any(ms[i + j].group() != w[j] for j in range(1, k)):
                    continue
                if all(GAP.match(low, ms[j].end(), ms[j + 1].start())
                       for j in range(i, i + k - 1)):
                    return True
        return False


def main():
    rawdir, files = sys.argv[1], sys.argv[2:]
    tokens, full, single = EL.collect(rawdir)
    digits, alnums, cors = {}, {}, {}
    for v, kind in tokens.items():
        for f in digit_forms(kind, v):
            digits[f] = kind
        for f in alnum_forms(kind, v):
            alnums[f] = kind
        c = corsica(kind, v)
        if c is not None:
            cors[c] = kind
    res = [("address", Phrases(v for v, k in tokens.items()
                               if k == "address")),
           ("full-name", Phrases(full))]
    if cors:
        res.append(("nir", re.compile(
            r"(?<![0-9A-Za-z])(?:" + "|".join(sorted(cors)) +
            r")(?![0-9A-Za-z])", re.IGNORECASE)))
    single_re = Phrases(single)
    hits = 0
    for path in files:
        data = open(path, "rb").read()
        text = data.decode("utf-8", errors="replace")
        low = DATES.sub(" ", EL.fold(text).lower())
        seen = set()
        for t in DIGITS.findall(DIGIT_SEP.sub("", low)):
            if t in digits:
                seen.add(digits[t])
        for t in ALNUM.findall(low):
            if t in alnums:
                seen.add(alnums[t])
        base = os.path.basename(path)
        # Archives and encrypted files: numbers only (as bytes); their
        # extracted files are searched in full.
        if not base.endswith(".tar") and not base.endswith(".p7m") and \
                not base.endswith(".gz"):
            for kind, rx in res:
                if rx.search(text):
                    seen.add(kind)
            d = os.path.dirname(path)
            free = EL.scrubbed_columns(d).get(base[:-4], set()) \
                if base.endswith(".csv") else set()
            t = text
            if free:
                import csv
                import io
                r = csv.reader(io.StringIO(text, newline=""))
                header = next(r)
                skip = {i for i, c in enumerate(header) if c in free}
                t = "\n".join(v for row in r for i, v in enumerate(row)
                              if i not in skip)
            if single_re.search(t):
                seen.add("name")
        for kind in sorted(seen):
            print("%s: %s" % (path, kind))
            hits += 1
    print("%d identifiers (%d number forms, %d letter-and-digit forms, "
          "%d names) searched in %d files" % (
              len(tokens) + len(full) + len(single), len(digits),
              len(alnums), len(full) + len(single), len(files)),
          file=sys.stderr)
    sys.exit(1 if hits else 0)


if __name__ == "__main__":
    main()
