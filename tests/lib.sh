# tests/lib.sh: sourced by the end-to-end shell tests (tests/*.sh), which
# make check runs with top_srcdir, top_builddir and EDS_VECTORS set.
#
# A test is a POSIX shell script that calls these helpers; it exits 0 when
# all its checks pass, 1 on the first failure (saying which), and 77 to
# report SKIP with a reason.

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${EDS_VECTORS:=$top_srcdir/../shared/vectors}"

PATH="$top_builddir:$top_builddir/tools:$PATH"
export PATH
CONFIG="$top_srcdir/config"
TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/eds-$TEST_NAME.XXXXXX")
trap 'rm -rf "$T"' EXIT

# EDS_WRAPPER, when set, is a command put before every tool the tests run
# (make check-valgrind sets it to valgrind): each built tool is then found
# first as a script in $T/wrap that runs the wrapper on the real program.
if [ -n "${EDS_WRAPPER:-}" ]; then
	mkdir "$T/wrap"
	for tool in "$top_builddir"/eds-* "$top_builddir"/tools/eds-*; do
		[ -f "$tool" ] && [ -x "$tool" ] || continue
		[ "$(head -c 4 "$tool" | od -An -c | tr -d ' ')" = '177ELF' ] ||
		    continue
		printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$EDS_WRAPPER" \
		    "$tool" >"$T/wrap/${tool##*/}"
		chmod +x "$T/wrap/${tool##*/}"
	done
	PATH="$T/wrap:$PATH"
	export PATH
fi
checks=0

fail() {
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2
	exit 1
}

skip() {
	printf 'SKIP: %s: %s\n' "$TEST_NAME" "$*"
	exit 77
}

ok() {
	checks=$((checks + 1))
	printf 'ok %d - %s\n' "$checks" "$*"
}

# run STATUS CMD...: run CMD with stdout in $T/out, stderr in $T/err, and
# require its exit status to be STATUS.
run() {
	want=$1
	shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		printf '%s\n' "--- stderr:" >&2
		head -20 "$T/err" >&2
		fail "'$*' exited $got, expected $want"
	fi
}

# contains FILE TEXT: FILE holds TEXT (a fixed string).
contains() {
	grep -qF -- "$2" "$1" || { head -20 "$1" >&2; fail "$1 does not contain '$2'"; }
}

# lacks FILE TEXT: FILE does not hold TEXT.
lacks() {
	if grep -qF -- "$2" "$1"; then
		fail "$1 contains '$2'"
	fi
}

# same FILE1 FILE2: byte-identical.
same() {
	cmp -s "$1" "$2" || { diff "$1" "$2" | head -20 >&2; fail "$1 and $2 differ"; }
}

# json_get FILE KEY: the number after "KEY": in a one-line JSON file.
json_get() {
	sed -n "s/.*\"$2\":\\([0-9][0-9]*\\).*/\\1/p" "$1" | head -1
}

# count FILE: data rows of a canonical CSV file (header excluded), counting
# records rather than lines so that quoted newlines do not count.
count_rows() {
	awk 'BEGIN { q = 0; n = 0 }
	{ c = gsub(/"/, "\""); q = (q + c) % 2; if (q == 0) n++ }
	END { print n - 1 }' "$1"
}

vectors() {
	[ -d "$EDS_VECTORS" ] || skip "test vectors not found at $EDS_VECTORS"
	printf '%s\n' "$EDS_VECTORS"
}

set -e
