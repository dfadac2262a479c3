#!/bin/sh
# eds-slurm-export without a cluster: the sbatch commands it builds
# (--dry-run, and through a stand-in sbatch that records them), options
# from flags and the environment, the state it keeps, and what a second
# run resubmits after the job scripts it wrote have run by hand, shard 3
# failing.  tests/slurm-cluster.sh does the same on a real cluster.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/slurm/lib.sh"

make_project "$T"
single_run "$T/single"
S=$T/b.shards
set -- -P "$SPEC" -k "$KEY" --at "$AT" --registry "$REGISTRY" -o "$T/b" -n 4

# Stand-ins for sbatch and squeue: sbatch records its arguments in
# $T/slurm/sbatch.log and prints job ids from 100 ("ID;cluster", as
# --parsable does on a named cluster), failing its Nth call when
# FAKE_SBATCH_FAIL=N; squeue prints $T/slurm/queue.
mkdir -p "$T/bin" "$T/slurm"
cat >"$T/bin/sbatch" <<'EOF'
#!/bin/sh
d=$FAKE_SLURM
calls=$(($(cat "$d/calls" 2>/dev/null || echo 0) + 1))
echo "$calls" >"$d/calls"
if [ "${FAKE_SBATCH_FAIL:-}" = "$calls" ]; then
	echo "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified" >&2
	exit 1
fi
printf '%s\n' "$*" >>"$d/sbatch.log"
echo "$((99 + calls));edstest"
EOF
cat >"$T/bin/squeue" <<'EOF'
#!/bin/sh
cat "$FAKE_SLURM/queue" 2>/dev/null
EOF
chmod +x "$T/bin/sbatch" "$T/bin/squeue"
FAKE_SLURM=$T/slurm
PATH=$T/bin:$PATH
export FAKE_SLURM PATH
newcalls() {
	rm -f "$T/slurm/calls" "$T/slurm/sbatch.log"
}

# --dry-run: the three sbatch commands, options from the flags.
run 0 "$SLURM_EXPORT" "$@" -p compute -t 1:00:00 -m 4G -A proj-014 -j 2 \
    --merge-time 0:30:00 --sbatch-arg --qos=long --dry-run
cp "$T/out" "$T/dry"
contains "$T/dry" "# shards to run: 1-4 of 4 (0 done)"
contains "$T/dry" "ARRAY_JOB_ID=\$(sbatch --parsable --job-name=eds-shard --array=1-4%2 --time='1:00:00' --mem='4G' --partition='compute' --account='proj-014' --chdir='$PWD' '--qos=long' --output='$S/logs/shard-%a.out' '$S/shard.sh')"
contains "$T/dry" "sbatch --parsable --job-name=eds-merge --dependency=afterok:\$ARRAY_JOB_ID --kill-on-invalid-dep=yes --time='0:30:00' --mem='4G' --partition='compute' --account='proj-014' --chdir='$PWD' '--qos=long' --output='$S/logs/merge.out' --open-mode=append '$S/merge.sh'"
contains "$T/dry" "sbatch --parsable --job-name=eds-merge-report --dependency=afternotok:\$ARRAY_JOB_ID --kill-on-invalid-dep=yes --time='0:30:00'"
[ "$(wc -l <"$T/dry")" = 4 ] || fail "--dry-run printed more than the plan and 3 commands"
[ ! -e "$S" ] || fail "--dry-run made the state directory"
[ ! -e "$T/slurm/calls" ] || fail "--dry-run ran sbatch"
ok "--dry-run: an array over the shards, the merge afterok, the report afternotok, options from the flags"

# The environment gives the defaults; flags win.
EDS_SLURM_PARTITION=envpart EDS_SLURM_TIME=2:00:00 EDS_SLURM_MEM=8G \
    EDS_SLURM_ACCOUNT=envacct EDS_SLURM_MERGE_MEM=1G \
    run 0 "$SLURM_EXPORT" "$@" -p flagpart --dry-run
