#!/bin/sh
# k-anonymity over the released quasi-identifiers: "refuse" exits 65 with
# no bundle when a class is smaller than k and passes when none is;
# "suppress" drops exactly the rows of the small classes (computed here
# from the same project's bundle without k-anonymity), counts them as
# excluded k-anonymity, and provenance.json gives min k, the class-size
# histogram and the suppressed rows.  Classes are counted over the merged
# shards: a sharded run suppresses like a single one.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_python
export_setup 8 300 3000

# project FILE ID [KANON]: identities and laboratory, with an optional
# kanonymity mapping for the laboratory (flow style).
project() {
	spec "$1" "$2" opt-out "secondary" 2026-11-27
	dataset "$1" dpi-patients
	dataset "$1" lab lab "raw/lab-*.csv"
	[ -z "${3:-}" ] || printf '    kanonymity: %s\n' "$3" >>"$1"
}
"$PYTHON" - <<'EOF'
import csv
with open("raw/lab.csv", newline="", encoding="cp1252") as f:
    rows = list(csv.reader(f, delimiter=";"))
for i in range(3):
    part = rows[1:][i * (len(rows) - 1) // 3:(i + 1) * (len(rows) - 1) // 3]
    with open("raw/lab-%d.csv" % i, "w", newline="", encoding="cp1252") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(rows[0])
        w.writerows(part)
EOF

# classes BUNDLE K QI...: from BUNDLE/data/lab.csv, the rows of the classes
# of at least K rows (to kept.csv, as canonical CSV lines), and
# "suppressed classes min_k" on stdout.
classes() {
	"$PYTHON" - "$@" <<'EOF'
import csv, io, sys
bundle, k, qi = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
with open(bundle + "/data/lab.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
idx = [rows[0].index(q) for q in qi]
key = lambda r: tuple(r[i] for i in idx)
size = {}
for r in rows[1:]:
    size[key(r)] = size.get(key(r), 0) + 1
kept = [r for r in rows[1:] if size[key(r)] >= k]
with open("kept.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0])
    w.writerows(kept)
big = [n for n in size.values() if n >= k]
print(len(rows) - 1 - len(kept), len(size), min(big) if big else 0,
      min(size.values()))
EOF
}

# prov_k BUNDLE FIELD: a field of the lab dataset's k-anonymity record.
prov_k() {
	"$PYTHON" - "$@" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1] + "/data/provenance.json"))
d = [d for d in p["datasets"] if d["name"] == "lab"][0]
v = d
for part in sys.argv[2].split("."):
    v = v[part] if not part.isdigit() else v[int(part)]
print(json.dumps(v, sort_keys=True, separators=(",", ":")))
EOF
}

project ref.yaml PROJ-K
run 0 eds-export -q -P ref.yaml -k k.key --registry reg -o ref
set -- $(classes ref 4 age_at_sample loinc)
suppressed=$1 nclasses=$2 mink=$3 smallest=$4
[ "$suppressed" -gt 0 ] && [ "$smallest" -lt 4 ] ||
    fail "test bug: no class is smaller than 4"

project suppress.yaml PROJ-K \
    '{quasi_identifiers: [age_at_sample, loinc], k: 4, action: suppress}'
run 0 eds-export -q -P suppress.yaml -k k.key --registry reg -o sup \
    --stats sup.json
same kept.csv sup/data/lab.csv
[ "$(prov_k sup excluded.k-anonymity)" = "$suppressed" ] ||
    fail "k-anonymity exclusions: $(prov_k sup excluded.k-anonymity), expected $suppressed"
[ "$(prov_k sup k_anonymity.suppressed_rows)" = "$suppressed" ] ||
    fail "suppressed_rows is not $suppressed"
[ "$(prov_k sup k_anonymity.min_k)" = "$mink" ] ||
    fail "min_k is $(prov_k sup k_anonymity.min_k), expected $mink"
[ "$(prov_k sup k_anonymity.counted.classes)" = "$nclasses" ] ||
    fail "classes counted: $(prov_k sup k_anonymity.counted.classes), expected $nclasses"
[ "$(prov_k sup k_anonymity.counted.min_k)" = "$smallest" ] ||
    fail "min_k before suppression is not $smallest"
[ "$(prov_k sup rows_out)" = "$(count_rows kept.csv)" ] ||
    fail "rows_out is not the rows kept"
contains sup.json "\"k-anonymity\":$suppressed"
# The histogram accounts for every counted row.
"$PYTHON" - <<'EOF' || fail "the class-size histogram does not add up"
import json, sys
p = json.load(open("sup/data/provenance.json"))
k = [d for d in p["datasets"] if d["name"] == "lab"][0]["k_anonymity"]
c = k["counted"]
rows = sum(h["size"] * h["classes"] for h in c["class_sizes"])
classes = sum(h["classes"] for h in c["class_sizes"])
sys.exit(0 if rows == c["rows"] and classes == c["classes"] else 1)
EOF
ok "suppress drops exactly the rows of classes under k, and provenance says how many, min k and the histogram"

# Sharded: classes over the merged shards, not per shard.
for i in 1 2 3; do
	run 0 eds-export -q -P suppress.yaml -k k.key --registry reg \
	    --shard $i/3 -o part-$i
done
run 0 eds-export merge -q -k k.key -P suppress.yaml -o sup3 part-3 part-1 part-2
same sup/data/lab.csv sup3/data/lab.csv
same sup/data/provenance.json sup3/data/provenance.json
ok "3 shards merged suppress the same rows as a single run"

project refuse.yaml PROJ-K '{quasi_identifiers: [age_at_sample, loinc], k: 4}'
run 65 eds-export -q -P refuse.yaml -k k.key --registry reg -o refused \
    --archive
contains "$T/err" "refuse.yaml"
contains "$T/err" "'lab' is not 4-anonymous"
no_bundle refused
no_temporaries refused
ok "refuse with a class under k: 65 naming the dataset, no bundle nor archive"

# refuse passes when every class has k rows: k = the smallest class.
set -- $(classes ref 1 loinc)
smallest=$4
[ "$smallest" -ge 2 ] || fail "test bug: a loinc code with a single row"
project pass.yaml PROJ-K "{quasi_identifiers: [loinc], k: $smallest, action: refuse}"
run 0 eds-export -q -P pass.yaml -k k.key --registry reg -o passed
same ref/data/lab.csv passed/data/lab.csv
[ "$(prov_k passed k_anonymity.min_k)" = "$smallest" ] || fail "min_k is not $smallest"
project fail.yaml PROJ-K "{quasi_identifiers: [loinc], k: $((smallest + 1))}"
run 65 eds-export -q -P fail.yaml -k k.key --registry reg -o failed
no_bundle failed
ok "refuse passes at k = the smallest class ($smallest) and fails at k + 1"

project bad.yaml PROJ-K '{quasi_identifiers: [age], k: 4}'
run 78 eds-export -q -P bad.yaml -k k.key --registry reg -o bad
contains "$T/err" "'age'"
contains "$T/err" "is not a released column"
no_bundle bad
no_temporaries bad
ok "a quasi-identifier that is not a released column is 78, naming it"

run 64 eds-export -q -P fail.yaml -k k.key --registry reg -o bad --bagging-date 2026-13-01
contains "$T/err" "--bagging-date takes a date YYYY-MM-DD, not '2026-13-01'"
no_bundle bad
ok "a bagging date that is not a date is 64 before any work"
