#!/bin/sh
# Inputs that fail: reads failing (forced with the fault-injection shim),
# inputs that cannot be opened (66, permission included, even as root),
# corrupted gzip streams (65), and a 100 MB line without a newline, which
# must be refused with a clear message in bounded memory.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"
. "$top_srcdir/tests/fault.sh"

rows 3 >in.csv
rows 20000 >big.csv		# about 1 MB: several reads
run 0 eds-ingest -c "$S" -o want.csv in.csv
run 0 eds-ingest -c "$S" -o want-big.csv big.csv
INGEST="eds-ingest -c $S"

# Read errors: at the first read, and in the middle of a file.
inject 74 read '*in.csv' EIO 1 $INGEST --stats st.json -o out.csv in.csv
says "eds-ingest: cannot read 'in.csv': Input/output error"
absent out.csv
contains st.json '"status":74'
inject 74 read '*big.csv' EIO 3 $INGEST -o out.csv big.csv
says "eds-ingest: cannot read 'big.csv': Input/output error"
absent out.csv
no_temps
gzip -c big.csv >big.gz
inject 74 read '*big.gz' EIO 2 $INGEST -o out.csv big.gz
says "eds-ingest: cannot read 'big.gz': Input/output error"
absent out.csv
ok "a read error (first read, mid-file, gzip) is 74, nothing in place"

# Short reads are not errors: every read returning half of what was
# asked gives the same output.
FI_TIMES=0 inject 0 read '*big.csv' short 1 $INGEST -o out.csv big.csv
same out.csv want-big.csv
rm -f out.csv
ok "short reads give the same output"

# Inputs that cannot be opened: 66, naming the file.
inject 66 open '*in.csv' EACCES 1 $INGEST -o out.csv in.csv
says "eds-ingest: cannot open 'in.csv': Permission denied"
absent out.csv
inject 66 open '*people.yaml' EACCES 1 $INGEST -o out.csv in.csv
says "eds-ingest: cannot open '$S': Permission denied"
absent out.csv
if [ "$(id -u)" != 0 ]; then
	cp in.csv locked.csv
	chmod 000 locked.csv
	run 66 $INGEST -o out.csv locked.csv
	says "eds-ingest: cannot open 'locked.csv': Permission denied"
	absent out.csv
	ok "an unreadable input (by permission, and forced) is 66"
else
	# root reads any file whatever its mode: only the forced EACCES
	# above shows this path.
	echo "# unreadable-by-mode input not tested: running as root"
	ok "an unreadable input (forced EACCES) is 66"
fi
run 66 $INGEST -o out.csv missing.csv
says "eds-ingest: cannot open 'missing.csv': No such file or directory"
ok "a missing input is 66"

# Damaged gzip streams: 65 with the file, the line reached and the damage.
gzip -n -c <in.csv >in.gz	# no name: the deflate data starts at byte 10
size=$(wc -c <in.gz)
# The first deflate block made of the reserved block type (binary 11).
{ head -c 10 in.gz; printf '\007'; tail -c $((size - 11)) in.gz; } >bad.gz
run 65 $INGEST --stats st.json -o out.csv bad.gz
says "eds-ingest: bad.gz:1: corrupt gzip stream: invalid block type"
absent out.csv
contains st.json '"status":65'
# The CRC of the trailer changed: the data inflates, but is not what was
# compressed.
{ head -c $((size - 8)) in.gz; printf '\0\0\0\0'; tail -c 4 in.gz; } >crc.gz
run 65 $INGEST -o out.csv crc.gz
says "corrupt gzip stream: incorrect data check"
absent out.csv
# Garbage after a whole stream.
{ cat in.gz; printf 'trailing junk\n'; } >junk.gz
run 65 $INGEST -o out.csv junk.gz
says "unexpected data after the end of the gzip stream"
absent out.csv
# Cut inside the header, or right after the magic bytes.
head -c 5 in.gz >head.gz
run 65 $INGEST -o out.csv head.gz
says "truncated gzip stream (the file ends inside compressed data)"
absent out.csv
head -c 2 in.gz >magic.gz
run 65 $INGEST -o out.csv magic.gz
says "truncated gzip stream"
absent out.csv
ok "corrupt, mis-checksummed, trailed, cut gzip streams are 65"

# A 100 MB line without a newline, through a pipe: rejected as too large
# (its first 1 MiB kept in the rejects file), in bounded memory.
if [ -n "${EDS_WRAPPER:-}" ]; then
	echo "# 100 MB line not run under EDS_WRAPPER (too slow there)"
else
	TIME=/usr/bin/time
	[ -x "$TIME" ] || skip "$TIME not found (Debian: apt-get install time)"
	set +e
	{ printf '%s\n1;;' "$HDR"; head -c 100000000 /dev/zero | tr '\0' x; } |
	    "$TIME" -f %M -o rss.txt eds-ingest -c "$S" --rejects rej.csv \
	    --stats st.json -o out.csv >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ "$got" = 65 ] || fail "100 MB line: exit $got, expected 65"
	says "eds-ingest: <stdin>:2: rejected (row-too-large): row is larger than 1048576 bytes (only its first 1048576 bytes are kept)"
	says "eds-ingest: 1 of 1 rows rejected"
	absent out.csv
	accounting st.json 1 0 1
	rss=$(tail -1 rss.txt)
	echo "# peak RSS with a 100 MB line: $rss KB"
	[ "$rss" -lt 65536 ] || fail "peak RSS $rss KB, not under 64 MB"
	[ "$(wc -c <rej.csv)" -lt 1100000 ] ||
	    fail "the rejects file keeps only the first 1 MiB of the line"
	ok "a 100 MB line without a newline: 65, clear message, peak RSS ${rss} KB"
fi
