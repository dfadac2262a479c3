#!/bin/sh
# eds-gen at the edges: one row, header only, one patient; usage errors
# with their messages and exit 64; an output it cannot create (73) leaves
# no file behind.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

schema="$CONFIG/sources"

# One laboratory row.
run 0 eds-gen -q -o "$T/one" --only lab --count lab=1
[ "$(ls "$T/one")" = lab.csv ] || fail "--only lab wrote other files"
run 0 eds-ingest -q -c "$schema/lab.yaml" --stats "$T/one.json" -o "$T/one.out" "$T/one/lab.csv"
[ "$(json_get "$T/one.json" rows_in)" = 1 ] || fail "one row expected in, got $(json_get "$T/one.json" rows_in)"
[ "$(json_get "$T/one.json" rows_out)" = 1 ] || fail "one row expected out"
[ "$(count_rows "$T/one.out")" = 1 ] || fail "the canonical output should hold one row"
ok "a one-row laboratory extract ingests as one row"

# Header only, for every event source.
run 0 eds-gen -q -o "$T/empty" --only lab,radiology,pathology,dictation \
    --count lab=0,radiology=0,pathology=0,dictation=0
for s in lab radiology pathology dictation; do
	f=$(eds-gen --list | awk -F'\t' -v s="$s" '$1 == s { print $2 }')
	[ "$(tr -cd '\n' <"$T/empty/$f" | wc -c)" = 1 ] || fail "$f should be one header line"
	run 0 eds-ingest -q -c "$schema/$s.yaml" --stats "$T/e.json" -o "$T/e.out" "$T/empty/$f"
	[ "$(json_get "$T/e.json" rows_in)" = 0 ] || fail "$s: rows_in should be 0"
	[ "$(wc -l <"$T/e.out")" = 1 ] || fail "$s: the output should be a header"
done
ok "header-only extracts ingest as zero rows"

# --rows 0 means no laboratory row either.
run 0 eds-gen -q -o "$T/zero" --only lab -n 0
[ "$(tr -cd '\n' <"$T/zero/lab.csv" | wc -c)" = 1 ] || fail "--rows 0 should write a header only"
ok "--rows 0 writes a header only"

# One patient, every source.
run 0 eds-gen -q -o "$T/p1" -p 1 -n 1
for s in dpi-patients dpi-stays dpi-diagnoses dpi-acts lab radiology pathology dictation; do
	f=$(eds-gen --list | awk -F'\t' -v s="$s" '$1 == s { print $2 }')
	run 0 eds-ingest -q -c "$schema/$s.yaml" --stats "$T/p.json" -o /dev/null "$T/p1/$f"
	[ "$(json_get "$T/p.json" rows_rejected)" = 0 ] || fail "$s: rows rejected with one patient"
	[ "$(json_get "$T/p.json" rows_in)" -ge 1 ] || fail "$s: no row with one patient"
done
[ "$(json_get "$T/p.json" rows_in)" = 1 ] || fail "dictation should have one row at -n 1"
ipps=$(cut -d';' -f1 "$T/p1/lab.csv" "$T/p1/dpi-patients.csv" | grep -v IPP | sort -u | wc -l)
[ "$ipps" = 1 ] || fail "one patient should mean one IPP, found $ipps"
ok "one patient: every source has rows, all about that patient"

# Usage errors.
run 64 eds-gen -n 10
contains "$T/err" "eds-gen: an output directory is required (-o DIR)"
contains "$T/err" "usage: eds-gen"
run 64 eds-gen -o "$T/u" --bad-rate 2
contains "$T/err" "--bad-rate takes a fraction from 0 to 1 or a percentage, not '2'"
run 64 eds-gen -o "$T/u" --only lab,nosuch
contains "$T/err" "unknown source 'nosuch'"
run 64 eds-gen -o "$T/u" --count dpi-stays=3
contains "$T/err" "the size of 'dpi-stays' follows --patients"
run 64 eds-gen -o "$T/u" -p 0
contains "$T/err" "--patients must be at least 1"
run 64 eds-gen -o "$T/u" -n 12x
contains "$T/err" "--rows takes a whole number"
run 64 eds-gen -o "$T/u" extra
contains "$T/err" "unexpected argument 'extra'"
[ ! -e "$T/u" ] || fail "a usage error created the output directory"
ok "usage errors exit 64 with a message and create nothing"

run 0 eds-gen -h
contains "$T/out" "usage: eds-gen [-q] -o DIR"
[ ! -s "$T/err" ] || fail "-h wrote to stderr"
run 0 eds-gen --version
contains "$T/out" "eds-gen (eds-tools) "
ok "-h prints the usage on stdout, --version the version"

# -h matches the SYNOPSIS of the man page: every option of one is in the other.
man="$top_srcdir/man/eds-gen.1"
eds-gen -h | grep -o -- '[[ ]-[-a-z]*' | sed 's/^.//' | sort -u >"$T/h.opts"
sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$man" |
    sed -n 's/^\.Op Fl \(-*[a-z][a-z-]*\).*/-\1/p; s/^\.Fl \(-*[a-z][a-z-]*\).*/-\1/p' |
    sort -u >"$T/m.opts"
same "$T/h.opts" "$T/m.opts"
ok "the options of -h are those of the man page SYNOPSIS"

# Cannot create: the output directory's parent is a file.
: >"$T/plain"
run 73 eds-gen -o "$T/plain/sub" -n 5
contains "$T/err" "eds-gen: cannot create directory '$T/plain/sub'"
# The truth file cannot be created: nothing is left in the output directory.
run 73 eds-gen -o "$T/x" -n 50 --truth "$T/nodir/truth.csv"
contains "$T/err" "cannot create '$T/nodir/truth.csv'"
[ -z "$(ls -A "$T/x")" ] || { ls -A "$T/x" >&2; fail "a failed run left files behind"; }
ok "an output that cannot be created exits 73 and leaves no file"

# A write error (here: the file size limit, with SIGXFSZ ignored so that
# write() fails with EFBIG) exits 74 and removes what was being written.
set +e
(trap '' XFSZ; ulimit -f 200; exec eds-gen -o "$T/full" -n 20000 --only lab) >"$T/out" 2>"$T/err"
st=$?
set -e
[ "$st" = 74 ] || { cat "$T/err" >&2; fail "a write error exited $st, expected 74"; }
contains "$T/err" "eds-gen: cannot write '$T/full/lab.csv': File too large"
[ -z "$(ls -A "$T/full")" ] || { ls -A "$T/full" >&2; fail "a failed write left files behind"; }
ok "a write error exits 74 and leaves no file"
