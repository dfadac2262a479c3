#!/bin/sh
# scripts/shard-local (eds-slurm-export --local): N shards on this host,
# JOBS at a time, then the merge, with the real eds-export on a generated
# project (tests/slurm/lib.sh); the merged bundle equals a single run; a
# failed shard fails the merge, naming it, and leaves no bundle; running
# again reruns only the failed or missing shards; the journal gets one
# entry; the consent as-of time is passed (--at) or fixed at the first
# run and kept for the reruns.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/slurm/lib.sh"

LOCAL=$top_srcdir/scripts/shard-local
make_project "$T"
single_run "$T/single"
EDS_TEST_LOG=$T/log
export EDS_TEST_LOG

run 0 "$LOCAL" -h
contains "$T/out" "scripts/shard-local -P SPEC -k KEY"

# Four shards, two at a time.
EDS_TEST_SLEEP=1 run 0 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" --registry "$REGISTRY" \
    -o "$T/b1" -n 4 -j 2 --journal "$T/journal"
same_bundle "$T/single" "$T/b1"
[ "$(ran "$T/log")" = "merge, shard 1/4, shard 2/4, shard 3/4, shard 4/4" ] ||
    fail "ran '$(ran "$T/log")', not the 4 shards and the merge"
merged_after_shards "$T/log"
# Two at a time: the first two start before either ends.
[ "$(sed -n '1,2s/ start$//p' "$T/log" | grep -c '^shard ')" = 2 ] ||
    fail "the shards did not run two at a time: $(head -4 "$T/log")"
[ "$(wc -l <"$T/journal")" = 1 ] || fail "the journal has not exactly one entry"
contains "$T/err" "wrote '$T/b1'"
for i in 1 2 3 4; do
	contains "$T/b1.shards/shard-$i.status" "status=0"
	contains "$T/b1.shards/shard-$i.status" "shard=$i/4"
done
contains "$T/b1.shards/merge.status" "status=0"
[ ! -e "$T/b1.shards/lock" ] || fail "the lock was left behind"
ok "4 shards, 2 at a time, then one merge: the bundle equals the single run, one journal entry"

# Done: a second run does nothing.
: >"$T/log"
run 0 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" --registry "$REGISTRY" -o "$T/b1" -n 4
contains "$T/err" "nothing to do"
[ ! -s "$T/log" ] || fail "a finished run ran again: $(ran "$T/log")"
ok "a finished run is not run again"

# Shard 3 fails: the merge fails naming it, no bundle.
: >"$T/log"
EDS_TEST_FAIL_SHARD=3 run 65 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" \
    --registry "$REGISTRY" -o "$T/b2" -n 4 -j 2 --journal "$T/journal2"
contains "$T/err" "shard 3 of 4 failed with status 65 (log: $T/b2.shards/logs/shard-3.out)"
contains "$T/err" "merge not run"
lacks "$T/err" "shard 1 of 4"
lacks "$T/err" "shard 2 of 4"
lacks "$T/err" "shard 4 of 4"
contains "$T/b2.shards/logs/shard-3.out" "shard 3/4: simulated failure"
contains "$T/b2.shards/shard-3.status" "status=65"
contains "$T/b2.shards/merge.status" "status=65"
[ ! -e "$T/b2" ] || fail "a failed run left a bundle"
[ ! -e "$T/journal2" ] || fail "a failed run journalled"
[ "$(ran "$T/log")" = "shard 1/4, shard 2/4, shard 3/4, shard 4/4" ] ||
    fail "ran '$(ran "$T/log")', not the 4 shards without the merge"
ok "a failed shard fails the merge, naming it; no bundle, no journal entry"

# Shard 2's partial is lost too: the rerun runs shards 2 and 3 only.
rm -rf "$T/b2.shards/part-2"
: >"$T/log"
run 0 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" --registry "$REGISTRY" -o "$T/b2" -n 4 \
    -j 2 --journal "$T/journal2"
[ "$(ran "$T/log")" = "merge, shard 2/4, shard 3/4" ] ||
    fail "the rerun ran '$(ran "$T/log")', not shards 2 and 3 and the merge"
merged_after_shards "$T/log"
same_bundle "$T/single" "$T/b2"
[ "$(wc -l <"$T/journal2")" = 1 ] || fail "the journal has not exactly one entry"
ok "the rerun runs only the failed shard and the one whose partial is missing"

# The merge checks every marker itself: one missing is named (66).
rm -rf "$T/b3" "$T/b3.shards"
run 0 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b3" -n 3
rm -rf "$T/b3"
rm "$T/b3.shards/shard-2.status"
run 66 sh "$T/b3.shards/merge.sh"
contains "$T/err" "shard 2 of 3 did not finish: no status in '$T/b3.shards/shard-2.status'"
contains "$T/b3.shards/merge.status" "status=66"
[ ! -e "$T/b3" ] || fail "a merge with a shard missing wrote the bundle"
ok "the merge names a shard that left no status (66)"

# Two runs on one state directory: the second is refused while the first
# lives; a lock left by a process that is gone is taken over.
mkdir "$T/b3.shards/lock"
echo $$ >"$T/b3.shards/lock/pid"
run 73 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b3" -n 3
contains "$T/err" "'$T/b3.shards' is in use by process $$"
sh -c 'echo $$' >"$T/b3.shards/lock/pid"
run 0 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b3" -n 3
same_bundle "$T/single" "$T/b3"
[ ! -e "$T/b3.shards/lock" ] || fail "the lock was left behind"
ok "a state directory in use is refused (73); a stale lock is taken over"

