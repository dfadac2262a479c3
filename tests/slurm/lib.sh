# tests/slurm/lib.sh: sourced by the sharding tests (tests/slurm-*.sh,
# tests/shard-local.sh) after tests/lib.sh: the project they shard, the
# reference single-machine run, and how bundles are compared.
#
# The export they run is EDS_TEST_EXPORT: for now the stand-in
# tests/slurm/fake-eds-export (its "project" is a text file of rows).  To
# test the real eds-export, set EDS_TEST_EXPORT to it and have
# make_project write a real project (spec, key, registry, inputs: the
# demo's); single_run and same_bundle stay as they are.  The scripts under
# test always run tests/slurm/export-wrapper, which runs EDS_TEST_EXPORT
# and logs what ran (EDS_TEST_LOG) or fails a shard (EDS_TEST_FAIL_SHARD).

# Jobs run in other directories: every path they get is absolute.
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
EDS_TEST_EXPORT=${EDS_TEST_EXPORT:-$top_srcdir/tests/slurm/fake-eds-export}
EDS_EXPORT=$top_srcdir/tests/slurm/export-wrapper
export EDS_TEST_EXPORT EDS_EXPORT
unset EDS_TEST_FAIL_SHARD EDS_TEST_SLEEP EDS_TEST_LOG
unset EDS_SLURM_PARTITION EDS_SLURM_TIME EDS_SLURM_MEM EDS_SLURM_ACCOUNT
unset EDS_SLURM_MERGE_TIME EDS_SLURM_MERGE_MEM

# The built eds-slurm-export (it carries the version), else the source.
SLURM_EXPORT=$top_builddir/eds-slurm-export
[ -x "$SLURM_EXPORT" ] || SLURM_EXPORT=$top_srcdir/scripts/slurm/eds-slurm-export

# make_project DIR: a project to export, made in DIR; sets SPEC, KEY and
# REGISTRY.
make_project() {
	mkdir -p "$1/registry"
	awk 'BEGIN { for (i = 1; i <= 103; i++) printf "row-%03d,%d\n", i, i * 7 % 13 }' \
	    >"$1/spec"
	(umask 077 && printf '%064d\n' 0 >"$1/key")
	SPEC=$1/spec KEY=$1/key REGISTRY=$1/registry
}

# single_run BUNDLE: the single-machine export, the reference.
single_run() {
	"$EDS_TEST_EXPORT" -P "$SPEC" -k "$KEY" --registry "$REGISTRY" -o "$1" ||
	    fail "the single-machine export into $1 failed"
}

# same_bundle A B: the data files and the payload manifest are
# byte-identical (bag-info.txt holds the bagging date, so it may differ).
same_bundle() {
	[ -d "$2/data" ] || fail "$2 is not a bundle"
	diff -r "$1/data" "$2/data" >"$T/diff" 2>&1 ||
	    { head -20 "$T/diff" >&2; fail "the data of $1 and $2 differ"; }
	same "$1/manifest-sha256.txt" "$2/manifest-sha256.txt"
}

# ran LOG: what ran, from the wrapper's log, sorted, as "merge, shard 2/4,
# shard 3/4" (merged_after_shards checks the order).
ran() {
	sed -n 's/ start$//p' "$1" | sort | awk '{ printf "%s%s", sep, $0; sep = ", " }'
}

# merged_after_shards LOG: the merge started after every shard had ended.
merged_after_shards() {
	awk '/^shard .* start$/ { open[$2] = 1 }
	/^shard .* end / { delete open[$2] }
	/^merge start$/ { for (s in open) { print "shard " s " had not ended"; bad = 1 }; m = 1 }
	END { if (!m) print "no merge"; exit bad || !m }' "$1" >"$T/order" ||
	    { cat "$T/order" >&2; fail "the merge did not wait for the shards"; }
}
