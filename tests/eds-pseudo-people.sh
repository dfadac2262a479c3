#!/bin/sh
# Every shipped policy on data from tools/eds-gen, end to end (eds-ingest
# with the source's schema, eds-pseudo with its policy): no full name
# ("First Last" or "Last First") built from the generator's name pools,
# those of its clinicians and of its patients, survives anywhere in the
# output bytes, ignoring case and accents; no "Dr" or "Pr" is followed by
# anything but a token.  The pools are read from tools/eds-gen-data.h at
# run time, and the same scan on the inputs must find names, so the test
# cannot pass by finding nothing.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed to scan the outputs"
printf '# test key\n000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' >"$T/k.key"
chmod 600 "$T/k.key"
sources="dpi-patients dpi-stays dpi-diagnoses dpi-acts lab radiology pathology dictation"
list=$(eds-gen --list)

for seed in 7 2027; do
	d="$T/s$seed"
	mkdir -p "$d/in" "$d/out"
	run 0 eds-gen -q -o "$d/g" -s "$seed" -p 300 -n 3000
	for s in $sources; do
		f=$(printf '%s\n' "$list" | awk -F'\t' -v s="$s" '$1 == s { print $2 }')
		[ -n "$f" ] || fail "eds-gen --list does not name source $s"
		[ -f "$CONFIG/policies/$s.yaml" ] || fail "no shipped policy for source $s"
		run 0 eds-ingest -q -c "$CONFIG/sources/$s.yaml" -o "$d/in/$s.csv" "$d/g/$f"
		run 0 eds-pseudo -q -p "$CONFIG/policies/$s.yaml" -k "$T/k.key" \
		    --domain PROJ-PEOPLE --stats "$d/out/$s.json" -o "$d/out/$s.csv" \
		    "$d/in/$s.csv"
	done
	ok "seed $seed: every source ingested and pseudonymised with its policy"

	python3 - "$top_srcdir/tools/eds-gen-data.h" "$d" $sources <<'PY' || fail "seed $seed: names survive (see above)"
import re, sys, unicodedata
header, d, sources = sys.argv[1], sys.argv[2], sys.argv[3:]
src = open(header, encoding="utf-8").read()
def pool(name):
    m = re.search(r"static const char \*const %s\[\] = \{(.*?)\};" % name, src, re.S)
    assert m, "no %s in %s" % (name, header)
    return re.findall(r'"([^"]*)"', m.group(1))
def fold(s):
    s = s.lower().replace("œ", "oe").replace("æ", "ae").replace("ø", "o").replace("ß", "ss")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return re.findall(r"[a-z0-9]+", s)
last = pool("last_names")
first = pool("first_names_f") + pool("first_names_m")
assert len(last) > 100 and len(first) > 80, "name pools too small"
names = set()
for f in first:
    for l in last:
        names.add(tuple(fold(f) + fold(l)))
        names.add(tuple(fold(l) + fold(f)))
lens = sorted({len(n) for n in names})
def scan(path):
    w = fold(open(path, encoding="utf-8").read())
    hits = []
    for i in range(len(w)):
        for n in lens:
            if tuple(w[i:i + n]) in names:
                hits.append(" ".join(w[i:i + n]))
    return hits
bad = 0
found_in = 0
for s in sources:
    found_in += len(scan("%s/in/%s.csv" % (d, s)))
    hits = scan("%s/out/%s.csv" % (d, s))
    if hits:
        bad = 1
        print("%s: %d full names survive, e.g. %s" % (s, len(hits), sorted(set(hits))[:5]), file=sys.stderr)
    text = open("%s/out/%s.csv" % (d, s), encoding="utf-8").read()
    for m in re.finditer(r"(?<![A-Za-z])(?:Dr|Pr)\.? +(?!\[)\S+", text):
        bad = 1
        print("%s: a title not followed by a token: %r" % (s, m.group(0)), file=sys.stderr)
        break
# The scan works: the inputs are full of names (patients and clinicians).
if found_in < 500:
    print("only %d full names in the inputs: the scan finds nothing" % found_in, file=sys.stderr)
    bad = 1
sys.exit(bad)
PY
	ok "seed $seed: no full name from the generator's pools survives in any output"

	# The people were found as such, in every source that writes them.
	for s in lab radiology pathology dictation; do
		n=$(json_get "$d/out/$s.json" person)
		[ "${n:-0}" -gt 0 ] || fail "seed $seed: $s: no person scrubbed (scrubbed.person ${n:-missing})"
		grep -q 'Dr \[PERSONNE\]\|Pr \[PERSONNE\]' "$d/out/$s.csv" ||
		    fail "seed $seed: $s: no 'Dr [PERSONNE]' in the output"
	done
	ok "seed $seed: clinicians become [PERSONNE] in lab, radiology, pathology and dictation"
done
