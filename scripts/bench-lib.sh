# scripts/bench-lib.sh: what the benchmark pieces (scripts/bench.d/*.sh)
# share; sourced by scripts/bench, which sets EDS_BIN, BENCH_DIR,
# BENCH_ROWS, BENCH_SEED, LAB_RAW, LAB_CSV, LAB_CSV_BYTES, LAB_CSV_ROWS,
# CONSENT_EVENTS and FLOOR_SECS before sourcing each piece (and EDS_SRC,
# the source tree, for config/ files).
#
#   bench_measure LABEL BYTES ROWS -- CMD...
#	Run CMD (use sh -c '...' for redirections), print
#	"LABEL: S s, X MB/s, Y rows/s, peak RSS Z MB" and set BENCH_SECS
#	and BENCH_RSS_MB.  Time is wall-clock; MB/s is BYTES / 10^6 per
#	second; peak RSS is GNU time's %M (the largest resident set of CMD or
#	of any process it waited for) in MiB.  A failing CMD prints
#	"LABEL: FAILED (exit N)" with its stderr and returns N.
#   bench_target LABEL VALUE OP LIMIT
#	OP is one of < <= > >=.  Print "LABEL: VALUE (target OP LIMIT):
#	met|MISSED"; a miss is counted in BENCH_MISSED, and scripts/bench
#	exits 1 at the end when any target was missed.
#   bench_ratio A B
#	Print 100 * A / B with one decimal (e.g. a floor's seconds over a
#	tool's seconds: the tool's throughput as a percentage of the floor's).
#   bench_bytes FILE
#	Print the size of FILE in bytes (after decompression when gzipped).

BENCH_MISSED=${BENCH_MISSED:-0}
BENCH_MET=${BENCH_MET:-0}
BENCH_TIME=${BENCH_TIME:-/usr/bin/time}

bench_measure() {
	_bm_label=$1 _bm_bytes=$2 _bm_rows=$3
	shift 3
	if [ "${1:-}" != -- ]; then
		echo "bench_measure: usage: bench_measure LABEL BYTES ROWS -- CMD..." >&2
		return 64
	fi
	shift
	_bm_tmp=$(mktemp "${TMPDIR:-/tmp}/eds-bench.XXXXXX")
	_bm_t0=$(date +%s%N)
	_bm_st=0
	if [ -x "$BENCH_TIME" ]; then
		"$BENCH_TIME" -f %M -o "$_bm_tmp.rss" "$@" 2>"$_bm_tmp.err" ||
		    _bm_st=$?
	else
		"$@" 2>"$_bm_tmp.err" || _bm_st=$?
	fi
	_bm_t1=$(date +%s%N)
	if [ "$_bm_st" != 0 ]; then
		echo "$_bm_label: FAILED (exit $_bm_st)"
		sed 's/^/  /' "$_bm_tmp.err" | head -20
		rm -f "$_bm_tmp" "$_bm_tmp.rss" "$_bm_tmp.err"
		return "$_bm_st"
	fi
	_bm_kb=$(tail -1 "$_bm_tmp.rss" 2>/dev/null)
	rm -f "$_bm_tmp" "$_bm_tmp.rss" "$_bm_tmp.err"
	BENCH_SECS=$(awk -v a="$_bm_t0" -v b="$_bm_t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	case $_bm_kb in
	''|*[!0-9]*) BENCH_RSS_MB=n/a ;;
	*) BENCH_RSS_MB=$(awk -v k="$_bm_kb" 'BEGIN { printf "%.1f", k / 1024 }') ;;
	esac
	awk -v l="$_bm_label" -v s="$BENCH_SECS" -v b="$_bm_bytes" -v r="$_bm_rows" \
	    -v m="$BENCH_RSS_MB" 'BEGIN {
		t = s > 0 ? s : 0.001
		printf "%s: %.2f s, %.1f MB/s, %.0f rows/s, peak RSS %s MB\n",
		    l, s, b / 1e6 / t, r / t, m
	}'
}

bench_target() {
	if awk -v v="$2" -v op="$3" -v lim="$4" 'BEGIN {
		if (v !~ /^-?[0-9.]+$/) exit 1
		if (op == "<") exit !(v + 0 < lim + 0)
		if (op == "<=") exit !(v + 0 <= lim + 0)
		if (op == ">") exit !(v + 0 > lim + 0)
		if (op == ">=") exit !(v + 0 >= lim + 0)
		exit 1
	}'; then
		echo "$1: $2 (target $3 $4): met"
		BENCH_MET=$((BENCH_MET + 1))
	else
		echo "$1: $2 (target $3 $4): MISSED"
		BENCH_MISSED=$((BENCH_MISSED + 1))
	fi
}

bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b > 0 ? 100 * a / b : 0) }'
}

bench_bytes() {
	if [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
		gzip -dc "$1" | wc -c | tr -d ' '
	else
		wc -c <"$1" | tr -d ' '
	fi
}
