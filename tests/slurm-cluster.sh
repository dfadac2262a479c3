#!/bin/sh
# eds-slurm-export on a real single-node Slurm cluster started for the test
# (tests/slurm/cluster.sh: Debian's slurm-wlm and munge, installed if
# missing when root with apt-get): a 4-shard export of a generated
# project by the real eds-export (tests/slurm/lib.sh) through a job array
# and a merge job; the merge runs after every shard and its bundle equals
# the single-machine run; shard 3 failing makes the merge fail, naming
# shard 3, and the next run resubmits shard 3 alone.
#
# Needs root (Slurm's daemons run as root here).  Says SKIP with the
# reason when the cluster cannot run (not root, no packages and no apt,
# a daemon that does not start, with its log); EDS_SLURM_REQUIRED=yes
# makes that a failure instead.  It takes about 12 s (plus the packages'
# installation, about 15 s, the first time).
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/slurm/lib.sh"

CLUSTER=$top_srcdir/tests/slurm/cluster.sh
# Jobs start within 1 s of becoming eligible rather than 3 (Slurm's
# default batch_sched_delay): the same semantics, a shorter test.
: "${EDS_SLURM_SCHEDULER_PARAMETERS=batch_sched_delay=0}"
export EDS_SLURM_SCHEDULER_PARAMETERS
trap '"$CLUSTER" stop "$T/cluster" >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
# Interrupted, the daemons are stopped all the same.
trap 'exit 130' INT
trap 'exit 143' TERM HUP

now() {
	date +%s.%N | cut -c1-14
}
since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

t0=$(now)
set +e
"$CLUSTER" start "$T/cluster" 2>"$T/cluster.err"
st=$?
set -e
case $st in
0) ;;
77)
	[ "${EDS_SLURM_REQUIRED:-no}" != yes ] ||
	    fail "no cluster, and EDS_SLURM_REQUIRED=yes: $(cat "$T/cluster.err")"
	skip "no Slurm cluster: $(cat "$T/cluster.err")"
	;;
*) fail "tests/slurm/cluster.sh start exited $st: $(cat "$T/cluster.err")" ;;
esac
. "$T/cluster/env"
ok "a single-node cluster is up in $(since "$t0") s ($(sinfo -h -o '%P %D %c %t' | head -1))"

make_project "$T"
single_run "$T/single"
EDS_TEST_LOG=$T/log
EDS_SLURM_POLL=0.5
export EDS_TEST_LOG EDS_SLURM_POLL

# 4 shards and the merge.
t0=$(now)
run 0 "$SLURM_EXPORT" -P "$SPEC" -k "$KEY" --at "$AT" --registry "$REGISTRY" \
    -o "$T/b1" -n 4 -t 5 --journal "$T/journal" --wait
same_bundle "$T/single" "$T/b1"
[ "$(ran "$T/log")" = "merge, shard 1/4, shard 2/4, shard 3/4, shard 4/4" ] ||
    fail "ran '$(ran "$T/log")', not the 4 shards and the merge"
merged_after_shards "$T/log"
array=$(awk '$1 == "array" { print $2 }' "$T/b1.shards/jobs")
merge=$(awk '$1 == "merge" { print $2 }' "$T/b1.shards/jobs")
for i in 1 2 3 4; do
	contains "$T/b1.shards/shard-$i.status" "job=${array}_$i"
done
contains "$T/b1.shards/merge.status" "job=$merge"
[ "$(wc -l <"$T/journal")" = 1 ] || fail "the journal has not exactly one entry"
ok "4 shards as job array $array, the merge (job $merge) after them: the bundle equals the single run ($(since "$t0") s)"

# Shard 3 fails: the merge is cancelled, the report fails naming shard 3.
: >"$T/log"
t0=$(now)
EDS_TEST_FAIL_SHARD=3 run 65 "$SLURM_EXPORT" -P "$SPEC" -k "$KEY" --at "$AT" \
    --registry "$REGISTRY" -o "$T/b2" -n 4 --wait
contains "$T/err" "shard 3 of 4 failed with status 65 (log: $T/b2.shards/logs/shard-3.out)"
lacks "$T/err" "shard 1 of 4"
lacks "$T/err" "shard 4 of 4"
contains "$T/b2.shards/logs/merge.out" "shard 3 of 4 failed"
contains "$T/b2.shards/merge.status" "status=65"
contains "$T/b2.shards/logs/shard-3.out" "shard 3/4: simulated failure"
[ ! -e "$T/b2" ] || fail "a failed run left a bundle"
[ "$(ran "$T/log")" = "shard 1/4, shard 2/4, shard 3/4, shard 4/4" ] ||
    fail "ran '$(ran "$T/log")', not the 4 shards without the merge"
merge=$(awk '$1 == "merge" { print $2 }' "$T/b2.shards/jobs")
scontrol show job "$merge" >"$T/merge-job" 2>&1 || true
contains "$T/merge-job" "JobState=CANCELLED Reason=DependencyNeverSatisfied"
ok "shard 3 fails: the merge job is cancelled and the report fails naming shard 3 ($(since "$t0") s)"

# The next run resubmits shard 3 alone, then the merge.
: >"$T/log"
t0=$(now)
run 0 "$SLURM_EXPORT" -P "$SPEC" -k "$KEY" --at "$AT" --registry "$REGISTRY" \
    -o "$T/b2" -n 4 --wait
contains "$T/err" "submitted shards 3 of 4 as job array"
[ "$(ran "$T/log")" = "merge, shard 3/4" ] ||
    fail "the rerun ran '$(ran "$T/log")', not shard 3 and the merge"
merged_after_shards "$T/log"
same_bundle "$T/single" "$T/b2"
ok "the rerun resubmits shard 3 alone, then the merge ($(since "$t0") s)"
