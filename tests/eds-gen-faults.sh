#!/bin/sh
# eds-gen --bad-rate injects faulty rows of every kind and --truth lists
# them; eds-ingest must reject exactly those rows, at those lines, for
# those reasons and columns, and account for every row.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

run 0 eds-gen -q -o "$T/g" -s 77 -p 500 -n 6000 --bad-rate 0.04 --truth "$T/truth.csv"
[ "$(head -1 "$T/truth.csv")" = "source,file,line,kind,column" ] || fail "truth header"

# rejects.csv: file,line,reason,column,detail,raw; raw may hold quotes and
# newlines, so take the first four fields of each record (a record starts
# where the quotes seen so far are balanced).
rejects_lrc() {
	awk 'NR > 1 && q == 0 { split($0, a, ","); print a[2] "," a[3] "," a[4] }
	    { n = gsub(/"/, "\""); q = (q + n) % 2 }' "$1" | sort
}

total=0
for s in dpi-patients dpi-stays dpi-diagnoses dpi-acts lab radiology pathology dictation; do
	f=$(eds-gen --list | awk -F'\t' -v s="$s" '$1 == s { print $2 }')
	run 0 eds-ingest -q -c "$CONFIG/sources/$s.yaml" --max-reject-rate 1 \
	    --rejects "$T/$s.rej" --stats "$T/$s.json" -o "$T/$s.out" "$T/g/$f"
	awk -F, -v s="$s" '$1 == s { print $3 "," $4 "," $5 }' "$T/truth.csv" | sort >"$T/$s.want"
	rejects_lrc "$T/$s.rej" >"$T/$s.got"
	[ -s "$T/$s.want" ] || fail "$s: no fault injected at 4%"
	same "$T/$s.want" "$T/$s.got"
	in=$(json_get "$T/$s.json" rows_in)
	out=$(json_get "$T/$s.json" rows_out)
	rej=$(json_get "$T/$s.json" rows_rejected)
	[ "$rej" = "$(wc -l <"$T/$s.want")" ] || fail "$s: $rej rejected, truth lists $(wc -l <"$T/$s.want")"
	[ $((out + rej)) = "$in" ] || fail "$s: rows_in $in != rows_out $out + rows_rejected $rej"
	[ "$(count_rows "$T/$s.out")" = "$out" ] || fail "$s: the output does not hold rows_out rows"
	total=$((total + rej))
done
ok "each source's rejects match the truth file: lines, reasons, columns ($total faults)"

for k in bad-date bad-datetime bad-nir missing-required column-count bad-quoting; do
	grep -q ",$k," "$T/truth.csv" || fail "no fault of kind $k was injected"
done
grep -q '^dictation,.*,bad-datetime,dictated_at$' "$T/truth.csv" || fail "no bad ISO datetime in dictation"
grep -q '^lab,.*,bad-nir,nir$' "$T/truth.csv" || fail "no bad NIR key in lab"
grep -q '^pathology,.*,bad-quoting,$' "$T/truth.csv" || fail "no stray quote in pathology"
ok "every kind of fault occurs"

# The faults are in the rows, not around them: with the same seed and no
# faults, the files have the same number of physical lines minus the
# lines joined by stray-quote faults (multi-line texts made one line).
run 0 eds-gen -q -o "$T/clean" -s 77 -p 500 -n 6000
run 0 eds-ingest -q -c "$CONFIG/sources/lab.yaml" --stats "$T/clean.json" -o /dev/null "$T/clean/lab.csv"
[ "$(json_get "$T/clean.json" rows_in)" = "$(json_get "$T/lab.json" rows_in)" ] ||
    fail "faults changed the number of laboratory rows"
ok "faults corrupt rows without adding or removing any"
