#!/bin/sh
# Every error path of the writers, forced with the fault-injection shim:
# the output (lib/output.c), the rejects file, --stats and --journal, each
# failing to create its temporary file, write, fsync, close or rename.
# Each must exit 73 or 74 with a message naming the file, leave nothing
# under the final name that looks complete, and leave no temporary file.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"
. "$top_srcdir/tests/fault.sh"

rows 3 >in.csv
printf '%s\n1;;31/02/1980;1;bad date\n' "$HDR" >>in.csv
rows 5000 >big.csv
run 0 eds-ingest -c "$S" --max-reject-rate 1 -o want.csv in.csv
run 0 eds-ingest -c "$S" --max-reject-rate 1 -o want-big.csv big.csv
INGEST="eds-ingest -c $S --max-reject-rate 1"

# The output: each step of writing it failing, mid-run, short writes,
# standard output.  The rejects file, committed first, explains the run
# even when its output failed (unless the output could not even be
# created).
rejects_kept() {
	[ "$1" = mkstemp ] || contains rej.csv 'bad-date'
	rm -f rej.csv
}
output_faults eds-ingest "$INGEST --rejects rej.csv" rejects_kept
rm -f rej.csv

# The rejects file: committed before the output, so when it fails the
# output is not put in place either.
for f in "mkstemp 73 cannot create 'rej.csv'" \
    "write 74 cannot write 'rej.csv'" \
    "fsync 74 cannot write 'rej.csv'" \
    "close 74 cannot write 'rej.csv'" \
    "rename 73 cannot rename into 'rej.csv'"; do
	set -- $f
	call=$1 status=$2
	msg=${f#* * }
	inject "$status" "$call" '*rej.csv*' EIO 1 \
	    $INGEST --rejects rej.csv -o out.csv in.csv
	says "eds-ingest: $msg"
	absent rej.csv
	absent out.csv
	no_temps
	ok "rejects: $call failing exits $status, neither file in place"
done

# --stats, written after the run, which succeeded and committed its
# output, and --journal.
stats_faults eds-ingest "$INGEST"
journal_faults eds-ingest "$INGEST"

# A full device, for each kind of output (no shim needed).
rm -f out.csv
if [ -w /dev/full ]; then
	run 74 $INGEST --rejects /dev/full -o out.csv in.csv
	says "eds-ingest: cannot write '/dev/full': No space left on device"
	absent out.csv
	run 74 $INGEST --stats /dev/full -o out.csv in.csv
	says "eds-ingest: cannot write '/dev/full': No space left on device"
	rm -f out.csv
	run 74 $INGEST --journal /dev/full -o out.csv in.csv
	says "eds-ingest: cannot write journal '/dev/full': No space left on device"
	ok "/dev/full as rejects, stats or journal is 74"
fi
