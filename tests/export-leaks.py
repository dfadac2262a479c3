#!/usr/bin/env python3
"""export-leaks.py: search a bundle for the input's identifying values.

    export-leaks.py RAWDIR FILE...

Collects, from the raw extracts eds-gen wrote in RAWDIR, every value of
an identifying column (IPP, NDA, NIR compact, spaced and without its key,
accession and examination numbers, DICOM study UIDs, phone numbers,
addresses, last and first names) and looks for each in every byte of each
FILE (a bundle's files, or an archive's content):

- numbers and codes anywhere, case-insensitively, as a whole token (not
  inside a longer run of letters and digits, such as a pseudonym);
- full names ("first last", "last first"), accented or not, in any case;
- a single name (4 letters or more) as a whole word, in any case, except
  inside the scrubbed free-text columns of a bundle's CSV files (named in
  data/dictionary.csv), where clinicians, who share the patients' names,
  are mentioned: the scrubber's tests cover patients' own names there
  (and so not in a FILE.tar: search the extracted files).

Prints each hit as "FILE: KIND" (never the value) and exits 1 if any.
"""

import csv
import io
import os
import re
import sys
import unicodedata

SOURCES = {
    # file: (separator, encoding, {column: kind})
    "dpi-patients.csv": (";", "cp1252", {"IPP": "ipp", "NIR": "nir",
        "NOM": "last", "PRENOM": "first", "ADRESSE": "address",
        "TELEPHONE": "phone"}),
    "dpi-stays.csv": (";", "cp1252", {"IPP": "ipp", "NDA": "nda"}),
    "dpi-diagnoses.csv": (";", "cp1252", {"IPP": "ipp", "NDA": "nda"}),
    "dpi-acts.csv": (";", "cp1252", {"IPP": "ipp", "NDA": "nda"}),
    "lab.csv": (";", "cp1252", {"IPP": "ipp", "NDA": "nda", "NIR": "nir",
        "NOM": "last", "PRENOM": "first"}),
    "radiology.csv": ("|", "utf-8", {"ipp": "ipp", "nda": "nda",
        "patient_name": "last", "patient_first_name": "first",
        "accession_number": "accession", "study_instance_uid": "uid"}),
    "pathology.tsv": ("\t", "utf-8-sig", {"IPP": "ipp", "NDA": "nda",
        "NOM": "last", "PRENOM": "first", "NUM_EXAMEN": "exam"}),
}


def fold(s):
    s = unicodedata.normalize("NFKD", s.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in s if not unicodedata.combining(c))


def collect(rawdir):
    tokens = {}		# value -> kind, searched as a token
    full = {}		# full name -> kind
    single = set()
    for name, (sep, enc, cols) in SOURCES.items():
        path = os.path.join(rawdir, name)
        if not os.path.exists(path):
            continue
        with open(path, newline="", encoding=enc) as f:
            r = csv.reader(f, delimiter=sep)
            header = next(r)
            idx = {header.index(c): k for c, k in cols.items()}
            for row in r:
                names = {}
                for i, kind in idx.items():
                    v = row[i].strip() if i < len(row) else ""
                    if not v:
                        continue
                    if kind in ("last", "first"):
                        names[kind] = v
                        if len(fold(v)) >= 4:
                            single.add(v)
                    elif kind == "nir":
                        tokens[v] = "nir"
                        tokens[v[:13]] = "nir-without-key"
                        tokens[" ".join([v[0], v[1:3], v[3:5], v[5:7],
                                         v[7:10], v[10:13], v[13:]])] = \
                            "nir-spaced"
                    else:
                        tokens[v] = kind
                if "last" in names and "first" in names:
                    full[names["first"] + " " + names["last"]] = "full-name"
                    full[names["last"] + " " + names["first"]] = "full-name"
    return tokens, full, single


def pattern(values, word):
    """One regex for many values; word: letters/digits may not touch."""
    alts = []
    for v in sorted(values, key=len, reverse=True):
        forms = {v, fold(v)}
        for f in forms:
            parts = re.split(r"[\s\-']+", f)
            alts.append(r"[\s\-']+".join(re.escape(p) for p in parts))
    b = r"(?<![0-9A-Za-z\u00c0-\u024f])" if word else ""
    e = r"(?![0-9A-Za-z\u00c0-\u024f])" if word else ""
    return re.compile(b + "(?:" + "|".join(alts) + ")" + e, re.IGNORECASE)


def scrubbed_columns(bundle_data):
    """{file: set(column)} of the free-text columns, from dictionary.csv."""
    out = {}
    path = os.path.join(bundle_data, "dictionary.csv")
    if os.path.exists(path):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["transformation"] == "scrub":
                    out.setdefault(row["dataset"], set()).add(row["column"])
    return out


def main():
    rawdir, files = sys.argv[1], sys.argv[2:]
    tokens, full, single = collect(rawdir)
    by_kind = {}
    for v, k in tokens.items():
        by_kind.setdefault(k, set()).add(v)
    res = [(k, pattern(v, True)) for k, v in sorted(by_kind.items())]
    res.append(("full-name", pattern(full, True)))
    single_re = pattern(single, True)
    hits = 0
    for path in files:
        data = open(path, "rb").read()
        text = data.decode("utf-8", errors="replace")
        for kind, rx in res:
            if rx.search(text):
                print("%s: %s" % (path, kind))
                hits += 1
        # Single names: outside the free-text columns (and so not in an
        # archive, which holds them: search its extracted files).
        base = os.path.basename(path)
        if base.endswith(".tar"):
            continue
        d = os.path.dirname(path)
        free = scrubbed_columns(d).get(base[:-4], set()) \
            if base.endswith(".csv") else set()
        if free:
            r = csv.reader(io.StringIO(text, newline=""))
            header = next(r)
            skip = {i for i, c in enumerate(header) if c in free}
            text = "\n".join(v for row in r for i, v in enumerate(row)
                             if i not in skip)
        if single_re.search(text):
            print("%s: name" % path)
            hits += 1
    print("%d values searched in %d files" % (
        len(tokens) + len(full) + len(single), len(files)), file=sys.stderr)
    sys.exit(1 if hits else 0)


if __name__ == "__main__":
    main()
