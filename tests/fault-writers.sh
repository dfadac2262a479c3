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

# The output: each step of writing it, failing.
for f in "mkstemp ENOSPC 73 cannot create 'out.csv': No space left on device" \
    "mkstemp EACCES 73 cannot create 'out.csv': Permission denied" \
    "write EIO 74 cannot write 'out.csv': Input/output error" \
    "write ENOSPC 74 cannot write 'out.csv': No space left on device" \
    "fsync EIO 74 cannot write 'out.csv': Input/output error" \
    "close EIO 74 cannot write 'out.csv': Input/output error" \
    "rename EACCES 73 cannot rename into 'out.csv': Permission denied"; do
	set -- $f
	call=$1 errno=$2 status=$3
	msg=${f#* * * }
	inject "$status" "$call" '*out.csv*' "$errno" 1 \
	    $INGEST --rejects rej.csv --stats st.json -o out.csv in.csv
	says "eds-ingest: $msg"
	absent out.csv
	no_temps
	contains st.json "\"status\":$status"
	# The rejects file, committed first, explains the run even when its
	# output failed (unless the output could not even be created).
	[ "$call" = mkstemp ] || contains rej.csv 'bad-date'
	rm -f rej.csv st.json
	ok "output: $call failing with $errno exits $status, nothing in place"
done

# A write failing mid-run (the third buffer of a large output), plain
# and gzipped.
inject 74 write '*out.csv*' ENOSPC 3 $INGEST -o out.csv big.csv
says "eds-ingest: cannot write 'out.csv': No space left on device"
absent out.csv
no_temps
inject 74 write '*out.csv.gz*' ENOSPC 1 $INGEST -z -o out.csv.gz big.csv
says "eds-ingest: cannot write 'out.csv.gz': No space left on device"
absent out.csv.gz
no_temps
ok "a write failing mid-run (plain or gzip) is 74, nothing in place"

# Short writes are not errors: the writer finishes the job.
FI_TIMES=0 inject 0 write '*out.csv*' short 1 $INGEST -o out.csv big.csv
same out.csv want-big.csv
rm -f out.csv
ok "short writes are completed, the output is whole"

# Standard output failing.
inject 74 write '*/out' EIO 1 $INGEST in.csv
says "eds-ingest: cannot write '<stdout>': Input/output error"
ok "standard output failing is 74"

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
