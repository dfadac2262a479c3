#!/bin/sh
# eds-consent under faults, forced with the fault-injection shim:
#   - import: every open, write, fsync, link, rename and close of the
#     registry, failing in turn (the list is traced from a good import, so
#     a new step in the commit is covered without editing this test).
#     Before the manifest is renamed (the commit), a failure leaves the
#     registry byte for byte as it was, and usable; after it, the new
#     generation is whole and usable, and a failure is still reported.
#     The next import cleans up whatever a failed one left.
#   - import stopped by SIGTERM once its files are written, and once they
#     are linked in: it dies of the signal, the registry is as it was.
#   - two imports overlapping (two cron jobs): the second says it waits,
#     waits, and both are imported; the wait is in --stats.
#   - filter: its output and --excluded file failing (73/74, no output in
#     place; the excluded rows, committed first, stay when only the
#     output's commit fails, as a rejects file does); damaged gzip
#     inputs to import (65, registry unchanged) and to filter (65, no
#     output).
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"
. "$top_srcdir/tests/fault.sh"
. "$top_srcdir/tests/consent.sh"

[ -d /proc/self ] || skip "no /proc to watch the import pause"

events a.csv A 300
events b.csv B 300
printf 'ipp,value\nA1,1\nA7,2\nB1,3\nB3,4\n' >data.csv
run 0 eds-consent import -q --registry reg a.csv
cp -a reg pristine
snap reg >before
eds-consent filter -q --registry reg --require primary,secondary \
    --regime opt-in --at 2026-01-01 data.csv >filter.before

# usable: the registry opens, verifies, and answers.
usable() {
	eds-consent stats --registry reg >/dev/null 2>&1 ||
	    fail "$1: the registry does not verify"
}

# --- every step of an import, failing in turn -------------------------------
CALLS=open,write,fsync,link,rename,close
rm -f trace
env LD_PRELOAD="$PRELOAD" FI_CALL=$CALLS FI_PATH='*reg*' FI_NTH=1000000 \
    FI_TRACE="$T/trace" eds-consent import -q --registry reg b.csv ||
    fail "the traced import failed"
snap reg >after.good
[ -s trace ] || fail "nothing traced"
commit=$(awk '$2 == "rename" && $4 ~ /\/manifest$/ { print $1 }' trace)
[ -n "$commit" ] || fail "no rename of the manifest in the trace: $(cat trace)"
steps=$(wc -l <trace)
echo "# $steps registry calls in an import; the manifest is renamed at call $commit"
failed=0 before_commit=0 after_commit=0 ignored=0
while read -r n call type path; do
	rm -rf reg
	cp -a pristine reg
	errno=EIO
	[ "$call" = write ] && errno=ENOSPC
	# The shim counts the calls of the one kind it fails.
	nth=$(awk -v n="$n" -v c="$call" '$2 == c && $1 <= n' trace | wc -l)
	rm -f "$T/fi.log"
	set +e
	env LD_PRELOAD="$PRELOAD" FI_CALL="$call" FI_PATH='*reg*' \
	    FI_ERRNO=$errno FI_NTH=$nth FI_LOG="$T/fi.log" \
	    eds-consent import -q --registry reg b.csv >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ -s "$T/fi.log" ] || fail "call $n ($call $path) was not failed"
	if [ $got = 0 ]; then
		# Only what cannot matter may fail unnoticed: closing a file
		# that was read, syncing once the commit is durable anyway, or
		# creating an unnamed file (O_TMPFILE), which falls back to a
		# temporary name.
		case $call:$path in
		close:*|open:*/.) ;;
		fsync:*) [ "$n" -gt "$commit" ] ||
		    fail "call $n (fsync) failed before the commit, import exited 0" ;;
		*) fail "call $n ($call $path) failed and the import exited 0" ;;
		esac
		ignored=$((ignored + 1))
	else
		case $got in
		73|74|66) ;;
		*) cat "$T/err" >&2; fail "call $n ($call $path): exit $got, expected 73, 74 or 66" ;;
		esac
		grep -q "^eds-consent: .*reg" "$T/err" ||
		    fail "call $n ($call): the message does not name the registry: $(cat "$T/err")"
		failed=$((failed + 1))
	fi
	if [ $got != 0 ] && [ "$n" -le "$commit" ]; then
		# Not even the files linked in before the rename stay.
		snap reg >after
		same before after
		before_commit=$((before_commit + 1))
	else
		# Committed: the new generation, whole.
		run 0 eds-consent status --registry reg --at 2026-01-01 B1
		contains "$T/out" "patient B1 as of"
		lacks "$T/out" "no consent recorded"
		after_commit=$((after_commit + 1))
	fi
	usable "call $n ($call)"
	eds-consent filter -q --registry reg --require primary,secondary \
	    --regime opt-in --at 2026-01-01 data.csv >filter.after ||
	    fail "call $n ($call): filter fails on the registry"
	# The next import cleans up and succeeds.
	run 0 eds-consent import -q --registry reg b.csv
	snap reg | grep -c 'index-' | grep -qx 1 ||
	    fail "call $n ($call): an old index is left after the next import"
