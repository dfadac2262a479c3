# scripts/bench.d/10-ingest.sh: eds-ingest on the raw laboratory extract
# ($LAB_RAW: gzip, Windows-1252, ';', dd/mm/yyyy dates, decimal commas),
# beside two floors measured in the same run on the same file: cat of the
# file, and the library's bare read/rewrite of it with no validation
# (tools/eds-csvcopy with the schema's separator and encoding).
# Targets: full validation at >= 40% of the read/rewrite floor's
# throughput; peak RSS under 32 MB (at 1M rows and, with --rows 10000000,
# at 10M).  MB/s are of the uncompressed extract, except for cat.

ingest_schema="$EDS_SRC/config/sources/lab.yaml"
ingest_raw_bytes=$(bench_bytes "$LAB_RAW")
ingest_stored=$(wc -c <"$LAB_RAW" | tr -d ' ')
ingest_rows=$LAB_CSV_ROWS
echo "ingest: $LAB_RAW: $ingest_rows rows, $ingest_raw_bytes bytes of CSV, $ingest_stored gzipped"

bench_measure "floor: cat of the gzip file (MB/s of the gzip file)" \
    "$ingest_stored" "$ingest_rows" -- \
    sh -c 'cat "$1" >/dev/null' sh "$LAB_RAW"

bench_measure "floor: eds-csvcopy read/rewrite (gunzip, cp1252, ';')" \
    "$ingest_raw_bytes" "$ingest_rows" -- \
    "$EDS_BIN/tools/eds-csvcopy" -q -c "$ingest_schema" \
    -o "$BENCH_DIR/out/ingest-floor.csv" "$LAB_RAW"
ingest_floor_secs=$BENCH_SECS
rm -f "$BENCH_DIR/out/ingest-floor.csv"

bench_measure "eds-ingest (validate, normalise, rejects, stats)" \
    "$ingest_raw_bytes" "$ingest_rows" -- \
    "$EDS_BIN/eds-ingest" -q -c "$ingest_schema" \
    --rejects "$BENCH_DIR/out/ingest-rejects.csv" \
    --stats "$BENCH_DIR/out/ingest-stats.json" \
    -o "$BENCH_DIR/out/ingest.csv" "$LAB_RAW"
ingest_secs=$BENCH_SECS
ingest_rss=$BENCH_RSS_MB
rm -f "$BENCH_DIR/out/ingest.csv"

bench_target "ingest throughput, % of the read/rewrite floor" \
    "$(bench_ratio "$ingest_floor_secs" "$ingest_secs")" ">=" 40
bench_target "ingest peak RSS at $BENCH_ROWS rows, MB" "$ingest_rss" "<" 32