contains "$T/out" "--array=1-4 --time='2:00:00' --mem='8G' --partition='flagpart' --account='envacct' --chdir="
contains "$T/out" "--dependency=afterok:\$ARRAY_JOB_ID --kill-on-invalid-dep=yes --time='2:00:00' --mem='1G' --partition='flagpart'"
ok "EDS_SLURM_PARTITION, _TIME, _MEM, _ACCOUNT, _MERGE_MEM are defaults that flags override"

# A submission: the array, then the merge and the report depending on it.
newcalls
run 0 "$SLURM_EXPORT" "$@" -p compute
contains "$T/err" "submitted shards 1-4 of 4 as job array 100 (0 done before), the merge as job 101 after it, the failure report as job 102; state in '$S'"
printf 'array 100 1-4\nmerge 101\nreport 102\n' >"$T/want"
same "$T/want" "$S/jobs"
sed -n 1p "$T/slurm/sbatch.log" >"$T/l1"
contains "$T/l1" "--array=1-4 --partition=compute --chdir=$PWD --output=$S/logs/shard-%a.out $S/shard.sh"
sed -n 2p "$T/slurm/sbatch.log" >"$T/l2"
contains "$T/l2" "--dependency=afterok:100 --kill-on-invalid-dep=yes"
sed -n 3p "$T/slurm/sbatch.log" >"$T/l3"
contains "$T/l3" "--dependency=afternotok:100 --kill-on-invalid-dep=yes"
[ -x "$S/shard.sh" ] && [ -x "$S/merge.sh" ] || fail "no job scripts in $S"
contains "$S/run" "shards=4"
contains "$S/run" "project_sha256="
lacks "$S/run" "$(cat "$KEY")"
[ ! -e "$S/lock" ] || fail "the lock was left behind"
ok "submission: array, merge afterok and report afternotok on the array's id; job ids kept"

# While those jobs are queued, no second submission.
echo "101 101" >"$T/slurm/queue"
newcalls
run 73 "$SLURM_EXPORT" "$@"
contains "$T/err" "jobs 101 of the previous submission (see '$S/jobs') are still queued or running"
[ ! -e "$T/slurm/calls" ] || fail "sbatch ran while the previous jobs were queued"
echo "100 100_[3-4]" >"$T/slurm/queue"
run 73 "$SLURM_EXPORT" "$@"
contains "$T/err" "jobs 100 of the previous submission"
rm "$T/slurm/queue"
ok "no resubmission while the previous jobs are queued or running"

# The jobs run (by hand, as Slurm would run them): shard 3 fails.
for i in 1 2 3 4; do
	SLURM_ARRAY_JOB_ID=100 SLURM_ARRAY_TASK_ID=$i EDS_TEST_FAIL_SHARD=3 \
	    sh "$S/shard.sh" >"$S/logs/shard-$i.out" 2>&1 || true
done
contains "$S/shard-3.status" "status=65"
contains "$S/shard-3.status" "job=100_3"
contains "$S/shard-2.status" "status=0"
run 65 env SLURM_JOB_ID=102 sh "$S/merge.sh"
contains "$T/err" "shard 3 of 4 failed with status 65 (log: $S/logs/shard-3.out)"
contains "$S/merge.status" "status=65"
contains "$S/merge.status" "job=102"
[ ! -e "$T/b" ] || fail "the report wrote a bundle"
ok "the failure report names the failed shard and exits 65"

# The second run resubmits shard 3 only, then the merge.
newcalls
run 0 "$SLURM_EXPORT" "$@" --dry-run
contains "$T/out" "# shards to run: 3 of 4 (3 done)"
contains "$T/out" "--array=3 "
run 0 "$SLURM_EXPORT" "$@"
contains "$T/err" "submitted shards 3 of 4 as job array 100 (3 done before)"
contains "$T/slurm/sbatch.log" "--array=3 "
[ ! -e "$S/merge.status" ] || fail "the old merge status was kept"
SLURM_ARRAY_TASK_ID=3 sh "$S/shard.sh" >"$S/logs/shard-3.out" 2>&1 ||
    fail "shard 3 failed again"