done <trace
echo "# $failed failures reported ($before_commit up to the commit, registry unchanged), $ignored without effect (closing what was read, syncing after the commit, O_TMPFILE falling back to a named temporary file)"
ok "import: each of $steps open/write/fsync/link/rename/close calls failing: 73/74 naming the registry, byte-identical and usable before the commit, the new generation after it"

# A short write is finished, not an error.
rm -rf reg
cp -a pristine reg
FI_TIMES=0 inject 0 write '*reg*' short 1 eds-consent import -q --registry reg b.csv
run 0 eds-consent status --registry reg --at 2026-01-01 B1
contains "$T/out" "patient B1 as of"
usable "short writes"
ok "import: short writes are finished, the import is whole"

# --- SIGTERM in the middle of an import ---------------------------------------
for point in import-written import-linked; do
	rm -rf reg
	cp -a pristine reg
	EDS_TEST_PAUSE=$point eds-consent import -q --registry reg b.csv 2>"$T/err" &
	pid=$!
	wait_stopped $pid
	kill -TERM $pid
	kill -CONT $pid
	set +e
	wait $pid
	st=$?
	set -e
	[ $st = 143 ] || fail "SIGTERM at $point: exit $st, expected 143"
	# Killed once its files are linked in, it leaves them, unreferenced
	# (no handler can run the import's clean-up); the next import
	# removes them.  Nothing else changes.
	snap reg >after
	grep -v -e 'index-000002\.bin' -e 'events-000002\.csv' after >after2
	same before after2
	usable "SIGTERM at $point"
	eds-consent filter -q --registry reg --require primary,secondary \
	    --regime opt-in --at 2026-01-01 data.csv >filter.after
	same filter.before filter.after
	run 0 eds-consent import -q --registry reg b.csv
	snap reg | grep -c 'index-' | grep -qx 1 || fail "the next import cleans up"
	ok "SIGTERM at $point: dies of it, the registry is as it was and usable; the next import succeeds"
done

# --- two overlapping imports (two cron jobs) ----------------------------------
rm -rf reg
cp -a pristine reg
events c.csv C 200
events d.csv D 200
gen=$(sed -n 's/^generation //p' reg/manifest)
EDS_TEST_PAUSE=import-written eds-consent import -q --registry reg c.csv &
p1=$!
wait_stopped $p1
eds-consent import --registry reg --stats st2.json d.csv 2>err2 &
p2=$!
i=0
until grep -q "waiting" err2 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || { kill -CONT $p1; fail "the second import never said it waits"; }
	sleep 0.05
done
sleep 0.3
kill -0 $p2 2>/dev/null || fail "the second import did not wait"
kill -CONT $p1
set +e
wait $p1
s1=$?
wait $p2
s2=$?
set -e
[ $s1 = 0 ] && [ $s2 = 0 ] || fail "both imports succeed ($s1, $s2)"
grep -qx "eds-consent: another import holds 'reg/lock': waiting for it to finish" err2 ||
    fail "the second import's message: $(cat err2)"
wait_ms=$(json_get st2.json lock_wait_ms)
[ -n "$wait_ms" ] && [ "$wait_ms" -ge 200 ] ||
    fail "--stats records the wait (lock_wait_ms '$wait_ms')"
