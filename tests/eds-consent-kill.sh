#!/bin/sh
# An import killed with SIGKILL leaves the registry byte for byte as it
# was (made deterministic by EDS_TEST_PAUSE, which makes the import stop
# itself at a chosen point so that the kill lands there), and two imports
# started together both succeed, one after the other.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/consent.sh"

R=$T/reg

[ -d /proc/self ] || skip "no /proc to watch the import pause"
events "$T/a.csv" A 500
events "$T/b.csv" B 500
events "$T/c.csv" C 20000
events "$T/big.csv" G 200000
run 0 eds-consent import -q --registry "$R" "$T/a.csv"
printf 'ipp\nA1\nA7\nB3\n' >"$T/data.csv"
eds-consent filter -q --registry "$R" --require primary,secondary \
    --regime opt-in "$T/data.csv" >"$T/filter-before"
snap "$R" >"$T/before"

for point in import-written import-linked; do
	EDS_TEST_PAUSE=$point eds-consent import -q --registry "$R" "$T/c.csv" &
	pid=$!
	wait_stopped $pid
	kill -KILL $pid
	set +e
	wait $pid
	st=$?
	set -e
	[ $st = 137 ] || fail "the import was killed (status $st)"
	snap "$R" >"$T/after"
	if [ $point = import-written ]; then
		same "$T/before" "$T/after"
		ok "SIGKILL after the new files are written: registry byte-identical"
	else
		# The new files are linked in but no manifest names them.
		grep -v -e index-000002.bin -e events-000002.csv "$T/after" >"$T/after2"
		same "$T/before" "$T/after2"
		grep -q index-000002.bin "$T/after" || fail "the kill landed after linking"
		ok "SIGKILL before the manifest rename: every registry file unchanged"
	fi
	eds-consent filter -q --registry "$R" --require primary,secondary \
	    --regime opt-in "$T/data.csv" >"$T/filter-after"
	same "$T/filter-before" "$T/filter-after"
	run 0 eds-consent stats --registry "$R"
	contains "$T/out" "generation  1"
	contains "$T/out" "events      1000"
	ok "after the kill at $point, readers see the registry as it was"
done

run 0 eds-consent import -q --registry "$R" "$T/b.csv"
snap "$R" >"$T/after"
grep -q events-000002.csv "$T/after" || fail "the next import wrote generation 2"
run 0 eds-consent stats --registry "$R"
contains "$T/out" "events      2000"
ok "the next import cleans up and succeeds"

# A kill at an unplanned moment of a large import: whatever the moment,
# either the import finished or the registry is unchanged.
snap "$R" >"$T/before"
eds-consent import -q --registry "$R" "$T/big.csv" &
pid=$!
sleep 0.2
kill -KILL $pid 2>/dev/null || true
set +e
wait $pid
st=$?
set -e
snap "$R" >"$T/after"
if [ $st = 137 ]; then
	grep -v -e index-000003.bin -e events-000003.csv "$T/after" >"$T/after2"
	same "$T/before" "$T/after2"
	ok "SIGKILL during a large import: registry unchanged"
else
	[ $st = 0 ] || fail "import exited $st"
	ok "SIGKILL during a large import: it had already finished (skipped)"
fi

# Two imports at once: the first holds the lock (paused), the second
# waits for it; both succeed.
snap "$R" >/dev/null
gen=$(sed -n 's/^generation //p' "$R/manifest")
events "$T/d.csv" D 300
events "$T/e.csv" E 300
EDS_TEST_PAUSE=import-written eds-consent import -q --registry "$R" "$T/d.csv" &
p1=$!
wait_stopped $p1
eds-consent import -q --registry "$R" "$T/e.csv" &
p2=$!
wait_lock_waiter "$R/lock" $p2
kill -CONT $p1
set +e
wait $p1
s1=$?
wait $p2
s2=$?
set -e
[ $s1 = 0 ] && [ $s2 = 0 ] || fail "both imports succeed ($s1, $s2)"
[ "$(sed -n 's/^generation //p' "$R/manifest")" = $((gen + 2)) ] ||
    fail "two generations were added"
run 0 eds-consent status --registry "$R" D5 E5
contains "$T/out" "patient D5 as of"
contains "$T/out" "patient E5 as of"
lacks "$T/out" "no consent recorded"
ok "two concurrent imports both succeed, one after the other"
