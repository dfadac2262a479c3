#!/bin/sh
# tests/fuzz/seeds.sh TARGET: the seed locations of a fuzz target that
# exist, one per line: tests/fuzz/corpus/TARGET/ and the lines of
# tests/fuzz/seeds for it (see there).  Needs top_srcdir; EDS_VECTORS is
# optional.  A missing location is reported on stderr as "seeds: skipped".
set -eu
target=$1
: "${top_srcdir:?}"
: "${EDS_VECTORS:=$top_srcdir/../shared/vectors}"

[ -d "$top_srcdir/tests/fuzz/corpus/$target" ] &&
    printf '%s\n' "$top_srcdir/tests/fuzz/corpus/$target"
while read -r t where path; do
	case $t in ''|'#'*) continue ;; esac
	[ "$t" = "$target" ] || continue
	case $where in
	src) p=$top_srcdir/$path ;;
	vectors) p=$EDS_VECTORS/$path ;;
	*) echo "seeds: bad location '$where' for $t" >&2; exit 1 ;;
	esac
	if [ -e "$p" ]; then
		printf '%s\n' "$p"
	else
		echo "seeds: skipped $target seeds $p (not found)" >&2
	fi
done <"$top_srcdir/tests/fuzz/seeds"
