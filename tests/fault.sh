# tests/fault.sh: sourced by the fault-injection tests (tests/fault-*.sh)
# after tests/lib.sh and tests/ingest.sh: runs a tool with the shim
# tests/faultinject.so preloaded (see tests/faultinject.c) so that chosen
# calls fail, and checks that the fault really fired.
#
# Sanitizer builds: ASan wants its runtime first among the loaded
# libraries.  gcc links it as a shared library (libasan.so), so it is
# preloaded before the shim; clang links it into the executable, which
# comes first anyway, and its interceptors reach the shim as the "next"
# definition.  Either way the tests run in every build.

SHIM=$top_builddir/tests/faultinject.so
[ -f "$SHIM" ] || skip "$SHIM not built (make check builds it)"
asan=$(ldd "$top_builddir/eds-ingest" 2>/dev/null |
    sed -n 's/^[[:space:]]*libasan[^ ]* => \([^ ]*\) .*/\1/p' | head -1)
PRELOAD="${asan:+$asan }$SHIM"

# inject STATUS CALL PATTERN ERRNO NTH CMD...: run CMD (as run does) with
# CALL failing with ERRNO on the NTH call on a path matching PATTERN, and
# require both STATUS and that the fault fired.
inject() {
	i_want=$1 i_call=$2 i_path=$3 i_errno=$4 i_nth=$5
	shift 5
	rm -f "$T/fi.log"
	run "$i_want" env LD_PRELOAD="$PRELOAD" FI_CALL="$i_call" \
	    FI_PATH="$i_path" FI_ERRNO="$i_errno" FI_NTH="$i_nth" \
	    FI_LOG="$T/fi.log" "$@"
	[ -s "$T/fi.log" ] ||
	    fail "the $i_call fault on '$i_path' never fired: '$*'"
}

# rows N: a people extract of N rows (about 50 bytes each) on stdout.
rows() {
	awk -v n="$1" -v h="$HDR" 'BEGIN { print h
	for (i = 1; i <= n; i++)
		printf "%d;;01/02/1980;%d,5;a note long enough to fill buffers\n", i, i % 200 }'
}

# no_temps: no temporary file of an output is left in the directory.
no_temps() {
	for f in .*.tmp-*; do
		[ ! -e "$f" ] || fail "temporary $f left behind"
	done
}
