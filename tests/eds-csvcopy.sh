#!/bin/sh
# eds-csvcopy, the benchmarks' read/rewrite floor: canonical CSV comes back
# byte for byte; a raw extract read with its schema's separator and
# encoding comes out canonical; rows the reader cannot take apart are
# skipped and reported with file and line, exit 65.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

run 0 eds-gen -q -o "$T/g" -s 3 -p 50 --only lab,radiology --count lab=800,radiology=60 --gzip lab
run 0 eds-ingest -q -c "$CONFIG/sources/lab.yaml" -o "$T/lab.csv" "$T/g/lab.csv.gz"
run 0 eds-csvcopy -o "$T/copy.csv" --stats "$T/copy.json" "$T/lab.csv"
same "$T/lab.csv" "$T/copy.csv"
[ "$(json_get "$T/copy.json" rows_out)" = 800 ] || fail "rows_out should be 800"
ok "canonical CSV is copied byte for byte"

run 0 eds-csvcopy -c "$CONFIG/sources/lab.yaml" -o "$T/raw.csv" "$T/g/lab.csv.gz"
[ "$(count_rows "$T/raw.csv")" = 800 ] || fail "the raw copy should hold 800 rows"
head -1 "$T/raw.csv" | grep -q '^IPP,NDA,NIR,NOM,' || fail "the raw header should be kept as is"
contains "$T/raw.csv" "Hémoglobine"
if head -1 "$T/raw.csv" | grep -q "$(printf '\r')"; then fail "CRLF line ends were kept"; fi
ok "a gzipped Windows-1252 extract is rewritten as canonical UTF-8 CSV"

run 0 eds-csvcopy -d '|' -o "$T/rad.csv" "$T/g/radiology.csv"
[ "$(count_rows "$T/rad.csv")" = 60 ] || fail "radiology copy should hold 60 rows"
ok "-d picks the separator"

printf 'a;b\r\n1;2\r\n3;x"y\r\n4;5\r\n' >"$T/bad.csv"
run 65 eds-csvcopy -d ';' -o "$T/bad.out" "$T/bad.csv"
contains "$T/err" "eds-csvcopy: $T/bad.csv:3: skipped (bad-quoting)"
contains "$T/err" "1 rows could not be read as CSV and were skipped"
[ ! -e "$T/bad.out" ] || fail "a failed copy left its output"
ok "an unreadable row is reported with its line, exit 65, no output"

run 64 eds-csvcopy -d x "$T/bad.csv"
contains "$T/err" "-d takes , ; | tab or auto, not 'x'"
run 66 eds-csvcopy "$T/missing.csv"
run 0 eds-csvcopy -h
contains "$T/out" "usage: eds-csvcopy"
ok "usage errors exit 64, a missing input 66, -h prints the usage"

# A write error exits 74 and leaves no output.
set +e
(trap '' XFSZ; ulimit -f 20; exec eds-csvcopy -o "$T/big.csv" "$T/lab.csv") >"$T/out" 2>"$T/err"
st=$?
set -e
[ "$st" = 74 ] || { cat "$T/err" >&2; fail "a write error exited $st, expected 74"; }
contains "$T/err" "File too large"
[ ! -e "$T/big.csv" ] || fail "a failed copy left its output"
ok "a write error exits 74 and leaves no output"