run 0 sh "$S/merge.sh"
same_bundle "$T/single" "$T/b"
contains "$S/merge.status" "status=0"
newcalls
run 0 "$SLURM_EXPORT" "$@"
contains "$T/err" "nothing to do"
[ ! -e "$T/slurm/calls" ] || fail "sbatch ran when there was nothing to do"
ok "the second run resubmits shard 3 only; the merged bundle equals the single run"

# All shards done but the merge failed: the merge alone, no dependency.
rm -rf "$T/b" && rm "$S/merge.status"
newcalls
run 0 "$SLURM_EXPORT" "$@" -p compute
contains "$T/err" "all 4 shards done; submitted the merge as job 100"
[ "$(wc -l <"$T/slurm/sbatch.log")" = 1 ] || fail "more than the merge was submitted"
contains "$T/slurm/sbatch.log" "--job-name=eds-merge --partition=compute"
lacks "$T/slurm/sbatch.log" "--dependency"
ok "with every shard done, the merge alone is submitted"

# sbatch refuses: 69 with its message; a refused merge leaves the array.
rm -rf "$T/c" "$T/c.shards"
set -- -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/c" -n 2
newcalls
FAKE_SBATCH_FAIL=1 run 69 "$SLURM_EXPORT" "$@"
contains "$T/err" "cannot submit the shard array: sbatch: error: Batch job submission failed: Invalid account"
newcalls
FAKE_SBATCH_FAIL=2 run 69 "$SLURM_EXPORT" "$@"
contains "$T/err" "cannot submit the merge job: sbatch: error:"
contains "$T/err" "the shards are submitted as job array 100: run eds-slurm-export again once it has ended"
contains "$T/c.shards/jobs" "array 100 1-2"
ok "a job sbatch refuses: 69 with sbatch's message"

# --wait, once the jobs left the queue without a merge status: 69.
rm -rf "$T/c" "$T/c.shards"
newcalls
EDS_SLURM_POLL=0 run 69 "$SLURM_EXPORT" "$@" --wait
contains "$T/err" "the jobs left the queue but the merge wrote no '$T/c.shards/merge.status'"
ok "--wait gives up when the jobs are gone without a status"

# Paths for the jobs are absolute: they run elsewhere, maybe on other nodes.
cd "$T"
: >cert.pem
rm -rf d d.shards
newcalls
run 0 "$SLURM_EXPORT" -P spec -k key -o d -n 2 --journal j.jsonl \
    --encrypt-to cert.pem --archive
contains "$T/d.shards/merge.sh" "merge -P '$T/spec' -k '$T/key' -o '$T/d' '--journal' '$T/j.jsonl' '--encrypt-to' '$T/cert.pem' '--archive' \"\$@\""
contains "$T/d.shards/shard.sh" " -P '$T/spec' -k '$T/key' --at '"
contains "$T/d.shards/shard.sh" "' --shard \"\$i/\$n\" -o \"\$state/part-\$i\""
contains "$T/slurm/sbatch.log" "--chdir=$T "
run 66 "$SLURM_EXPORT" -P spec -k key -o e -n 2 --encrypt-to nope.pem
contains "$T/err" "cannot read certificate 'nope.pem'"
run 73 "$SLURM_EXPORT" -P spec -k key -o e -n 2 --journal nodir/j.jsonl
contains "$T/err" "cannot create journal 'nodir/j.jsonl': directory 'nodir' does not exist"
cd "$OLDPWD"
ok "the job scripts get absolute paths; the jobs run in the submission's directory"

# --whole-files reaches every shard, and makes another run of the state.
cd "$T"
rm -rf w w.shards
newcalls
run 0 "$SLURM_EXPORT" -P spec -k key -o w -n 2 --whole-files
contains "$T/w.shards/shard.sh" "' --shard \"\$i/\$n\" --whole-files -o \"\$state/part-\$i\""
contains "$T/w.shards/run" "whole_files=1"
rm -f "$T/w.shards/jobs"
run 64 "$SLURM_EXPORT" -P spec -k key -o w -n 2
contains "$T/err" "belongs to another run (whole_files differ)"
cd "$OLDPWD"
ok "--whole-files is passed to every shard; a state made with it is another run's"
