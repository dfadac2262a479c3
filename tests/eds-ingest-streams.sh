#!/bin/sh
# eds-ingest on damaged or degenerate streams: an unterminated quote, a
# truncated gzip file, an empty file, a file with only its header.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"

# Unterminated quote: the row where it opens swallows the rest of the
# file; it is rejected whole and the run fails, naming both lines.
printf '%s\n1;;;;ok\n2;;;;"opened\n3;;;;x\n4;;;;y' "$HDR" >quote.csv
run 65 eds-ingest -c "$S" --max-reject-rate 1 --rejects rej.csv \
    --stats st.json -o out.csv quote.csv
says 'eds-ingest: quote.csv:3: rejected (unterminated-quote): a quoted field is never closed'
says 'eds-ingest: quote.csv:3: unterminated quoted field: the quote opened in the row starting here is never closed, so the rest of the input (to line 5) was rejected as one row'
absent out.csv
accounting st.json 2 1 1
contains st.json '"rejected":{"unterminated-quote":1}'
contains rej.csv 'quote.csv,3,unterminated-quote,,a quoted field is never closed,"2;;;;""opened'
contains rej.csv '4;;;;y"'
ok "an unterminated quote is rejected whole and fails the run (65)"

# Truncated gzip: the rows read so far are counted, the run fails.
{
	printf '%s\n' "$HDR"
	i=0
	while [ $i -lt 2000 ]; do
		printf '%d;;01/02/1980;%d,5;row %d\n' $i $i $i
		i=$((i + 1))
	done
} >full.csv
gzip -c full.csv >full.csv.gz
size=$(wc -c <full.csv.gz)
head -c $((size - 12)) full.csv.gz >cut.gz
run 65 eds-ingest -c "$S" --rejects rej.csv --stats st.json -o out.csv cut.gz
says 'eds-ingest: cut.gz:'
says ': truncated gzip stream (the file ends inside compressed data)'
grep -q '^eds-ingest: cut\.gz:[0-9][0-9]*: truncated gzip' "$T/err" ||
    fail "the message must name the line reached"
absent out.csv
[ "$(json_get st.json rows_rejected)" = 0 ] || fail "no row rejected"
[ "$(json_get st.json rows_in)" = "$(json_get st.json rows_out)" ] ||
    fail "rows_in != rows_out"
[ "$(count_rows rej.csv)" = 0 ] || fail "rejects file should be empty"
# The whole file, gzipped, is fine (and not because of its name).
cp full.csv.gz whole.dat
run 0 eds-ingest -c "$S" --stats st.json -o out.csv whole.dat
accounting st.json 2000 2000 0
ok "a truncated gzip file fails with 65 at the line reached"

# An empty file is an error: a feed that lost its header is not "no data".
: >empty.csv
rm -f out.csv
run 65 eds-ingest -c "$S" --rejects rej.csv --stats st.json -o out.csv empty.csv
says 'eds-ingest: empty.csv: file is empty (expected a header row)'
absent out.csv
accounting st.json 0 0 0
[ "$(count_rows rej.csv)" = 0 ] || fail "rejects file should be empty"
ok "an empty file fails with 65"

# A header and no rows: a valid, empty extract.
printf '%s\r\n' "$HDR" >header.csv
run 0 eds-ingest -c "$S" --rejects rej.csv --stats st.json -o out.csv header.csv
printf 'id,nir,birth_date,weight,note\n' >want.csv
same out.csv want.csv
accounting st.json 0 0 0
[ ! -s "$T/err" ] || fail "nothing to say for a header-only file"
ok "a header-only file gives a header-only output"
