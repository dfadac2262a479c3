#!/bin/sh
# Invalid input rows never leave and are never lost: on extracts with
# faults injected by eds-gen (--bad-rate, listed in --truth), each
# dataset's provenance counts rejected:<reason> exactly as the truth file
# lists them, rows_in = rows_out + every exclusion, and above the
# project's max_reject_rate the export is refused (65, naming the
# dataset) with no bundle left.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_python
export_setup 16 100 2000 --bad-rate 2% --truth truth.csv

spec p.yaml PROJ-R opt-out "secondary" 2026-11-27
for s in dpi-patients dpi-stays lab radiology; do
	dataset p.yaml $s
done
printf 'output:\n  max_reject_rate: 0.05\n' >>p.yaml
run 0 eds-export -q -P p.yaml -k k.key --registry reg -o b
"$PYTHON" - <<'EOF' || fail "rejections differ from the injected faults"
import csv, json, sys
truth = {}
for r in csv.DictReader(open("truth.csv", newline="")):
    key = (r["file"], "rejected:" + r["kind"])
    truth[key] = truth.get(key, 0) + 1
prov = json.load(open("b/data/provenance.json"))
files = {i["dataset"]: i["path"].split("/")[-1] for i in prov["inputs"]}
bad = 0
for d in prov["datasets"]:
    got = {k: v for k, v in d["excluded"].items() if k.startswith("rejected:")}
    want = {k: v for (f, k), v in truth.items() if f == files[d["name"]]}
    if got != want:
        print(d["name"], "got", got, "want", want)
        bad = 1
    if not want:
        print(d["name"], "test bug: no fault injected")
        bad = 1
    if d["rows_in"] != d["rows_out"] + sum(d["excluded"].values()):
        print(d["name"], "rows_in is not rows_out + exclusions")
        bad = 1
sys.exit(bad)
EOF
ok "rejected rows counted per reason exactly as injected; rows_in = rows_out + exclusions"

sed -i 's/max_reject_rate: 0.05/max_reject_rate: 0.001/' p.yaml
run 65 eds-export -q -P p.yaml -k k.key --registry reg -o refused
contains "$T/err" "p.yaml"
contains "$T/err" "rows rejected as invalid"
contains "$T/err" "dataset '"
no_bundle refused
no_temporaries refused
ok "above max_reject_rate: 65 naming the dataset, nothing left"

# The rate is the dataset's, not a shard's: shards run without checking
# it (a shard may hold most of the bad rows), the merge checks the sums.
run 0 eds-export -q -P p.yaml -k k.key --registry reg --at 2026-11-27 --shard 1/2 -o part1
run 0 eds-export -q -P p.yaml -k k.key --registry reg --at 2026-11-27 --shard 2/2 -o part2
run 65 eds-export merge -q -P p.yaml -k k.key -o merged part1 part2
contains "$T/err" "rows rejected as invalid"
no_bundle merged
sed -i 's/max_reject_rate: 0.001/max_reject_rate: 0.05/' p.yaml
run 0 eds-export -q -P p.yaml -k k.key --registry reg --at 2026-11-27 --shard 1/2 -o part1b
run 0 eds-export -q -P p.yaml -k k.key --registry reg --at 2026-11-27 --shard 2/2 -o part2b
run 0 eds-export merge -q -P p.yaml -k k.key -o merged part1b part2b
ok "a sharded export checks the reject rate over the whole dataset, at the merge"
