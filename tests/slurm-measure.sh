#!/bin/sh
# scripts/slurm/measure-shards, the command behind README's scaling
# figures, on a small project: it runs to the end (each sharded bundle
# equal to the single run's, which it checks itself) and prints a line per
# run, so that the figures can always be measured again.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

run 0 sh "$top_srcdir/scripts/slurm/measure-shards" -b "$top_builddir" \
    -n 3000 -f 3 -d "$T/ms"
for r in "1 process" "2 shards, 2 at a time" "4 shards, 2 at a time" \
    "4 shards, 4 at a time"; do
	grep -q "^$r  *[0-9.][0-9.]*  *[0-9.][0-9.]*  *[0-9.][0-9.]*  *[-0-9]*%$" \
	    "$T/out" || fail "no figures for '$r'"
done
contains "$T/out" "3000 laboratory rows"
ok "measure-shards: every run measured, every sharded bundle equal to the single run's"
