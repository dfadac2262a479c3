#!/bin/sh
# tests/fuzz/run.sh TARGET SECONDS [LIBFUZZER-OPTIONS...]: run the libFuzzer
# binary tests/fuzz/fuzz_TARGET (built by make fuzz-build, run from the
# build directory) for SECONDS, on a working corpus in tests/fuzz/work/
# seeded from tests/fuzz/seeds.sh, with tests/fuzz/dict/TARGET.dict when
# there is one.  Prints one summary line:
#
#   fuzz csv: 60 s, 123456 runs, 0 crashes
#
# and exits 1 if the target crashed or broke an invariant: the input is
# then in tests/fuzz/crashes/TARGET-crash-*, and the libFuzzer log in
# tests/fuzz/work/TARGET.log.  Once the bug is fixed, copy the input into
# tests/fuzz/corpus/TARGET/ (make check replays it from then on).
set -eu
target=$1
seconds=$2
shift 2
: "${top_srcdir:?}"
bin=tests/fuzz/fuzz_$target
work=tests/fuzz/work/$target
[ -x "$bin" ] || { echo "fuzz $target: $bin not built (make fuzz-build)" >&2; exit 1; }

# Seeds, flattened into one directory (libFuzzer wants directories).
rm -rf "$work/seed"
mkdir -p "$work/seed" "$work/corpus" tests/fuzz/crashes
i=0
top_srcdir=$top_srcdir sh "$top_srcdir/tests/fuzz/seeds.sh" "$target" |
while read -r p; do
	if [ -d "$p" ]; then
		for f in "$p"/*; do
			[ -f "$f" ] || continue
			i=$((i + 1))
			cp "$f" "$work/seed/$i-${f##*/}"
		done
	else
		i=$((i + 1))
		cp "$p" "$work/seed/$i-${p##*/}"
	fi
done

dict=
[ -f "$top_srcdir/tests/fuzz/dict/$target.dict" ] &&
    dict=-dict=$top_srcdir/tests/fuzz/dict/$target.dict
log=tests/fuzz/work/$target.log
set +e
# shellcheck disable=SC2086
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="tests/fuzz/crashes/$target-" \
    $dict "$@" "$work/corpus" "$work/seed" >"$log" 2>&1
status=$?
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
crashes=$(ls tests/fuzz/crashes/ 2>/dev/null | grep -c "^$target-" || true)
echo "fuzz $target: $seconds s, ${runs:-?} runs, $status exit, $crashes crash files"
if [ "$status" != 0 ]; then
	grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$log" | head -10 >&2
	exit 1
fi