# The state directory belongs to one run.
run 64 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b3" -n 5
contains "$T/err" "state directory '$T/b3.shards' belongs to another run (shards differ)"
cp "$SPEC" "$T/spec2"
echo "# edited" >>"$SPEC"
run 64 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b3" -n 3
contains "$T/err" "(project_sha256 differ)"
cp "$T/spec2" "$SPEC"
ok "a state directory of another run (shards, specification) is refused"

# Errors before anything runs.
run 64 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b4" -n 0
contains "$T/err" "-n takes a whole number from 1, not '0'"
run 64 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b4"
contains "$T/err" "a number of shards is required (-n SHARDS)"
run 64 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b4" -n 2 -p compute
contains "$T/err" "Slurm options (-p) do not apply with --local"
run 64 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b4" -n 2 --bogus
contains "$T/err" "unknown option '--bogus'"
run 66 "$LOCAL" -P "$T/nope.yaml" -k "$KEY" -o "$T/b4" -n 2
contains "$T/err" "cannot read project specification '$T/nope.yaml'"
run 66 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" --registry "$T/nope" -o "$T/b4" -n 2
contains "$T/err" "consent registry '$T/nope' is not a directory"
chmod 644 "$KEY"
run 77 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b4" -n 2
contains "$T/err" "key file '$KEY' is readable by group or others"
chmod 600 "$KEY"
run 73 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/nodir/b4" -n 2
contains "$T/err" "cannot create '$T/nodir/b4': directory '$T/nodir' does not exist"
mkdir "$T/b4"
run 73 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b4" -n 2
contains "$T/err" "cannot create '$T/b4': it already exists"
EDS_EXPORT=$T/nope run 69 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b5" -n 2
contains "$T/err" "cannot find eds-export at '$T/nope'"
[ ! -e "$T/b5.shards" ] && [ ! -e "$T/b4.shards" ] ||
    fail "a run refused before starting left a state directory"
ok "usage, missing inputs, unsafe key, existing bundle, no eds-export: refused before anything runs"

# --dry-run changes nothing.
run 0 "$LOCAL" -P "$SPEC" -k "$KEY" --at "$AT" -o "$T/b6" -n 3 -j 2 --dry-run
contains "$T/out" "printf '%s\\n' 1 2 3 | EDS_SHARD_STATE='$T/b6.shards' xargs -n 1 -P 2"
contains "$T/out" "sh '$T/b6.shards/merge.sh'"
[ ! -e "$T/b6.shards" ] || fail "--dry-run made the state directory"
ok "--dry-run prints the commands and changes nothing"

# The consent as-of time: without --at, and with no consent at: in the
# specification, one is fixed at the first run, kept in the state's run
# file, passed to every shard, and used again by a rerun.
: >"$T/log"
EDS_TEST_FAIL_SHARD=2 run 65 "$LOCAL" -P "$SPEC" -k "$KEY" -o "$T/b7" -n 3
contains "$T/err" "fixed now for every shard (the specification has no consent at:; kept in '$T/b7.shards/run')"
at=$(sed -n 's/^at=//p' "$T/b7.shards/run")
case $at in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) ;;
*) fail "no as-of time in the run file: '$at'" ;;
esac
contains "$T/b7.shards/shard.sh" "--at '$at' --shard"
sleep 1
run 0 "$LOCAL" -P "$SPEC" -k "$KEY" -o "$T/b7" -n 3
lacks "$T/err" "fixed now"
[ "$(sed -n 's/^at=//p' "$T/b7.shards/run")" = "$at" ] || fail "the rerun changed the as-of time"
single_run "$T/single-at" "$at"
same_bundle "$T/single-at" "$T/b7"
contains "$T/b7/bag-info.txt" "EDS-Consent-As-Of: $at"
ok "without --at, the as-of time is fixed at the first run and kept: a rerun's shards merge with the first's"

run 64 "$LOCAL" -P "$SPEC" -k "$KEY" -o "$T/b7" -n 3 --at 2026-01-01
contains "$T/err" "belongs to another run (at differ)"
run 64 "$LOCAL" -P "$SPEC" -k "$KEY" -o "$T/b8" -n 3 --at yesterday
contains "$T/err" "--at takes a date (YYYY-MM-DD) or a date-time, not 'yesterday'"
[ ! -e "$T/b8.shards" ] || fail "a refused run left a state directory"
ok "another --at on the same state directory, or a malformed one, is refused (64)"

# A specification with its own consent at: is left to decide.
sed 's/^  regime: opt-out$/  regime: opt-out\n  at: 2026-11-27T12:00:00Z/' "$SPEC" >"$T/spec-at"
run 0 "$LOCAL" -P "$T/spec-at" -k "$KEY" -o "$T/b9" -n 2
lacks "$T/err" "fixed now"
lacks "$T/b9.shards/shard.sh" "--at"
contains "$T/b9.shards/run" "at="
for f in patients lab radiology; do
	same "$T/single/data/$f.csv" "$T/b9/data/$f.csv"
done
contains "$T/b9/bag-info.txt" "EDS-Consent-As-Of: 2026-11-27T12:00:00"
ok "with consent at: in the specification, no --at is passed"
