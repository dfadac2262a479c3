#!/bin/sh
# The contract of DESIGN section 4: a warehouse recomputes our pseudonyms,
# offsets and ages in Python (standard library only) and gets the same
# values.  scripts/bench-pseudo-ref.py, written from the man page, must agree
# with eds-pseudo on every identifier, age and shifted date of a lab extract.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 not found"
printf '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' >"$T/k.key"
chmod 600 "$T/k.key"
awk -v rows=2000 -v seed=11 -f "$top_srcdir/tests/eds-pseudo-lab.awk" >"$T/lab.csv"
run 0 eds-pseudo -p "$CONFIG/policies/lab.yaml" -k "$T/k.key" --domain PROJ-2026-014 "$T/lab.csv"
cut -d, -f1-11 "$T/out" >"$T/c.csv"
run 0 python3 "$top_srcdir/scripts/bench-pseudo-ref.py" -k "$T/k.key" --domain PROJ-2026-014 "$T/lab.csv"
cut -d, -f1-11 "$T/out" >"$T/py.csv"
same "$T/c.csv" "$T/py.csv"
[ "$(wc -l <"$T/c.csv")" = 2001 ] || fail "expected 2001 lines"
ok "Python's hmac/hashlib gives the same pseudonyms, ages and dates"
