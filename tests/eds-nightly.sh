#!/bin/sh
# scripts/eds-nightly, the cron example: silent on success, every source
# ingested and journaled, a failing or missing source reported (stderr for
# cron's mail, details in the log) without stopping the others, syslog by
# default, one run at a time, leftovers of killed runs removed.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"
. "$top_srcdir/tests/consent.sh"

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

# --- consent import and exports ----------------------------------------------
# A synthetic hospital: its consent events arrive in in/consent/, two
# approved projects read its laboratory extract, one of them encrypted for
# its researcher (proj/PROJ-E.pem).
command -v openssl >/dev/null 2>&1 || skip "the openssl command is needed"
eds-gen -q -o gen -s 4 -p 80 -n 600 || fail "eds-gen failed"
mkdir -p in/consent proj bundles
cp gen/consent-events.csv in/consent/day1.csv
eds-pseudo keygen -q -o k.key || fail "keygen"
for id in PROJ-N PROJ-E; do
	cat >proj/$id.yaml <<EOS
project: $id
title: Test project $id
organization: CHU de Test (synthetic)
approval: {body: CSE, reference: CSE-$id, date: 2026-01-15}
consent: {require: [secondary], regime: opt-out}
datasets:
  - name: lab
    schema: $CONFIG/sources/lab.yaml
    policy: $CONFIG/policies/lab.yaml
    inputs: [$T/gen/lab.csv]
    columns: [ipp, sample_time, loinc, value, unit]
EOS
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout r.key -out proj/PROJ-E.pem \
    -days 2 -subj "/CN=Researcher" 2>/dev/null
day=$(date -u +%Y%m%d)
FULL="$NIGHT -g reg -p proj -k k.key -b bundles -l night.log"
rm -f eds/journal.jsonl
run 0 $FULL
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] || fail "a good night is silent: $(cat "$T/err")"
run 0 eds-consent stats --registry reg
events=$(($(wc -l <gen/consent-events.csv) - 1))
contains "$T/out" "events      $events"
contains night.log "info: consent import: 1 file(s), rows $events, imported $events, duplicates 0"
eds-export verify -q bundles/PROJ-N-$day >/dev/null || fail "PROJ-N's bundle verifies"
[ -f bundles/PROJ-E-$day.tar.gz.p7m ] || fail "PROJ-E's bundle is encrypted"
[ ! -e bundles/PROJ-E-$day ] && [ ! -e bundles/PROJ-E-$day.tar.gz ] ||
    fail "no plaintext beside the encrypted bundle"
openssl cms -decrypt -inform DER -in bundles/PROJ-E-$day.tar.gz.p7m \
    -inkey r.key -recip proj/PROJ-E.pem -out e.tar.gz 2>/dev/null ||
    fail "the researcher decrypts PROJ-E's bundle"
contains night.log "info: export PROJ-N: bundles/PROJ-N-$day"
contains night.log "info: export PROJ-E: bundles/PROJ-E-$day.tar.gz.p7m"
contains night.log "info: done: 5 step(s), all succeeded"
[ "$(grep -c '"tool":"eds-consent",.*"action":"import"' eds/journal.jsonl)" = 1 ] ||
    fail "the import is journaled"
[ "$(grep -c '"tool":"eds-export"' eds/journal.jsonl)" = 2 ] ||
    fail "both exports are journaled"
run 0 eds-export journal verify eds/journal.jsonl
ok "consent imported, both projects exported (one encrypted), all journaled, silently"

# The same night again: the events are duplicates, the exports done.
run 0 $FULL
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] || fail "a second run is silent too"
contains night.log "imported 0, duplicates $events"
contains night.log "info: export PROJ-N: already done today (bundles/PROJ-N-$day)"
contains night.log "info: export PROJ-E: already done today (bundles/PROJ-E-$day)"
ok "a second run the same day imports nothing new and does not export again"

# Another import into the registry (an operator's, or another cron job)
# running when the night's import starts: the night's waits for it, then
# imports; the log says how long it waited.
[ -d /proc/self ] || skip "no /proc to watch the import pause"
awk 'BEGIN { print "patient_id,scope,decision,recorded_at,source"
	for (i = 0; i < 50; i++) printf "OTHER%d,primary,granted,2024-01-01,dpi\n", i }' >other.csv
