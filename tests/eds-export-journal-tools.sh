#!/bin/sh
# The journal of a real day's work: --journal on every tool (eds-ingest,
# eds-consent import and filter, eds-pseudo, eds-export whole, shard,
# merge and verify) appends one record each, in order, whose inputs and
# outputs carry the SHA-256 sha256sum computes and whose chain (checked
# here in Python, then by eds-export journal verify) is intact; journal
# show --project lists the project's exports; records appended by tools
# running at the same time keep the chain; a failed run is recorded with
# its status.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_python
command -v sha256sum >/dev/null || skip "sha256sum is needed"
export_setup 12 60 600
J=$T/journal.jsonl
spec p.yaml PROJ-J opt-out "secondary" 2026-11-27
dataset p.yaml dpi-patients
dataset p.yaml lab
spec q.yaml PROJ-OTHER opt-in "secondary" 2026-11-27
dataset q.yaml dpi-patients

run 0 eds-consent import -q --registry reg2 --journal "$J" raw/consent-events.csv
run 0 eds-ingest -q -c "$CONFIG/sources/lab.yaml" -o lab.csv --journal "$J" raw/lab.csv
run 0 eds-consent filter -q --registry reg2 --require secondary --regime opt-out \
    --at 2026-11-27 -o lab-consented.csv --journal "$J" lab.csv
run 0 eds-pseudo -q -p "$CONFIG/policies/lab.yaml" -k k.key --domain PROJ-J \
    -o lab-pseudo.csv --journal "$J" lab-consented.csv
run 0 eds-export -q -P p.yaml -k k.key --registry reg -o b --journal "$J"
run 0 eds-export -q -P p.yaml -k k.key --registry reg --shard 1/2 -o part1 --journal "$J"
run 0 eds-export -q -P p.yaml -k k.key --registry reg --shard 2/2 -o part2 --journal "$J"
run 0 eds-export merge -q -k k.key -P p.yaml -o m --journal "$J" part1 part2
run 0 eds-export verify -q --journal "$J" b
run 0 eds-export -q -P q.yaml -k k.key --registry reg -o other --journal "$J"
run 73 eds-export -q -P q.yaml -k k.key --registry reg -o other --journal "$J"

# What each line must say: tool, action, and a file whose SHA-256 is in
# the record as input (<) or output (>).
cat >want <<EOF
eds-consent import <raw/consent-events.csv
eds-ingest ingest <raw/lab.csv >lab.csv
eds-consent filter <lab.csv >lab-consented.csv
eds-pseudo pseudonymise <lab-consented.csv >lab-pseudo.csv
eds-export export <raw/lab.csv >b/tagmanifest-sha256.txt
eds-export shard
eds-export shard <raw/lab.csv
eds-export merge <raw/lab.csv >m/tagmanifest-sha256.txt
eds-export verify <b/tagmanifest-sha256.txt
eds-export export <raw/dpi-patients.csv >other/tagmanifest-sha256.txt
EOF
"$PYTHON" - "$J" <<'EOF' || fail "the journal does not hold the expected records"
import hashlib, json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
assert lines[-1] == b"", "the journal ends with a newline"
lines = lines[:-1]
want = [l.split() for l in open("want")]
prev = "0" * 64
bad = 0
def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()
for i, raw in enumerate(lines):
    r = json.loads(raw)
    for k in ("seq", "time", "tool", "version", "user", "host", "action",
              "inputs", "config_sha256", "key_id", "counts", "outputs",
              "prev"):
        if k not in r:
            print("line %d: no %s" % (i + 1, k)); bad = 1
    if r["seq"] != i + 1 or r["prev"] != prev:
        print("line %d: seq %s, prev %s: chain broken" % (i + 1, r["seq"],
              r["prev"])); bad = 1
    prev = hashlib.sha256(raw).hexdigest()
    if i >= len(want):
        continue
    w = want[i]
    if r["tool"] != w[0] or r["action"] != w[1]:
        print("line %d: %s %s, expected %s %s" % (i + 1, r["tool"],
              r["action"], w[0], w[1])); bad = 1
    for f in w[2:]:
        kind, path = f[0], f[1:]
        have = [x["sha256"] for x in r["inputs" if kind == "<" else "outputs"]]
        if sha(path) not in have:
            print("line %d: no %s with the SHA-256 of %s" % (i + 1,
                  "input" if kind == "<" else "output", path)); bad = 1
    if r["tool"] == "eds-export" and r["action"] in ("export", "shard",
                                                     "merge"):
        if r.get("project") not in ("PROJ-J", "PROJ-OTHER"):
            print("line %d: no project" % (i + 1)); bad = 1
        if not r["key_id"] or not r["config_sha256"]:
            print("line %d: no key id or configuration SHA-256" % (i + 1))
            bad = 1
if len(lines) != len(want) + 1:
    print("%d lines, expected %d" % (len(lines), len(want) + 1)); bad = 1
last = json.loads(lines[-1])
if last.get("status") == 0:
    print("the failed run is recorded as a success"); bad = 1
sys.exit(bad)
EOF
ok "every tool appends its record, with inputs and outputs as sha256sum computes them, chained"

run 0 eds-export journal verify "$J"
contains "$T/out" "11 lines, chain intact"
ok "eds-export journal verify accepts it"

run 0 eds-export journal show --project PROJ-J "$J"
contains "$T/out" "PROJ-J"
contains "$T/out" "$(sha256sum b/tagmanifest-sha256.txt | cut -c1-16)"
lacks "$T/out" "PROJ-OTHER"
[ "$(grep -c PROJ-J "$T/out")" = 2 ] || fail "journal show lists $(grep -c PROJ-J "$T/out") exports of PROJ-J, expected the whole export and the merge of the shards (the shards themselves wrote no bundle)"
contains "$T/out" "$(sha256sum m/tagmanifest-sha256.txt | cut -c1-16)"
run 0 eds-export journal show "$J"
contains "$T/out" "PROJ-OTHER"
ok "journal show --project lists the project's exports, whole or merged, with their outputs' fingerprints"

# Concurrent writers: six exports at once into a fresh journal.
J2=$T/journal2.jsonl
pids=
for i in 1 2 3 4 5 6; do
	eds-export -q -P p.yaml -k k.key --registry reg -o c$i --journal "$J2" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || fail "a concurrent export failed"
done
run 0 eds-export journal verify "$J2"
contains "$T/out" "6 lines, chain intact"
ok "six exports appending at the same time keep the chain intact"
