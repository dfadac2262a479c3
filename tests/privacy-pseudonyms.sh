#!/bin/sh
# Adversarial privacy: the pseudonyms and date offsets of 1 000 000
# sequential IPPs (100000000 .. 100999999, one namespace, one domain, a
# fixed key, so every figure is deterministic), computed by eds-pseudo
# lookup as a warehouse would, show no collision and no structure.
#
# Each test statistic, its expected value and standard deviation under
# "pseudonyms are uniform and independent" (n = N - 1 neighbour pairs),
# and the tolerance:
#   T1 collisions at the default length (32 hex digits) and at the
#      shortest allowed (16): 0 (expected 1.5e-27 and 2.7e-8)
#   T2 neighbours (IPP i and i + 1) whose pseudonyms start with the same
#      hex digit: Bin(n, 1/16), mean n/16, sd sqrt(n 15/256); within 5 sd
#   T3 sum over neighbours of the common prefix length, in hex digits:
#      mean n/15, sd sqrt(n 16/225) (P(L >= k) = 16^-k); within 5 sd
#   T4 bits that agree between neighbours over their first 64 bits:
#      Bin(64 n, 1/2), mean 32 n, sd 4 sqrt(n); within 5 sd
#   T5 first hex digit of all N pseudonyms uniform: chi-square, 15 degrees
#      of freedom, below 56.49 (p = 1e-6)
#   T6 date offsets: never 0, within [-365, 365], uniform over the 730
#      values: chi-square, 729 degrees of freedom, below 925.1 (p = 1e-6)
#   T7 neighbours with the same offset: Bin(n, 1/730), mean n/730, sd
#      sqrt(n 729/730^2); within 5 sd
# Under EDS_WRAPPER (valgrind) N is 20 000: the same tests, their
# expectations scaled.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
cd "$T"

N=1000000
[ -z "${EDS_WRAPPER:-}" ] || N=20000
printf '# test key\n000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' >k.key
chmod 600 k.key
LOOKUP="eds-pseudo lookup -k k.key --domain PROJ-2026-014"
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "%d\n", 100000000 + i }' >ids
$LOOKUP --namespace patient <ids >ps || fail "lookup failed"
$LOOKUP --namespace patient --length 16 <ids >ps16 || fail "lookup --length 16 failed"
$LOOKUP --offset <ids >off || fail "lookup --offset failed"
[ "$(wc -l <ps)" = "$N" ] && [ "$(wc -l <off)" = "$N" ] ||
    fail "one pseudonym and one offset per id"
grep -qvx '[0-9a-f]\{32\}' ps && fail "a pseudonym is not 32 hex digits"

# T1
dup=$(sort ps | uniq -d | wc -l)
dup16=$(sort ps16 | uniq -d | wc -l)
echo "# T1: $N pseudonyms: $dup repeated at 32 hex digits, $dup16 at 16"
[ "$dup" = 0 ] && [ "$dup16" = 0 ] || fail "T1: colliding pseudonyms"
ok "T1: no collision among $N sequential IPPs at 32 (default) or 16 hex digits"

# judge NAME VALUE MEAN SD K: |VALUE - MEAN| <= K sd, said either way.
judge() {
	awk -v name="$1" -v v="$2" -v m="$3" -v sd="$4" -v k="$5" 'BEGIN {
		z = (v - m) / sd
		printf "# %s: %s, expected %.2f, sd %.2f, z = %+.2f (tolerance %d sd)\n", name, v, m, sd, z, k
		exit (z < -k || z > k) }' || fail "$1 is $(($2)) outside $5 sd of its expectation"
}

# neighbours FILE: "same plen bits" (T2, T3, T4) over FILE's lines.
neighbours() {
awk '
BEGIN {
	# ag[xy]: bits that agree between hex digits x and y; ag2[wxyz]:
	# between the digit pairs wx and yz (one look-up per byte).
	h = "0123456789abcdef"
	for (a = 0; a < 16; a++) for (b = 0; b < 16; b++) {
		s = 0; x = a; y = b
		for (k = 0; k < 4; k++) { if (x % 2 == y % 2) s++; x = int(x / 2); y = int(y / 2) }
		ag[substr(h, a + 1, 1) substr(h, b + 1, 1)] = s
	}
	for (p in ag) for (q in ag)
		ag2[substr(p, 1, 1) substr(q, 1, 1) substr(p, 2, 1) substr(q, 2, 1)] = ag[p] + ag[q]
}
NR > 1 {
	if (substr($0, 1, 1) == substr(prev, 1, 1)) same++
	for (l = 0; l < 32 && substr($0, l + 1, 1) == substr(prev, l + 1, 1); l++) ;
	plen += l
	for (k = 1; k <= 16; k += 2) bits += ag2[substr($0, k, 2) substr(prev, k, 2)]
}
{ prev = $0 }
END { printf "%d %d %d\n", same + 0, plen + 0, bits + 0 }' "$1"
}

