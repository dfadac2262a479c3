#!/bin/sh
# Replay every fuzz target's seeds and corpus (tests/fuzz/seeds), crash
# regressions included, through tests/fuzz/fuzz-replay: no fuzzing, just
# every known input once, with the invariants of each target checked (and
# ASan watching in sanitizer builds, memcheck under make check-valgrind).
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

replay=$top_builddir/tests/fuzz/fuzz-replay
[ -x "$replay" ] || skip "$replay not built"
targets=$("$replay" -l)
[ -n "$targets" ] || fail "no fuzz targets"
for t in $targets; do
	[ -f "$top_srcdir/tests/fuzz/fuzz_$t.c" ] ||
	    fail "target $t has no tests/fuzz/fuzz_$t.c"
	seeds=$(top_srcdir=$top_srcdir EDS_VECTORS=$EDS_VECTORS \
	    sh "$top_srcdir/tests/fuzz/seeds.sh" "$t" 2>"$T/seeds.err") ||
	    fail "seeds of $t"
	sed 's/^/  /' "$T/seeds.err"
	[ -n "$seeds" ] || fail "target $t has no seeds"
	# shellcheck disable=SC2086
	set -- $seeds
	set +e
	${EDS_WRAPPER:-} "$replay" "$t" "$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" != 0 ]; then
		cat "$T/err" >&2
		fail "fuzz target $t failed on its corpus (status $got)"
	fi
	n=$(sed -n "s/^$t: \([0-9]*\) inputs replayed$/\1/p" "$T/out")
	[ "${n:-0}" -gt 0 ] || fail "target $t replayed no input"
	ok "fuzz target $t: $n inputs replayed"
done