[ "$(sed -n 's/^generation //p' reg/manifest)" = $((gen + 2)) ] ||
    fail "two generations were added"
run 0 eds-consent status --registry reg --at 2026-01-01 C5 D5
contains "$T/out" "patient C5 as of"
contains "$T/out" "patient D5 as of"
lacks "$T/out" "no consent recorded"
ok "two overlapping imports: the second says it waits (${wait_ms} ms in --stats), both are imported"
# Quiet, it waits without a word.
events e.csv E 50
events f.csv F 50
EDS_TEST_PAUSE=import-written eds-consent import -q --registry reg e.csv &
p1=$!
wait_stopped $p1
eds-consent import -q --registry reg f.csv 2>err2 &
p2=$!
sleep 0.5
kill -CONT $p1
wait $p1
wait $p2
[ ! -s err2 ] || fail "-q: the wait is silent ($(cat err2))"
ok "with -q the wait is silent"

# --- filter: the output and --excluded failing -------------------------------
rm -rf reg
cp -a pristine reg
awk 'BEGIN { print "ipp,value"; for (i = 0; i < 100000; i++) printf "A%d,%d\n", i % 400, i }' >big.csv
FILTER="eds-consent filter -q --registry reg --require primary,secondary --regime opt-in --at 2026-01-01"
run 0 $FILTER --excluded exc.want -o out.want big.csv
for target in out.csv exc.csv; do
	for f in "mkstemp 73 cannot create" "write 74 cannot write" \
	    "fsync 74 cannot write" "close 74 cannot write" \
	    "rename 73 cannot rename into"; do
		set -- $f
		call=$1 status=$2
		msg=${f#* * }
		inject "$status" "$call" "*$target*" EIO 1 \
		    $FILTER --excluded exc.csv -o out.csv big.csv
		says "eds-consent: $msg '$target'"
		absent out.csv
		# The excluded rows are committed first, like a rejects file:
		# when only the output fails at its commit, they are whole and
		# in place; else neither file is.
		if [ $target = out.csv ] && [ $call != mkstemp ] &&
		    [ $call != write ]; then
			same exc.csv exc.want
			rm exc.csv
			ok "filter: out.csv failing at $call: $status, no output; the excluded rows, committed first, whole"
		else
			absent exc.csv
			ok "filter: $target failing at $call: $status, neither file in place"
		fi
	done
done
inject 74 write '*out.csv*' ENOSPC 2 $FILTER --excluded exc.csv -o out.csv big.csv
says "eds-consent: cannot write 'out.csv': No space left on device"
absent out.csv
absent exc.csv
FI_TIMES=0 inject 0 write '*.csv*' short 1 $FILTER --excluded exc.csv -o out.csv big.csv
same out.csv out.want
same exc.csv exc.want
rm -f out.csv exc.csv
ok "filter: a write failing mid-run is 74; short writes give the same files"

# --- damaged gzip inputs ---------------------------------------------------------
gzip -n -c b.csv >b.gz
size=$(wc -c <b.gz)
head -c $((size / 2)) b.gz >cut.gz
{ head -c 10 b.gz; printf '\007'; tail -c $((size - 11)) b.gz; } >bad.gz
{ head -c $((size - 8)) b.gz; printf '\0\0\0\0'; tail -c 4 b.gz; } >crc.gz
for gz in cut.gz bad.gz crc.gz; do
	run 65 eds-consent import -q --registry reg $gz
	contains "$T/err" "eds-consent: $gz"
	contains "$T/err" "gzip stream"
	snap reg >after
	same before after
	ok "import of a damaged gzip ($gz): 65 naming it, the registry unchanged"
done
gzip -n -c big.csv >big.gz
size=$(wc -c <big.gz)
head -c $((size / 2)) big.gz >bigcut.gz
{ head -c $((size - 8)) big.gz; printf '\0\0\0\0'; tail -c 4 big.gz; } >bigcrc.gz
for gz in bigcut.gz bigcrc.gz; do
	run 65 $FILTER --excluded exc.csv -o out.csv $gz
	contains "$T/err" "eds-consent: $gz"
	contains "$T/err" "gzip stream"
	absent out.csv
	absent exc.csv
	ok "filter of a damaged gzip ($gz): 65 naming it, no output"
done
