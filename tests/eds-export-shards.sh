#!/bin/sh
# Determinism and sharding: two runs give identical bundles (data files,
# manifests, every file); shard exports (2, 3 and 4 shards, and more
# shards than input files) merged in any order give the same bundle as a
# single run, byte for byte; merge refuses a missing, duplicated,
# unfinished or foreign partial, naming it; a sharded run needs a fixed
# consent date (64 without one), and shards run with different dates do
# not merge.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_python
export_setup 4 100 2000

# Split lab into 5 files and radiology into 2, at row boundaries.
"$PYTHON" - <<'EOF'
import csv
for name, sep, enc, n in (("lab.csv", ";", "cp1252", 5),
                          ("radiology.csv", "|", "utf-8", 2)):
    with open("raw/" + name, newline="", encoding=enc) as f:
        rows = list(csv.reader(f, delimiter=sep))
    body = rows[1:]
    for i in range(n):
        part = body[i * len(body) // n:(i + 1) * len(body) // n]
        base = name[:-4]
        with open("raw/%s-part-%d.csv" % (base, i + 1), "w", newline="",
                  encoding=enc) as f:
            w = csv.writer(f, delimiter=sep, lineterminator="\r\n")
            w.writerow(rows[0])
            w.writerows(part)
EOF

spec p.yaml PROJ-S opt-out "primary, secondary" 2026-11-27 2019-01-01 2026-11-27
dataset p.yaml dpi-patients
dataset p.yaml lab lab "raw/lab-part-*.csv"
dataset p.yaml radiology radiology "raw/radiology-part-*.csv"
D=--bagging-date=2026-11-28

run 0 eds-export -q -P p.yaml -k k.key --registry reg -o single $D
run 0 eds-export -q -P p.yaml -k k.key --registry reg -o again $D
diff -r single again >/dev/null || fail "two runs differ: $(diff -r single again | head -5)"
[ "$(count_rows single/data/lab.csv)" -gt 1000 ] || fail "test bug: few rows"
ok "two runs give identical bundles (data files, manifests, every file)"

# shards N: shard exports into part-N-I, merged in reverse order.
shards() {
	i=1
	parts=
	while [ $i -le "$1" ]; do
		run 0 eds-export -q -P p.yaml -k k.key --registry reg \
		    --shard "$i/$1" -o part-$1-$i
		[ -f part-$1-$i/partial.json ] || fail "no partial.json in part-$1-$i"
		parts="part-$1-$i $parts"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	run 0 eds-export merge -q -k k.key -P p.yaml -o merged-$1 $D $parts
	diff -r single merged-$1 >/dev/null ||
	    fail "$1 shards merged differ from a single run: $(diff -r single merged-$1 | head -5)"
}

for n in 2 3 4 7; do
	shards $n
done
ok "2, 3, 4 and 7 shards (more shards than files) merged equal a single run, byte for byte"

run 0 eds-export merge -q -k k.key -P p.yaml -k k.key -o merged-k $D part-3-2 part-3-1 part-3-3
diff -r single merged-k >/dev/null || fail "merge with the key differs"
eds-pseudo keygen -q -o other.key
run 65 eds-export merge -q -k k.key -P p.yaml -k other.key -o m $D part-3-1 part-3-2 part-3-3
contains "$T/err" "other.key"
no_bundle m
ok "merge checks the key when given one"

# A missing partial is named.
run 66 eds-export merge -q -k k.key -P p.yaml -o m $D part-4-1 part-4-2 part-4-4
contains "$T/err" "shard 3 of 4 is missing"
no_bundle m
run 66 eds-export merge -q -k k.key -P p.yaml -o m $D part-4-1 part-4-2 part-4-3 part-4-9
contains "$T/err" "part-4-9"
no_bundle m
ok "a missing shard is refused (66) naming the missing shard or directory"

cp -R part-4-2 dup
run 65 eds-export merge -q -k k.key -P p.yaml -o m $D part-4-1 part-4-2 dup part-4-3 part-4-4
contains "$T/err" "shard 2 of 4"
contains "$T/err" "dup"
no_bundle m
run 65 eds-export merge -q -k k.key -P p.yaml -o m $D part-4-1 part-4-2 dup part-4-4
contains "$T/err" "shard 2 of 4"
contains "$T/err" "dup"
no_bundle m
ok "a duplicated shard is refused naming both copies"

mkdir unfinished && cp part-4-3/lab.csv unfinished/
run 66 eds-export merge -q -k k.key -P p.yaml -o m $D part-4-1 part-4-2 unfinished part-4-4
contains "$T/err" "unfinished"
contains "$T/err" "not a finished partial"
no_bundle m
ok "an unfinished partial (no partial.json) is refused naming it"

# Foreign partials: another project, another version of the spec, another
# shard count, another key, another consent date.
spec o.yaml PROJ-O opt-out "primary, secondary" 2026-11-27
dataset o.yaml dpi-patients
dataset o.yaml lab lab "raw/lab-part-*.csv"
dataset o.yaml radiology radiology "raw/radiology-part-*.csv"
run 0 eds-export -q -P o.yaml -k k.key --registry reg --shard 2/2 -o other-project
run 65 eds-export merge -q -k k.key -P p.yaml -o m $D part-2-1 other-project
contains "$T/err" "other-project"
contains "$T/err" "another project"
no_bundle m

cp p.yaml p2.yaml
run 0 eds-export -q -P p2.yaml -k k.key --registry reg --shard 2/2 -o spec-copy
printf '# edited\n' >>p2.yaml
run 0 eds-export -q -P p2.yaml -k k.key --registry reg --shard 1/2 -o spec-edited
run 65 eds-export merge -q -k k.key -P p2.yaml -o m $D spec-edited spec-copy
contains "$T/err" "spec-copy"
contains "$T/err" "another version"
no_bundle m

run 65 eds-export merge -q -k k.key -P p.yaml -o m $D part-2-1 part-3-2
contains "$T/err" "part-3-2"
no_bundle m

run 0 eds-export -q -P p.yaml -k other.key --registry reg --shard 2/2 -o other-key
run 65 eds-export merge -q -k k.key -P p.yaml -o m $D part-2-1 other-key
contains "$T/err" "other-key"
contains "$T/err" "key_id"
no_bundle m

run 0 eds-export -q -P p.yaml -k k.key --registry reg --shard 2/2 \
    --at 2025-01-01 -o other-at
run 65 eds-export merge -q -k k.key -P p.yaml -o m $D part-2-1 other-at
contains "$T/err" "other-at"
contains "$T/err" "consent_at"
no_bundle m
ok "partials of another project, spec version, shard count, key or consent date are refused naming them"

# Without a consent date in the spec, shards need --at (the same for all).
spec n.yaml PROJ-N opt-in "secondary" -
dataset n.yaml lab lab "raw/lab-part-*.csv"
run 64 eds-export -q -P n.yaml -k k.key --registry reg --shard 1/2 -o n1
contains "$T/err" "--at"
[ ! -e n1 ] || fail "a partial was left"
run 0 eds-export -q -P n.yaml -k k.key --registry reg --shard 1/1 -o n11
ok "a shard of several without a consent date is 64 (one of one is a whole run)"

run 0 eds-export -q -P n.yaml -k k.key --registry reg --at 2026-06-30 -o n-single $D
run 0 eds-export -q -P n.yaml -k k.key --registry reg --shard 1/2 --at 2026-06-30 -o n-1
run 0 eds-export -q -P n.yaml -k k.key --registry reg --shard 2/2 --at 2026-06-30 -o n-2
run 0 eds-export merge -q -k k.key -P n.yaml -o n-merged $D n-2 n-1
diff -r n-single n-merged >/dev/null || fail "--at shards merged differ from a single --at run"
contains n-merged/bag-info.txt "EDS-Consent-As-Of: 2026-06-30T23:59:59"
run 0 eds-export -q -P n.yaml -k k.key --registry reg --shard 2/2 --at 2026-07-01 -o n-2b
run 65 eds-export merge -q -k k.key -P n.yaml -o m $D n-1 n-2b
contains "$T/err" "n-2b"
no_bundle m
ok "shards with the same --at merge into the single run's bundle; different --at do not merge"

# The configuration read is part of the run: provenance.json lists the
# specification, each dataset's schema and policy with their SHA-256; a
# policy edited between the shards, or after them and before the merge,
# and a registry imported into between the shards, stop the merge.
cp "$CONFIG/policies/lab.yaml" mypolicy.yaml
spec c.yaml PROJ-C opt-out "primary, secondary" 2026-11-27
dataset c.yaml lab lab "raw/lab-part-*.csv"
sed -i "s#policy: .*/lab.yaml#policy: mypolicy.yaml#" c.yaml
run 0 eds-export -q -P c.yaml -k k.key --registry reg -o c-single $D
"$PYTHON" - <<'PY' || fail "provenance.json does not list the configuration read"
import hashlib, json
prov = json.load(open("c-single/data/provenance.json"))
cfg = prov["configuration"]
assert [c["kind"] for c in cfg] == ["project", "schema", "policy"], cfg
for c in cfg:
    assert c["sha256"] == hashlib.sha256(open(c["path"], "rb").read()).hexdigest(), c
assert prov["domain"] == "PROJ-C" and prov["consent"]["id_column"] == "ipp"
assert prov["consent"]["registry_generation"] == "1", prov["consent"]
PY
run 0 eds-export -q -P c.yaml -k k.key --registry reg --shard 1/2 -o c-1
printf '# edited\n' >>mypolicy.yaml
run 0 eds-export -q -P c.yaml -k k.key --registry reg --shard 2/2 -o c-2
run 65 eds-export merge -q -k k.key -P c.yaml -o m $D c-1 c-2
contains "$T/err" "shard 2 read another version of the policy of dataset 'lab'"
no_bundle m
run 0 eds-export -q -P c.yaml -k k.key --registry reg --shard 1/2 -o c-1b
printf '# edited again\n' >>mypolicy.yaml
run 65 eds-export merge -q -k k.key -P c.yaml -o m $D c-1b c-2
contains "$T/err" "mypolicy.yaml: changed since the data of dataset 'lab' was read"
no_bundle m
cp -r reg reg2
printf 'patient_id,scope,decision,recorded_at,source\n999999999,secondary,refused,2020-01-01,test\n' >late.csv
run 0 eds-consent import -q --registry reg2 late.csv
run 0 eds-export -q -P c.yaml -k k.key --registry reg2 --shard 2/2 -o c-2r
run 65 eds-export merge -q -k k.key -P c.yaml -o m $D c-1b c-2r
contains "$T/err" "registry_generation"
no_bundle m
ok "the configuration and registry read are recorded, and must be the same for every shard and the merge"
