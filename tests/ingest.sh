# tests/ingest.sh: sourced by the eds-ingest end-to-end tests
# (tests/eds-ingest-*.sh), after tests/lib.sh: the test schema, a header,
# and checks of the --stats accounting.  Tests run inside $T.

S=$top_srcdir/tests/data/people.yaml
LAB=$top_srcdir/config/sources/lab.yaml
HDR='ID;NIR;NAISSANCE;POIDS;NOTE'
cd "$T"

# accounting STATS IN OUT REJECTED: the stats say so, and IN = OUT + REJECTED.
accounting() {
	[ -f "$1" ] || fail "no stats file $1"
	for kv in "rows_in $2" "rows_out $3" "rows_rejected $4"; do
		k=${kv% *}
		v=${kv#* }
		got=$(json_get "$1" "$k")
		[ "$got" = "$v" ] || fail "$1: $k is '$got', expected $v"
	done
	[ "$2" -eq $(($3 + $4)) ] || fail "test bug: $2 != $3 + $4"
}

# says TEXT: stderr of the last run holds TEXT.
says() {
	contains "$T/err" "$1"
}

# absent FILE: FILE was not created (nor a temporary beside it).
absent() {
	[ ! -e "$1" ] || fail "$1 exists"
	for f in "$(dirname "$1")"/."$(basename "$1")".tmp-*; do
		[ ! -e "$f" ] || fail "temporary $f left behind"
	done
}
