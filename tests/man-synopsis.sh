#!/bin/sh
# For every tool with a page man/eds-*.1 whose binary is built: the usage
# that -h prints matches the page's SYNOPSIS (white space aside), -h exits
# 0 with nothing on stderr, --version prints "TOOL (eds-tools) VERSION"
# with the package's version, and the page has EXIT STATUS and EXAMPLES.
#
# The usage text is what -h prints before its first blank line or "See"
# line, less the leading "usage:"; a tool with several forms prints one
# per line, in the order of the SYNOPSIS.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

# render PAGE: plain text, lines long enough that nothing wraps.
if command -v mandoc >/dev/null 2>&1; then
	render() { mandoc -T ascii -O width=300 "$1" | sed 's/.\x08//g'; }
elif command -v groff >/dev/null 2>&1; then
	render() { groff -mandoc -T ascii -P -cbu -rLL=300n "$1" 2>/dev/null; }
else
	skip "neither mandoc nor groff is installed (Debian: groff-base)"
fi

# squeeze: white space runs to one space, none at the ends.
squeeze() {
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")
[ -n "$version" ] || fail "no PACKAGE_VERSION in $top_builddir/config.h"

tools=0
for page in "$top_srcdir"/man/eds-*.1; do
	[ -f "$page" ] || continue
	tool=$(basename "$page" .1)
	bin=$top_builddir/$tool
	if [ ! -x "$bin" ]; then
		printf '# %s: not built, page not checked\n' "$tool"
		continue
	fi
	render "$page" >"$T/page" || fail "cannot render $page"
	sed -n '/^SYNOPSIS$/,/^[A-Z]/p' "$T/page" | sed '1d;$d' | squeeze \
	    >"$T/synopsis"
	[ -s "$T/synopsis" ] || fail "$page has no SYNOPSIS"

	run 0 "$bin" -h
	[ ! -s "$T/err" ] || fail "$tool -h wrote to stderr"
	awk '/^$/ || /^See / { exit } { print }' "$T/out" |
	    sed '1s/^usage: *//' | squeeze >"$T/usage"
	head -1 "$T/out" | grep -q '^usage: ' ||
	    fail "$tool -h does not start with 'usage: '"
	if ! cmp -s "$T/usage" "$T/synopsis"; then
		printf 'usage:    %s\nsynopsis: %s\n' "$(cat "$T/usage")" \
		    "$(cat "$T/synopsis")" >&2
		fail "$tool: -h usage and $page SYNOPSIS differ"
	fi

	run 0 "$bin" --version
	[ "$(cat "$T/out")" = "$tool (eds-tools) $version" ] ||
	    fail "$tool --version printed '$(cat "$T/out")'"

	for section in 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
		grep -q "^$section\$" "$T/page" || fail "$page lacks $section"
	done
	ok "$tool: -h matches the SYNOPSIS of $(basename "$page"), --version is $version"
	tools=$((tools + 1))
done
[ "$tools" -gt 0 ] || skip "no tool with a page is built"
