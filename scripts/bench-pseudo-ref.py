#!/usr/bin/env python3
"""Reference implementation, in the Python standard library only (csv, hmac,
hashlib, re, datetime), of what `eds-pseudo -p config/policies/lab.yaml`
does to a canonical laboratory extract: IPP, NDA and NIR pseudonymised
(eds-pseudo v1, see the ALGORITHM section of eds-pseudo(1)), names dropped,
the birth date turned into an age at sampling (top-coded at 90), the sample
time shifted by the patient's offset, the comment scrubbed (NIR with a valid
key, French and international telephone numbers, e-mail addresses, the
row's names, IPP and NDA, people named after a title such as Dr or Mme;
dates shifted).

It is the yardstick of the benchmark (scripts/bench.d/20-pseudo.sh: eds-pseudo
must be at least 10 times faster) and a check of the contract: its
pseudonyms, ages and shifted dates must equal those of eds-pseudo
(tests/eds-pseudo-python.sh).  Its scrubber is simpler than eds-pseudo's.

usage: bench-pseudo-ref.py -k KEYFILE --domain NAME [IN [OUT]]
"""
import argparse
import csv
import datetime
import hashlib
import hmac
import re
import sys


def read_key(path):
    for line in open(path, encoding="ascii"):
        line = line.split("#", 1)[0].strip()
        if line:
            return bytes.fromhex(line)
    raise SystemExit("no key in " + path)


def domain_key(k, domain):
    prk = hmac.new(bytes(32), k, hashlib.sha256).digest()
    info = b"eds-pseudo v1 domain:" + domain.encode("utf-8")
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", required=True)
    ap.add_argument("--domain", required=True)
    ap.add_argument("input", nargs="?", default="-")
    ap.add_argument("output", nargs="?", default="-")
    a = ap.parse_args()
    base = hmac.new(domain_key(read_key(a.k), a.domain), digestmod=hashlib.sha256)
    R = 365

    def digest(tag, v):
        h = base.copy()
        h.update(tag + b"\x00" + v.encode("utf-8"))
        return h.digest()

    def pseudonym(tag, v):
        v = v.strip(" \t")
        return "" if v == "" else digest(tag, v).hex()[:32]

    def offset(p):
        p = p.strip(" \t")
        if p == "":
            return 0
        k = int.from_bytes(digest(b"date-shift", p)[:4], "big") % (2 * R)
        return -(k + 1) if k < R else k - R + 1

    nir_re = re.compile(r"(?<![0-9A-Za-z])([12378](?:[ .-]?[0-9]){4}[ .-]?(?:[0-9]{2}|2[AB])(?:[ .-]?[0-9]){6}[ .-]?[0-9]{2})(?![0-9A-Za-z])")
    tel_re = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?[1-9](?:[ .-]?[0-9]{2}){4}|0[1-9](?:([ .-]?)[0-9]{2})(?:\1[0-9]{2}){3}|\+[1-9][0-9 .()-]{7,18}[0-9])(?![0-9A-Za-z])")
    mail_re = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
    part = r"(?:(?:[Dd][eu]|des|[Ll][ae]|van|von|der|[Dd]a|[Bb]en)\s+)*"
    word = r"[A-ZÀ-ÖØ-Þ](?:\.|[\w'’-]+)"
    person_re = re.compile(
        r"(?<![\w'’@/-])((?:Dr|DR|dr|Pr|Prof|Mme|MME|mme|Mlle|Mr|Mrs|Ms|Me)\.?[ \t]+|M\.[ \t]+|"
        r"(?i:docteur|professeur|madame|monsieur|mademoiselle|ma[iî]tre)[ \t]+)"
        r"(" + part + word + r"(?:[ \t]+" + part + word + r"){0,3})")
    date_re = re.compile(r"(?<![0-9])([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?![0-9])")

    def nir_ok(m):
        s = re.sub(r"[ .-]", "", m.group(1))
        n = int(s[:13].replace("2A", "19").replace("2B", "18"))
        return "[NIR]" if 97 - n % 97 == int(s[13:]) else m.group(0)

    def scrub(text, names, ipp, nda, off):
        if not text:
            return text
        text = mail_re.sub("[EMAIL]", text)
        text = nir_re.sub(nir_ok, text)
        text = tel_re.sub("[TEL]", text)
        for n in names:
            if len(n) >= 2:
                text = re.sub(r"(?<!\w)" + re.escape(n) + r"(?!\w)", "[NOM]", text, flags=re.I)
        text = person_re.sub(lambda m: m.group(1) + "[PERSONNE]", text)
        for v, lab in ((ipp, "[IPP]"), (nda, "[NDA]")):
            if v:
                text = re.sub(r"(?<![0-9])" + re.escape(v) + r"(?![0-9])", lab, text)

        def shift(m):
            try:
                d = datetime.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return m.group(0)
            if off == 0:
                return "[DATE]"
            return (d + datetime.timedelta(days=off)).strftime("%d/%m/%Y")
        return date_re.sub(shift, text)

    fin = sys.stdin if a.input == "-" else open(a.input, newline="", encoding="utf-8")
    fout = sys.stdout if a.output == "-" else open(a.output, "w", newline="", encoding="utf-8")
    r = csv.reader(fin)
    w = csv.writer(fout, lineterminator="\n")
    head = next(r)
    col = {n: i for i, n in enumerate(head)}
    w.writerow(["ipp", "nda", "nir", "age_at_sample", "sample_time", "loinc", "label",
                "value", "unit", "ref_low", "ref_high", "comment"])
    I = [col[n] for n in ("ipp", "nda", "nir", "last_name", "first_name", "birth_date",
                          "sample_time", "loinc", "label", "value", "unit", "ref_low",
                          "ref_high", "comment")]
    for row in r:
        ipp, nda, nir, last, first, birth, when = (row[i] for i in I[:7])
        off = offset(ipp)
        age = ""
        if birth and when:
            b = datetime.date.fromisoformat(birth)
            t = datetime.date.fromisoformat(when[:10])
            y = t.year - b.year - ((t.month, t.day) < (b.month, b.day))
            age = "90+" if y >= 90 else str(y)
        if when:
            d = datetime.date.fromisoformat(when[:10]) + datetime.timedelta(days=off)
            when = d.isoformat() + when[10:]
        w.writerow([pseudonym(b"patient", ipp), pseudonym(b"stay", nda), pseudonym(b"nir", nir),
                    age, when] + [row[i] for i in I[7:13]] +
                   [scrub(row[I[13]], (last, first), ipp, nda, off)])
    fout.flush()


if __name__ == "__main__":
    main()
