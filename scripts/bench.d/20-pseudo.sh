# scripts/bench.d/20-pseudo.sh: eds-pseudo on the canonical laboratory
# extract ($LAB_CSV) with config/policies/lab.yaml: IPP, NDA and NIR
# pseudonymised, names dropped, the birth date made an age at sampling, the
# sample time shifted, the comment scrubbed.  Compared, in the same run,
# with the library's bare read/rewrite of the same file ($FLOOR_SECS, or
# tools/eds-csvcopy measured here when the driver did not set it) and with
# scripts/bench-pseudo-ref.py, the same job in Python's standard library
# (csv + hmac), run on the first BENCH_PY_ROWS rows (default 200000) and
# compared in rows per second.
# Targets: throughput >= 70% of the floor; >= 10x the Python script; peak
# RSS under 32 MB (at 1M rows, and at 10M with --rows 10000000).

pseudo_policy="$EDS_SRC/config/policies/lab.yaml"
pseudo_key="$BENCH_DIR/out/pseudo-bench.key"
pseudo_py_rows=${BENCH_PY_ROWS:-200000}
[ -f "$pseudo_key" ] || "$EDS_BIN/eds-pseudo" keygen -q -o "$pseudo_key"
echo "pseudo: $LAB_CSV: $LAB_CSV_ROWS rows, $LAB_CSV_BYTES bytes"

if [ -z "${FLOOR_SECS:-}" ]; then
	bench_measure "floor: eds-csvcopy read/rewrite of the canonical CSV" \
	    "$LAB_CSV_BYTES" "$LAB_CSV_ROWS" -- \
	    "$EDS_BIN/tools/eds-csvcopy" -q -o "$BENCH_DIR/out/pseudo-floor.csv" \
	    "$LAB_CSV"
	pseudo_floor=$BENCH_SECS
	rm -f "$BENCH_DIR/out/pseudo-floor.csv"
else
	pseudo_floor=$FLOOR_SECS
fi

bench_measure "eds-pseudo (lab policy: 3 pseudonyms, shift, age, scrub)" \
    "$LAB_CSV_BYTES" "$LAB_CSV_ROWS" -- \
    "$EDS_BIN/eds-pseudo" -q -p "$pseudo_policy" -k "$pseudo_key" \
    --domain BENCH-PSEUDO --stats "$BENCH_DIR/out/pseudo-stats.json" \
    -o "$BENCH_DIR/out/pseudo.csv" "$LAB_CSV"
pseudo_secs=$BENCH_SECS
pseudo_rss=$BENCH_RSS_MB
rm -f "$BENCH_DIR/out/pseudo.csv"

if command -v python3 >/dev/null 2>&1; then
	head -n "$((pseudo_py_rows + 1))" "$LAB_CSV" >"$BENCH_DIR/out/pseudo-py-in.csv"
	pseudo_py_n=$(($(wc -l <"$BENCH_DIR/out/pseudo-py-in.csv") - 1))
	bench_measure "python3 csv+hmac reference ($pseudo_py_n rows)" \
	    "$(wc -c <"$BENCH_DIR/out/pseudo-py-in.csv" | tr -d ' ')" \
	    "$pseudo_py_n" -- \
	    python3 "$EDS_SRC/scripts/bench-pseudo-ref.py" -k "$pseudo_key" \
	    --domain BENCH-PSEUDO "$BENCH_DIR/out/pseudo-py-in.csv" \
	    "$BENCH_DIR/out/pseudo-py.csv"
	pseudo_py_secs=$BENCH_SECS
	rm -f "$BENCH_DIR/out/pseudo-py-in.csv" "$BENCH_DIR/out/pseudo-py.csv"
	# rows/s of eds-pseudo over rows/s of Python
	pseudo_speedup=$(awk -v r="$LAB_CSV_ROWS" -v s="$pseudo_secs" \
	    -v pr="$pseudo_py_n" -v ps="$pseudo_py_secs" \
	    'BEGIN { printf "%.1f", (r / s) / (pr / ps) }')
	bench_target "pseudo speed-up over the Python stdlib script, x" \
	    "$pseudo_speedup" ">=" 10
else
	echo "pseudo: python3 not found, speed-up over Python not measured"
fi

bench_target "pseudo throughput, % of the read/rewrite floor" \
    "$(bench_ratio "$pseudo_floor" "$pseudo_secs")" ">=" 70
bench_target "pseudo peak RSS at $LAB_CSV_ROWS rows, MB" "$pseudo_rss" "<" 32