EDS_TEST_PAUSE=import-written eds-consent import -q --registry reg other.csv &
other=$!
n=0
until [ "$(sed 's/.*) //' /proc/$other/stat 2>/dev/null | cut -d' ' -f1)" = T ]; do
	n=$((n + 1)); [ $n -lt 400 ] || fail "the other import never paused"
	sleep 0.05
done
cp gen/consent-events.csv in/consent/day1b.csv
sed -i 's/,2023-/,2022-/' in/consent/day1b.csv	# new events, same patients
$FULL >"$T/out" 2>"$T/err" &
night=$!
# Until the night's import waits on the registry's lock: the ingest
# steps before it can take long (under valgrind, minutes).
wait_lock_waiter reg/lock $night
kill -CONT $other
wait $other || fail "the other import failed"
set +e
wait $night
st=$?
set -e
[ $st = 0 ] || { cat "$T/err" >&2; fail "the night failed ($st) after waiting"; }
[ ! -s "$T/err" ] || fail "waiting is no failure: $(cat "$T/err")"
grep -q "info: consent import: 2 file(s), .*, after waiting [0-9]* ms for another import" night.log ||
    fail "the log says the import waited: $(grep 'consent import' night.log | tail -1)"
run 0 eds-consent status --registry reg OTHER7
lacks "$T/out" "no consent recorded"
ok "two overlapping imports (another job's and the night's): the night's waits, both are imported, the log says so"
rm in/consent/day1b.csv

# A bad consent file: the import fails (65, registry unchanged), and no
# export runs on yesterday's registry.
rm -rf bundles/PROJ-N-$day bundles/PROJ-E-$day.tar.gz.p7m
cp reg/manifest manifest.before
printf 'patient_id,scope,decision,recorded_at,source\nX1,secondary,maybe,2024-01-01,dpi\n' >in/consent/day2.csv
run 65 $FULL
same reg/manifest manifest.before
says "eds-nightly: consent import failed (exit 65)"
says "eds-nightly: export PROJ-N: not run, the consent import failed"
says "eds-nightly: export PROJ-E: not run, the consent import failed"
[ "$(wc -l <"$T/err")" = 3 ] || fail "one line per failed step: $(cat "$T/err")"
[ ! -e bundles/PROJ-N-$day ] || fail "no export after a failed import"
contains night.log "err: consent import: eds-consent: 1 of $((events + 1)) rows rejected: nothing imported"
contains eds/consent.rejects.csv "bad-decision"
ok "a consent import that fails: 65, registry unchanged, no export on yesterday's consent"
rm in/consent/day2.csv

# The consent feed sent nothing: 66, and still no export.
mkdir in/consent.keep
mv in/consent/* in/consent.keep/
run 66 $FULL
says "eds-nightly: consent import: no extract in in/consent"
says "eds-nightly: export PROJ-N: not run, the consent import failed"
mv in/consent.keep/* in/consent/
ok "no consent extract: 66, no export"

# A killed export's working directory is reported in the log, not removed.
mkdir bundles/.PROJ-N-$day.part-AbC123
run 0 $FULL
[ -d bundles/.PROJ-N-$day.part-AbC123 ] || fail "it is left for the operator"
contains night.log "warning: left by an interrupted export (remove it by hand once no export runs): bundles/.PROJ-N-$day.part-AbC123"
rmdir bundles/.PROJ-N-$day.part-AbC123
ok "a killed export's working directory is logged for the operator"

# An export that fails (an unsafe key): its status, the others go on.
rm -rf bundles/PROJ-N-$day bundles/PROJ-E-$day.tar.gz.p7m
chmod 644 k.key
run 77 $FULL
says "eds-nightly: export PROJ-N failed (exit 77)"
says "eds-nightly: export PROJ-E failed (exit 77)"
contains night.log "err: export PROJ-N: eds-export: k.key: key file is accessible by group or others"
chmod 600 k.key
ok "a failing export: its status on stderr, its message in the log"

run 64 $NIGHTLY -p proj
says "-p PROJECTS needs -k KEYFILE and -b BUNDLES"
run 64 $NIGHTLY -k k.key
ok "usage: -p needs -k and -b, and they need -p"
