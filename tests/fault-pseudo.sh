#!/bin/sh
# eds-pseudo under faults, forced with the fault-injection shim: the
# output, --stats and --journal writers failing at each step (73/74 naming
# the file, nothing complete-looking in place, no temporary left); reads
# failing and damaged gzip inputs; the key file as a symbolic link,
# world-readable, empty, unreadable or failing to read (77, 78, 74); and
# keygen failing while it creates, writes or syncs the key, which must
# leave no key file at all.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"
. "$top_srcdir/tests/fault.sh"

POLICY=$CONFIG/policies/lab.yaml
eds-pseudo keygen -q -o k.key || fail "keygen"
# lab rows in canonical CSV, the columns of the lab policy (about 100
# bytes each: 20000 rows make several buffers of output).
lab() {
	awk -v n="$1" 'BEGIN {
		print "ipp,nda,nir,last_name,first_name,birth_date,sample_time,loinc,label,value,unit,ref_low,ref_high,comment"
		for (i = 1; i <= n; i++)
			printf "%d,%d,,Nom%d,Prenom,1950-01-0%d,2024-03-0%dT10:00:00,718-7,Hb,%d,g/dL,,,controle le 12/03/2024\n", 1000000 + i % 500, 2000000 + i, i % 50, 1 + i % 9, 1 + i % 9, i % 20
	}'
}
lab 3 >in.csv
lab 20000 >big.csv
PSEUDO="eds-pseudo -p $POLICY -k k.key --domain PROJ-FAULT"
run 0 $PSEUDO -o want.csv in.csv
run 0 $PSEUDO -o want-big.csv big.csv

# --- the output -----------------------------------------------------------
output_faults eds-pseudo "$PSEUDO"

# --- --stats and --journal ---------------------------------------------------
stats_faults eds-pseudo "$PSEUDO"
journal_faults eds-pseudo "$PSEUDO"

# --- inputs --------------------------------------------------------------------
inject 74 read '*big.csv' EIO 3 $PSEUDO -o out.csv big.csv
says "eds-pseudo: cannot read 'big.csv': Input/output error"
absent out.csv
FI_TIMES=0 inject 0 read '*big.csv' short 1 $PSEUDO -o out.csv big.csv
same out.csv want-big.csv
rm -f out.csv
ok "a read error mid-file is 74, nothing in place; short reads change nothing"
gzip -n -c big.csv >big.gz
size=$(wc -c <big.gz)
head -c $((size / 2)) big.gz >cut.gz
{ head -c 10 big.gz; printf '\007'; tail -c $((size - 11)) big.gz; } >bad.gz
{ head -c $((size - 8)) big.gz; printf '\0\0\0\0'; tail -c 4 big.gz; } >crc.gz
{ cat big.gz; printf 'junk\n'; } >junk.gz
for gz in "cut.gz truncated gzip stream" "bad.gz invalid block type" \
    "crc.gz incorrect data check" "junk.gz unexpected data after the end"; do
	set -- $gz
	file=$1
	msg=${gz#* }
	run 65 $PSEUDO --stats st.json -o out.csv $file
	says "eds-pseudo: $file"
	says "$msg"
	absent out.csv
	no_temps
	contains st.json '"status":65'
	ok "a damaged gzip input ($msg): 65 naming it, nothing in place"
done
run 0 $PSEUDO -o out.csv big.gz
same out.csv want-big.csv
rm -f out.csv

# --- the key file ---------------------------------------------------------------
ln -s k.key link.key
run 77 $PSEUDO -k link.key -o out.csv in.csv
says "eds-pseudo: link.key: key file is a symbolic link"
absent out.csv
cp k.key open.key
chmod 644 open.key
run 77 $PSEUDO -k open.key -o out.csv in.csv
says "eds-pseudo: open.key: key file is accessible by group or others (mode 0644)"
absent out.csv
chmod 604 open.key
run 77 $PSEUDO -k open.key -o out.csv in.csv
absent out.csv
: >empty.key
chmod 600 empty.key
run 78 $PSEUDO -k empty.key -o out.csv in.csv
says "eds-pseudo: empty.key: no key in file"
absent out.csv
inject 77 open '*k.key' EACCES 1 $PSEUDO -o out.csv in.csv
says "eds-pseudo: cannot open key file 'k.key': Permission denied"
absent out.csv
inject 74 read '*k.key' EIO 1 $PSEUDO -o out.csv in.csv
says "eds-pseudo: cannot read key file 'k.key': Input/output error"
absent out.csv
run 66 $PSEUDO -k nowhere.key -o out.csv in.csv
absent out.csv
lacks "$T/err" "$(grep -v '^#' k.key)"
ok "key file: symbolic link 77, group/other access 77, empty 78, unreadable 77, read error 74, missing 66; nothing written"

# --- keygen ---------------------------------------------------------------------
inject 73 open '*new.key' EACCES 1 eds-pseudo keygen -o new.key
says "eds-pseudo: cannot create key file 'new.key': Permission denied"
[ ! -e new.key ] || fail "keygen left new.key"
for f in "write ENOSPC No space left on device" "fsync EIO Input/output error" \
    "close EIO Input/output error"; do
	set -- $f
	call=$1 errno=$2
	msg=${f#* * }
	inject 74 "$call" '*new.key' "$errno" 1 eds-pseudo keygen -o new.key
	says "eds-pseudo: cannot write key file 'new.key': $msg"
	[ ! -e new.key ] && [ ! -L new.key ] ||
	    fail "keygen failing at $call left a key file"
	ok "keygen: $call failing is 74 and leaves no key file"
done
FI_TIMES=0 inject 0 write '*new.key' short 1 eds-pseudo keygen -o new.key
[ "$(grep -cx '[0-9a-f]\{64\}' new.key)" = 1 ] || fail "short writes: the key is whole"
run 0 $PSEUDO -k new.key -o out.csv in.csv
ok "keygen: short writes are completed, the key is whole and usable"
