#!/bin/sh
# eds-ingest rejects bad rows whole, with file, line and reason, counts
# them, and fails over the reject rate: wrong column count, invalid UTF-8,
# a NUL byte, 31/02, a bad NIR key, a missing required field, a 2 MiB
# field.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"

# bad NAME ROW REASON COLUMN DETAIL: ROW, at line 3 between two good rows,
# is rejected for REASON; the run fails (1 of 3 is over 1%), the output is
# not created, the rejects file and the stats say what happened.
bad() {
	name=$1 row=$2 reason=$3 col=$4 detail=$5
	{
		printf '%s\n' "$HDR"
		printf '1;;01/02/1980;70;ok\n'
		printf '%b\n' "$row"
		printf '4;;;;\n'
	} >"$name.csv"
	rm -f out.csv rej.csv st.json
	run 65 eds-ingest -c "$S" --rejects rej.csv --stats st.json \
	    -o out.csv "$name.csv"
	says "eds-ingest: $name.csv:3: rejected ($reason): $detail"
	says "eds-ingest: 1 of 3 rows rejected (33.33%), more than the maximum reject rate of 1.00%"
	absent out.csv
	contains rej.csv "file,line,reason,column,detail,raw"
	case $detail in
	*,*) qdetail="\"$detail\"" ;;	# canonical CSV quotes a comma
	*) qdetail=$detail ;;
	esac
	contains rej.csv "$name.csv,3,$reason,$col,$qdetail"
	[ "$(count_rows rej.csv)" = 1 ] || fail "$name: one reject expected"
	accounting st.json 3 2 1
	contains st.json "\"rejected\":{\"$reason\":1}"
	contains st.json '"status":65'
	ok "$name: rejected as $reason at line 3, run fails with 65"
}

bad columns '2;;01/02/1980;70' column-count '' \
    'expected 5 fields, found 4'
contains rej.csv 'columns.csv,3,column-count,,"expected 5 fields, found 4",2;;01/02/1980;70'
bad utf8 '2;;01/02/1980;70;caf\0351' invalid-utf8 '' \
    'field 5 is not valid UTF-8'
grep -a -q "$(printf 'caf\351')" rej.csv || fail "raw bytes not kept"
bad nul '2;;01/02/1980;70;a\0000b' nul-byte '' 'field 5 contains a NUL byte'
bad feb31 '2;;31/02/1980;70;x' bad-date birth_date \
    "column 'birth_date' is not a real date in an accepted format"
contains rej.csv ',2;;31/02/1980;70;x'
bad nirkey '2;2 55 08 14 168 025 12;01/02/1980;70;x' bad-nir nir \
    "column 'nir': the NIR check key does not match"
lacks "$T/err" '168 025 12'
bad nirform '2;25508141680253;01/02/1980;70;x' bad-nir nir \
    "column 'nir' is not a well-formed NIR"
bad required ';;01/02/1980;70;x' missing-required id \
    "required column 'id' is empty"
bad blankreq '   ;;01/02/1980;70;x' missing-required id \
    "required column 'id' is empty"
bad decimal '2;;01/02/1980;7O;x' bad-decimal weight \
    "column 'weight' is not a decimal number"
bad quoting '2;;01/02/1980;70;a"b' bad-quoting '' \
    'malformed quotes: a quote inside an unquoted field, or text after a closing quote'

# A 2 MiB field: over the 1 MiB row limit; the row is rejected with its
# first 1 MiB kept, memory stays bounded, and reading resumes after it.
{
	printf '%s\n' "$HDR"
	printf '1;;01/02/1980;70;ok\n'
	printf '2;;01/02/1980;70;"'
	head -c 2097152 /dev/zero | tr '\0' 'x'
	printf '\n%s"\n' 'still inside the quotes'
	printf '3;;;;after the big one\n'
} >big.csv
run 65 eds-ingest -c "$S" --rejects rej.csv --stats st.json -o out.csv big.csv
says 'eds-ingest: big.csv:3: rejected (row-too-large): row is larger than 1048576 bytes (only its first 1048576 bytes are kept)'
absent out.csv
accounting st.json 3 2 1
contains rej.csv 'big.csv,3,row-too-large,,row is larger than 1048576 bytes (only its first 1048576 bytes are kept) [raw row truncated],"2;;01/02/1980;70;""xxxx'
size=$(wc -c <rej.csv)
[ "$size" -gt 1048576 ] && [ "$size" -lt 1200000 ] ||
    fail "rejects file of $size bytes: the raw row should be cut at 1 MiB"
# With the rate raised the same file succeeds and the row after it is kept.
run 0 eds-ingest -c "$S" --max-reject-rate 0.5 --stats st.json -o out.csv big.csv
contains out.csv '3,,,,after the big one'
accounting st.json 3 2 1
ok "a 2 MiB field is rejected with its first 1 MiB, and reading resumes"

# Only the first 10 rejects are shown; all are in the rejects file.
{
	printf '%s\n' "$HDR"
	i=0
	while [ $i -lt 25 ]; do
		printf '%d;;99/99/2000;;\n' $i
		i=$((i + 1))
	done
} >many.csv
run 65 eds-ingest -c "$S" --rejects rej.csv --stats st.json many.csv
[ "$(grep -c 'rejected (bad-date)' "$T/err")" = 10 ] || fail "10 shown"
says 'eds-ingest: 15 more rejected rows not shown (see the rejects file)'
[ "$(count_rows rej.csv)" = 25 ] || fail "25 rejects expected"
accounting st.json 25 0 25
run 65 eds-ingest -q -c "$S" many.csv
lacks "$T/err" 'rejected (bad-date)'
says 'eds-ingest: 25 of 25 rows rejected'
ok "ten rejects are shown, -q shows none, the rejects file has all"