# The statistics see structure: sequential ids written as 32 hex digits
# (what an unkeyed, order-keeping encoding would give) are far outside
# the tolerance of T2 and T3.
head -10000 ids | awk '{ printf "%032x\n", $1 }' >control
neighbours control >neigh
read -r same plen bits <neigh
nc=$(($(wc -l <control) - 1))
awk -v v="$same" -v n=$nc 'BEGIN { exit !((v - n / 16) / sqrt(n * 15 / 256) > 5) }' &&
    awk -v v="$plen" -v n=$nc 'BEGIN { exit !((v - n / 15) / sqrt(n * 16 / 225) > 5) }' ||
    fail "test bug: T2/T3 do not see sequential hex ids ($same, $plen)"
n=$((N - 1))
echo "# control, $((nc + 1)) sequential ids in hex: T2 $same, T3 $plen (far beyond 5 sd)"

neighbours ps >neigh
read -r same plen bits <neigh
judge "T2 neighbours with the same first hex digit" "$same" \
    "$(awk -v n=$n 'BEGIN { print n / 16 }')" \
    "$(awk -v n=$n 'BEGIN { print sqrt(n * 15 / 256) }')" 5
judge "T3 sum of neighbours' common prefix lengths" "$plen" \
    "$(awk -v n=$n 'BEGIN { print n / 15 }')" \
    "$(awk -v n=$n 'BEGIN { print sqrt(n * 16 / 225) }')" 5
judge "T4 agreeing bits of neighbours (first 64 bits)" "$bits" \
    "$(awk -v n=$n 'BEGIN { print 32 * n }')" \
    "$(awk -v n=$n 'BEGIN { print 4 * sqrt(n) }')" 5
ok "T2-T4: neighbouring IPPs share leading digits and bits no more often than chance"

# T5
chi=$(awk '{ c[substr($0, 1, 1)]++ } END {
	e = NR / 16
	for (d = 0; d < 16; d++) { o = c[substr("0123456789abcdef", d + 1, 1)]; x += (o - e) ^ 2 / e }
	printf "%.2f", x }' ps)
echo "# T5 first hex digit: chi-square $chi, 15 df (expected 15, sd 5.48; limit 56.49)"
awk -v x="$chi" 'BEGIN { exit !(x < 56.49) }' || fail "T5: first digits not uniform (chi-square $chi)"
ok "T5: the first hex digit is uniform (chi-square $chi)"

# T6, T7
awk -v r=365 '
$0 == "" || $0 + 0 == 0 { zero++ }
{ v = $0 + 0; if (v < -r || v > r) out++; c[v]++; if (NR > 1 && v == prev) same++; prev = v }
END {
	e = NR / (2 * r)
	for (v = -r; v <= r; v++) if (v != 0) x += (c[v] - e) ^ 2 / e
	printf "%d %d %.2f %d\n", zero, out, x, same }' off >offs
read -r zero out chi same <offs
echo "# T6 offsets: $zero zero, $out outside [-365, 365]; chi-square $chi, 729 df (expected 729, sd 38.18; limit 925.1)"
[ "$zero" = 0 ] && [ "$out" = 0 ] || fail "T6: an offset is 0 or out of range"
awk -v x="$chi" 'BEGIN { exit !(x < 925.1) }' || fail "T6: offsets not uniform (chi-square $chi)"
judge "T7 neighbours with the same offset" "$same" \
    "$(awk -v n=$n 'BEGIN { print n / 730 }')" \
    "$(awk -v n=$n 'BEGIN { print sqrt(n * 729) / 730 }')" 5
ok "T6-T7: offsets never 0, uniform over +-365 days (chi-square $chi), neighbours independent"
