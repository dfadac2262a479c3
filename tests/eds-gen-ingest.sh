#!/bin/sh
# eds-gen writes every source exactly as its schema says (header names,
# separator, encoding, BOM, line ends), every row of it ingests without a
# reject at --bad-rate 0 with the row counts asked for, and the sources
# agree: the same patients (IPP), stays (NDA) and identities everywhere,
# free text that mentions them, and consent events of every kind.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed to read the outputs"
command -v iconv >/dev/null 2>&1 || skip "iconv is needed to check encodings"

run 0 eds-gen -q -o "$T/g" -s 2026 -p 400 --count lab=4000,radiology=300,pathology=120,dictation=150
list=$(eds-gen --list)

# The header of each file is the schema's input names, in order, joined
# by the schema's separator.
for s in dpi-patients dpi-stays dpi-diagnoses dpi-acts lab radiology pathology dictation; do
	yaml="$CONFIG/sources/$s.yaml"
	f=$(printf '%s\n' "$list" | awk -F'\t' -v s="$s" '$1 == s { print $2 }')
	[ -n "$f" ] || fail "--list does not name source $s"
	sep=$(sed -n 's/^separator: *"*\([^"]*\)"*$/\1/p' "$yaml")
	[ "$sep" = tab ] && sep=$(printf '\t')
	want=$(sed -n 's/^ *input: *//p' "$yaml" | awk -v s="$sep" '{ printf "%s%s", (NR > 1 ? s : ""), $0 }')
	got=$(head -1 "$T/g/$f" | tr -d '\r' | sed 's/^\xEF\xBB\xBF//')
	[ "$got" = "$want" ] || fail "$f header is '$got', the schema says '$want'"
done
ok "every header lists the schema's input names with its separator"

# Encodings and line ends.
for f in dpi-patients.csv dpi-stays.csv lab.csv; do
	if iconv -f UTF-8 -t UTF-8 "$T/g/$f" >/dev/null 2>&1 && grep -q "$(printf '\351')" "$T/g/$f"; then
		fail "$f should be Windows-1252"
	fi
	iconv -f CP1252 -t UTF-8 "$T/g/$f" >/dev/null || fail "$f is not Windows-1252"
	[ "$(grep -c "$(printf '\r')\$" "$T/g/$f")" = "$(wc -l <"$T/g/$f")" ] ||
	    fail "$f: every line should end in CRLF"
done
LC_ALL=C grep -q "$(printf '\351')" "$T/g/dpi-patients.csv" || fail "no é (0xE9) in dpi-patients.csv"
LC_ALL=C grep -q "$(printf '\265')mol/L" "$T/g/lab.csv" || fail "no µmol/L (0xB5) in lab.csv"
LC_ALL=C grep -q "$(printf '\234')" "$T/g/lab.csv" "$T/g/dpi-patients.csv" || fail "no œ (0x9C) in the Windows-1252 files"
for f in radiology.csv pathology.tsv dictation.csv consent-events.csv; do
	iconv -f UTF-8 -t UTF-8 "$T/g/$f" >/dev/null || fail "$f is not UTF-8"
done
[ "$(head -c 3 "$T/g/pathology.tsv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "pathology.tsv has no BOM"
if head -c 3 "$T/g/lab.csv" | grep -q "$(printf '\357')"; then fail "lab.csv has a BOM"; fi
if grep -q "$(printf '\r')" "$T/g/radiology.csv"; then fail "radiology.csv should have LF line ends"; fi
ok "encodings, BOM and line ends are those of each source"

# Every source ingests with its schema, with no reject and the row counts
# asked for.
for s in dpi-patients dpi-stays dpi-diagnoses dpi-acts lab radiology pathology dictation; do
	f=$(printf '%s\n' "$list" | awk -F'\t' -v s="$s" '$1 == s { print $2 }')
	run 0 eds-ingest -q -c "$CONFIG/sources/$s.yaml" --max-reject-rate 0 \
	    --stats "$T/$s.json" --rejects "$T/$s.rej" -o "$T/$s.out" "$T/g/$f"
	[ "$(json_get "$T/$s.json" rows_rejected)" = 0 ] || { head -5 "$T/$s.rej" >&2; fail "$s: rows rejected"; }
	n=$(json_get "$T/$s.json" rows_in)
	case $s in
	dpi-patients) want=400 ;;
	lab) want=4000 ;;
	radiology) want=300 ;;
	pathology) want=120 ;;
	dictation) want=150 ;;
	*) want=$n; [ "$n" -gt 400 ] || fail "$s: only $n rows for 400 patients" ;;
	esac
	[ "$n" = "$want" ] || fail "$s: $n rows in, $want asked for"
done
# Multi-line texts: more physical lines than rows.
[ "$(wc -l <"$T/g/dictation.csv")" -gt 300 ] || fail "dictation transcripts should span several lines"
ok "every source ingests with zero rejects and the row counts asked for"

