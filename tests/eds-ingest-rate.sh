#!/bin/sh
# --max-reject-rate: a fraction or a percentage, 1% by default; the run
# fails (65) only when strictly more rows than that were rejected, and
# then writes no output but still writes the rejects file.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"

# extract N BAD: N rows of which the first BAD have an impossible date.
extract() {
	printf '%s\n' "$HDR"
	i=0
	while [ $i -lt "$1" ]; do
		if [ $i -lt "$2" ]; then
			printf '%d;;30/02/2001;;\n' $i
		else
			printf '%d;;01/03/2001;;\n' $i
		fi
		i=$((i + 1))
	done
}

extract 100 1 >one.csv
extract 100 2 >two.csv
extract 100 5 >five.csv

run 0 eds-ingest -c "$S" --rejects rej.csv --stats st.json -o out.csv one.csv
accounting st.json 100 99 1
[ "$(count_rows out.csv)" = 99 ] || fail "99 rows out"
ok "1 reject in 100 is within the default 1%"

rm -f out.csv
run 65 eds-ingest -c "$S" --rejects rej.csv --stats st.json -o out.csv two.csv
says "eds-ingest: 2 of 100 rows rejected (2.00%), more than the maximum reject rate of 1.00%"
absent out.csv
[ "$(count_rows rej.csv)" = 2 ] || fail "the rejects file is written anyway"
accounting st.json 100 98 2
ok "2 rejects in 100 fail the default rate: no output, rejects kept"

for rate in 0.05 5% 5.0% 1; do
	run 0 eds-ingest -c "$S" --max-reject-rate "$rate" --stats st.json \
	    -o out.csv five.csv
	accounting st.json 100 95 5
done
for rate in 0.049 4.9% 0 0%; do
	run 65 eds-ingest -c "$S" --max-reject-rate "$rate" five.csv
	says "5 of 100 rows rejected (5.00%)"
done
ok "rates as fractions and percentages: 5 of 100 pass at 5%, fail below"

for rate in 1.5 101% -0.1 abc 5%% ''; do
	run 64 eds-ingest -c "$S" --max-reject-rate "$rate" five.csv
	says "--max-reject-rate takes a fraction from 0 to 1 or a percentage"
done
ok "rates outside 0..1 (or 0%..100%) are usage errors"
