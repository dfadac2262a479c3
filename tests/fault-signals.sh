#!/bin/sh
# eds-ingest interrupted in the middle of a run, its input a FIFO that
# stays open: SIGTERM, SIGINT and SIGHUP run the handler of cmd/cli.c,
# which removes every temporary file before dying of the signal; SIGKILL
# cannot be caught, so its temporary output stays, under its temporary
# name only.  Either way nothing under a final name looks complete, and
# the journal has no line for the run.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"

command -v mkfifo >/dev/null 2>&1 || skip "mkfifo not found"
rows() {
	awk -v n="$1" -v h="$HDR" 'BEGIN { print h
	for (i = 1; i <= n; i++)
		printf "%d;;01/02/1980;%d,5;a note long enough to fill buffers\n", i, i % 200 }'
}
rows 1 >first.csv
run 0 eds-ingest -c "$S" --journal j.jsonl -o first.out first.csv
cp j.jsonl j.before

# interrupt SIGNAL: start a run on a FIFO, feed it enough rows that the
# output has been written to (over 128 KiB), send SIGNAL while it waits
# for more; the run's exit status is left in $status.
interrupt() {
	rm -f in.fifo
	mkfifo in.fifo
	eds-ingest -c "$S" --rejects rej.csv --stats st.json --journal j.jsonl \
	    -o out.csv in.fifo 2>"$T/err" &
	pid=$!
	exec 3>in.fifo
	rows 4000 >&3
	i=0
	until [ -n "$(find . -name '.out.csv.tmp-*' -size +0 2>/dev/null)" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { kill -9 $pid; fail "no output written after 30 s"; }
		sleep 0.1
	done
	kill -"$1" $pid
	set +e
	wait $pid
	status=$?
	set -e
	exec 3>&-
	rm -f in.fifo
}

for sig in TERM INT HUP; do
	interrupt $sig
	want=$((128 + $(kill -l $sig)))
	[ "$status" = "$want" ] ||
	    fail "SIG$sig: exit status $status, expected $want (death by the signal)"
	absent out.csv
	absent rej.csv
	absent st.json
	for f in .*.tmp-*; do
		[ ! -e "$f" ] || fail "SIG$sig: temporary $f left behind"
	done
	same j.jsonl j.before
	ok "SIG$sig mid-run: dies of it, temporary files removed, nothing in place"
done

interrupt KILL
[ "$status" = 137 ] || fail "SIGKILL: exit status $status, expected 137"
for f in out.csv rej.csv st.json; do
	[ ! -e "$f" ] || fail "SIGKILL: $f is in place"
done
same j.jsonl j.before
left=$(find . -name '.out.csv.tmp-*' | wc -l)
[ "$left" = 1 ] || fail "SIGKILL leaves its temporary output ($left found)"
ok "SIGKILL mid-run: nothing in place; the temporary output stays under its hidden name (scripts/eds-nightly removes such leftovers)"