# Cross-source consistency and content, read from the canonical outputs.
python3 - "$T" <<'PY' || fail "cross-source checks failed (see above)"
import csv, re, sys
T = sys.argv[1]
def rows(name):
    with open(f"{T}/{name}.out", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
bad = []
def check(cond, msg):
    if not cond:
        bad.append(msg)
pat = rows("dpi-patients")
stays = rows("dpi-stays")
ipps = {r["ipp"] for r in pat}
check(len(ipps) == len(pat), "IPPs are not unique")
byipp = {r["ipp"]: r for r in pat}
ndas = {r["nda"]: r["ipp"] for r in stays}
check(len(ndas) == len(stays), "NDAs are not unique")
check(all(r["ipp"] in ipps for r in stays), "a stay's IPP is not a patient")
for src in ("dpi-diagnoses", "dpi-acts", "lab", "radiology", "pathology", "dictation"):
    rs = rows(src)
    check(all(r["ipp"] in ipps for r in rs), f"{src}: an IPP that is not a patient")
    check(all(r["nda"] == "" or ndas.get(r["nda"]) == r["ipp"] for r in rs),
          f"{src}: an NDA that is not a stay of the row's patient")
    if "last_name" in rs[0]:
        check(all(r["last_name"].casefold() == byipp[r["ipp"]]["last_name"].casefold()
                  and r["first_name"] == byipp[r["ipp"]]["first_name"] for r in rs),
              f"{src}: names differ from the patient's")
lab = rows("lab")
check(all(r["nir"] in ("", byipp[r["ipp"]]["nir"]) for r in lab), "lab: NIR differs from the patient's")
check(any(r["nda"] == "" for r in lab) and any(r["nda"] for r in lab), "lab: outpatients and inpatients expected")
check(any(r["value"].startswith("<") for r in lab), "lab: no '<' comparator")
check(len({r["loinc"] for r in lab}) >= 20, "lab: too few LOINC codes")
# Free text names the row's own patient and carries identifiers to scrub.
texts = [(r, r["comment"]) for r in lab] + [(r, r["report"]) for r in rows("radiology")] + \
        [(r, r["report"]) for r in rows("pathology")] + [(r, r["transcript"]) for r in rows("dictation")]
def mentions(r, t):
    return r["ipp"] in t or byipp[r["ipp"]]["last_name"].casefold() in t.casefold()
check(sum(mentions(r, t) for r, t in texts) >= 20, "free text rarely names its own patient")
alltext = "\n".join(t for _, t in texts)
check(re.search(r"\b0\d( \d\d){4}\b", alltext), "no phone number like 06 12 34 56 78")
check(re.search(r"\+33 ?\d", alltext), "no phone number in +33 form")
check(re.search(r"[a-z.-]+@(example\.(org|com|net)|[a-z-]+\.test)\b", alltext), "no e-mail address")
check(re.search(r"\b[12] \d\d \d\d \d[\dAB] \d{3} \d{3} \d\d\b", alltext), "no NIR written with spaces")
check(re.search(r"\d\d/\d\d/\d{4}", alltext), "no date in free text")
check(any(c in alltext for c in "\"\n"), "no quote or newline in free text")
check(any(";" in t for _, t in texts) and any("|" in t for _, t in texts) and any("\t" in t for _, t in texts),
      "free text should hold ; | and tab separators")
rad = rows("radiology")
check(all(re.fullmatch(r"2\.25\.[1-9]\d{37}", r["study_uid"]) for r in rad), "study UIDs are not 2.25.<38 digits>")
check(len({r["accession"] for r in rad}) == len(rad), "accession numbers are not unique")
pcs = {r["postcode"][:2] for r in pat}
check("20" in pcs and "97" in pcs, "postcodes should include Corsica (20) and overseas (97)")
# Consent: every kind of story, IPPs only, some patients with no record.
with open(f"{T}/g/consent-events.csv", newline="", encoding="utf-8") as f:
    ev = list(csv.DictReader(f))
check(list(ev[0].keys()) == ["patient_id", "scope", "decision", "recorded_at", "source", "expires_at"],
      "consent header is not patient_id,scope,decision,recorded_at,source,expires_at")
check(all(e["patient_id"] in ipps for e in ev), "consent: a patient_id that is not an IPP")
check(all(e["decision"] in ("granted", "refused", "withdrawn") for e in ev), "consent: unknown decision")
check(all(re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)?)?", e["recorded_at"]) for e in ev),
      "consent: recorded_at is not ISO 8601")
check(len(ipps - {e["patient_id"] for e in ev}) > 0, "consent: every patient has a record")
check(any(e["expires_at"] for e in ev), "consent: no expires_at")
check(any(e["scope"].startswith("study:") for e in ev), "consent: no study scope")
seq = {}
for e in ev:
    seq.setdefault((e["patient_id"], e["scope"]), []).append(e)
check(any([x["decision"] for x in s] == ["granted", "withdrawn", "granted"] for s in seq.values()),
      "consent: no withdrawal followed by a new grant")
check(any(len(s) >= 2 and s[0]["recorded_at"] == s[1]["recorded_at"] for s in seq.values()),
      "consent: no two decisions with the same recorded_at")
for m in bad:
    print("  " + m)
sys.exit(1 if bad else 0)
PY
ok "sources share patients, stays and identities; texts and consent events have every kind"
