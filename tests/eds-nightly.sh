#!/bin/sh
# scripts/eds-nightly, the cron example: silent on success, every source
# ingested and journaled, a failing or missing source reported (stderr for
# cron's mail, details in the log) without stopping the others, syslog by
# default, one run at a time, leftovers of killed runs removed.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"

NIGHTLY=$top_srcdir/scripts/eds-nightly
command -v flock >/dev/null 2>&1 || skip "flock(1) not found (Debian: util-linux)"
mkdir -p src in/a in/b eds bin
cp "$S" src/a.yaml
cp "$S" src/b.yaml
printf '%s\n1;;01/02/1980;70,5;ok\n2;;03/04/1990;60;ok\n' "$HDR" >in/a/day1.csv
printf '%s\n3;;05/06/1970;80;ok\n' "$HDR" >in/a/day2.csv
printf '%s\n4;;07/08/1960;90;ok\n' "$HDR" | gzip -c >in/b/extract.gz
NIGHT="$NIGHTLY -s src -i in -o eds"

# All is well: nothing on stdout or stderr, exit 0, everything written.
run 0 $NIGHT -l night.log
[ ! -s "$T/out" ] || fail "stdout: $(cat "$T/out")"
[ ! -s "$T/err" ] || fail "stderr: $(cat "$T/err")"
[ "$(count_rows eds/a.csv)" = 3 ] || fail "a: 3 rows from two files"
[ "$(count_rows eds/b.csv)" = 1 ] || fail "b: 1 row"
accounting eds/a.stats.json 3 3 0
[ -f eds/a.rejects.csv ] || fail "a rejects file, even empty"
[ "$(wc -l <eds/journal.jsonl)" = 2 ] || fail "one journal line per source"
contains night.log 'eds-nightly['
contains night.log 'info: ingest a: 2 file(s), rows in 3, out 3, rejected 0'
contains night.log 'info: ingest b: 1 file(s), rows in 1, out 1, rejected 0'
contains night.log 'info: done: 2 step(s), all succeeded'
ok "a good night: silent, exit 0, every source ingested and journaled"

# Syslog by default, through logger(1) (a stand-in here that records).
cat >bin/logger <<EOS
#!/bin/sh
printf '%s\n' "\$*" >>"$T/syslog"
EOS
chmod +x bin/logger
PATH="$T/bin:$PATH" run 0 $NIGHT
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] || fail "silent with syslog too"
grep -q '^-t eds-nightly\[[0-9]*\] -p user.info -- done: 2 step(s), all succeeded$' \
    syslog || fail "syslog: $(cat syslog)"
ok "logs to syslog through logger when no log file is given"

# A source sending bad data: its failure is reported, the other source
# is still ingested, its own previous output stays in place.
cp eds/b.csv b.before
printf 'WRONG;HEADER\n1;2\n' >in/b/extract.gz
printf '%s\n9;;09/09/1999;99;new\n' "$HDR" >in/a/day3.csv
run 65 $NIGHT -l night.log
[ ! -s "$T/out" ] || fail "stdout stays empty on failure"
says "eds-nightly: ingest b failed (exit 65)"
[ "$(wc -l <"$T/err")" = 1 ] || fail "one line per failed step on stderr"
contains night.log "err: ingest b: eds-ingest: in/b/extract.gz:1: unknown column 'WRONG' in the header"
contains night.log 'err: done: 1 of 2 step(s) failed (first exit status 65)'
[ "$(count_rows eds/a.csv)" = 4 ] || fail "a was ingested anyway"
same eds/b.csv b.before
ok "a failing source: exit 65, one line on stderr, the others go on"

# A source that sent nothing: 66.
rm in/b/extract.gz
run 66 $NIGHT -l night.log
says "eds-nightly: ingest b: no extract in in/b"
ok "a missing extract is 66"
printf '%s\n4;;07/08/1960;90;ok\n' "$HDR" >in/b/extract.csv

# Leftovers of killed runs are removed (only while holding the lock).
: >eds/.a.csv.tmp-AbC123
run 0 $NIGHT -l night.log
[ ! -e eds/.a.csv.tmp-AbC123 ] || fail "leftover kept"
contains night.log 'notice: removed the leftover of an interrupted run: eds/.a.csv.tmp-AbC123'
ok "temporary files of killed runs are removed"

# One run at a time: a second one is refused with 73 at once.
(flock -n 9 || exit 1; touch held; exec sleep 30) 9>>eds/.eds-nightly.lock &
holder=$!
i=0
until [ -f held ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the holder never took the lock"
	sleep 0.1
done
printf 'pid %d since 2026-01-01T02:30:00Z\n' $holder >eds/.eds-nightly.lock
run 73 $NIGHT -l night.log
says "eds-nightly: another eds-nightly run holds the lock eds/.eds-nightly.lock (pid $holder since 2026-01-01T02:30:00Z)"
kill $holder 2>/dev/null || true
wait $holder 2>/dev/null || true
run 0 $NIGHT -l night.log
ok "a second run is refused with 73 while one holds the lock"

# Usage.
run 0 $NIGHTLY -h
contains "$T/out" "usage: eds-nightly"
run 64 $NIGHTLY -x
run 64 $NIGHTLY extra
run 66 $NIGHTLY -s nowhere -i in -o eds -l night.log
says "eds-nightly: no directory nowhere"
ok "usage: -h, bad options 64, missing directories 66"
