#!/bin/sh
# The NIRs eds-gen writes are valid (DESIGN section 8), checked by a rule
# written here (2A -> 19, 2B -> 18, key = 97 - N mod 97) that is itself
# checked against the published vectors; they agree with the patient's
# sex and birth date, and include Corsica, overseas, born-abroad and
# spaced forms.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

# nir_check: reads NIRs (spaces allowed), prints "valid" or "invalid" for each.
nir_check() {
	awk '{
		s = $0; gsub(/[ .]/, "", s)
		if (length(s) != 15 || s !~ /^[1-478][0-9][0-9][0-9][0-9]([0-9][0-9]|2[AB])[0-9]+$/) { print "invalid"; next }
		body = substr(s, 1, 13)
		sub(/^.....2A/, substr(body, 1, 5) "19", body)
		sub(/^.....2B/, substr(body, 1, 5) "18", body)
		r = 0
		for (i = 1; i <= length(body); i++) r = (r * 10 + substr(body, i, 1)) % 97
		print (97 - r == substr(s, 14, 2) + 0) ? "valid" : "invalid"
	}'
}

# The checker agrees with the published vectors.
v=$(vectors)
grep -v '^#' "$v/nir.txt" | awk -F' [|] ' '$2 == "valid" || $2 == "invalid" { print $1 "|" $2 }' >"$T/vec"
[ -s "$T/vec" ] || fail "no NIR vectors read"
cut -d'|' -f1 "$T/vec" | nir_check >"$T/vec.got"
cut -d'|' -f2 "$T/vec" >"$T/vec.want"
same "$T/vec.want" "$T/vec.got"
ok "the NIR rule of this test agrees with the published vectors ($(wc -l <"$T/vec") cases)"

run 0 eds-gen -q -o "$T/g" -s 5 -p 3000 -n 6000 --only dpi-patients,lab

# dpi-patients: IPP;NIR;NOM;PRENOM;SEXE;DATE_NAISSANCE;...
awk -F';' 'NR > 1 && $2 != "" { print $2 }' "$T/g/dpi-patients.csv" >"$T/p.nir"
[ "$(wc -l <"$T/p.nir")" -gt 2700 ] || fail "too few patients have a NIR"
if nir_check <"$T/p.nir" | grep -q invalid; then
	paste "$T/p.nir" - <"$T/p.nir" | head >&2
	fail "dpi-patients.csv holds an invalid NIR"
fi
ok "every NIR of dpi-patients.csv is valid"

grep -q '^.....2A' "$T/p.nir" || fail "no NIR born in Corse-du-Sud (2A)"
grep -q '^.....2B' "$T/p.nir" || fail "no NIR born in Haute-Corse (2B)"
grep -q '^.....97[1-6]' "$T/p.nir" || fail "no NIR born overseas (97x)"
grep -q '^.....99' "$T/p.nir" || fail "no NIR born abroad (99)"
ok "NIRs include Corsica 2A/2B, overseas and born abroad"

# Sex digit and birth year/month agree with SEXE and DATE_NAISSANCE.
awk -F';' 'NR > 1 && $2 != "" {
	split($6, d, "/")
	sex = substr($2, 1, 1)
	if (($5 == "M" && sex != 1) || ($5 == "F" && sex != 2)) { print "sex: " $0; bad++ }
	if (substr($2, 2, 2) != substr(d[3], 3, 2) || substr($2, 4, 2) != d[2]) { print "birth: " $0; bad++ }
} END { exit bad > 0 }' "$T/g/dpi-patients.csv" >"$T/mismatch" ||
    { head -3 "$T/mismatch" >&2; fail "a NIR disagrees with its patient's sex or birth date"; }
ok "each NIR agrees with the patient's sex and birth year and month"

# lab: NIR in column 3, sometimes with spaces.
awk -F';' 'NR > 1 && $3 != "" { print $3 }' "$T/g/lab.csv" >"$T/l.nir"
grep -q ' ' "$T/l.nir" || fail "no NIR written with spaces in lab.csv"
if nir_check <"$T/l.nir" | grep -q invalid; then fail "lab.csv holds an invalid NIR"; fi
ok "every NIR of lab.csv is valid, spaced or not"

# Injected bad keys are invalid by the same rule.
run 0 eds-gen -q -o "$T/b" -s 5 -p 3000 -n 6000 --only lab --bad-rate 0.05 --truth "$T/truth.csv"
awk -F, '$4 == "bad-nir" { print $3 }' "$T/truth.csv" >"$T/badlines"
[ -s "$T/badlines" ] || fail "no bad NIR injected"
awk -F';' 'NR == FNR { want[$1] = 1; next } FNR in want { print $3 }' "$T/badlines" "$T/b/lab.csv" >"$T/b.nir"
[ "$(wc -l <"$T/b.nir")" = "$(wc -l <"$T/badlines")" ] || fail "bad-nir lines not found"
if nir_check <"$T/b.nir" | grep -q '^valid'; then fail "an injected bad NIR has a valid key"; fi
ok "injected bad NIRs fail the rule"
