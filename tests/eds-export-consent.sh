#!/bin/sh
# The rows of a bundle are exactly those whose patients are allowed under
# the project's regime, required scopes and as-of time: computed here from
# the generator's consent events by tests/export-model.py (DESIGN section 5
# written in Python, not our code), for opt-in and opt-out, two scopes in
# either order, a study scope, a past as-of date and a date-time with an
# offset.  The exclusions counted per reason in provenance.json and in
# --stats match, and the kept rows are the same rows in the same order
# (their patient pseudonyms, computed by the model from DESIGN section 4).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_python
export_setup 3 150 1500

n=0
check_config() {	# REGIME SCOPES AT
	n=$((n + 1))
	DOMAIN=PROJ-C$n
	spec p$n.yaml "$DOMAIN" "$1" "$2" "$3"
	for s in dpi-patients lab radiology; do
		dataset p$n.yaml $s
	done
	run 0 eds-export -q -P p$n.yaml -k k.key --registry reg -o b$n \
	    --stats s$n.json
	scopes=$(printf '%s' "$2" | tr -d ' "')
	total_in=0 total_out=0
	for s in dpi-patients lab radiology; do
		ds=${s#dpi-}
		model $s "$1" "$scopes" "$3" - - want-$n-$ds.ids >want-$n-$ds.json
		prov_counts b$n $ds >got-$n-$ds.json
		same want-$n-$ds.json got-$n-$ds.json
		column b$n/data/$ds.csv ipp >got-$n-$ds.ids
		same want-$n-$ds.ids got-$n-$ds.ids
		total_in=$((total_in + $(json_get want-$n-$ds.json rows_in)))
		total_out=$((total_out + $(json_get want-$n-$ds.json rows_out)))
	done
	[ "$(json_get s$n.json rows_in)" = $total_in ] ||
	    fail "--stats rows_in is not $total_in"
	[ "$(json_get s$n.json rows_out)" = $total_out ] ||
	    fail "--stats rows_out is not $total_out"
	contains b$n/bag-info.txt "EDS-Consent-Regime: $1"
	contains b$n/bag-info.txt "EDS-Consent-Scopes: $scopes"
}

check_config opt-in "primary, secondary" 2026-11-27
contains want-1-lab.json '"no-record"'
contains want-1-lab.json '"refused"'
contains want-1-lab.json '"withdrawn"'
contains want-1-lab.json '"expired"'
ok "opt-in, primary and secondary: the rows of allowed patients, counted by reason"

check_config opt-out "secondary, primary" 2026-11-27
lacks want-2-lab.json '"no-record"'
lacks want-2-lab.json '"expired"'
cmp -s want-1-lab.ids want-2-lab.ids && fail "test bug: opt-in and opt-out keep the same rows"
ok "opt-out, secondary then primary: unknown passes, refusals and withdrawals do not"

check_config opt-in 'secondary, "study:PROJ-2026-014"' 2026-11-27
ok "opt-in with a study scope"

check_config opt-out "primary, secondary" 2021-06-30
cmp -s want-2-lab.json want-4-lab.json && fail "test bug: the as-of date changes nothing"
ok "opt-out as of a past date: only the events recorded by then count"

check_config opt-in "secondary" 2025-03-01T08:30:00+02:00
ok "opt-in as of a date-time with an offset"

# Reasons are those of the first failing scope, in the order given: the
# same data and scopes in the other order count differently.
check_config opt-in "secondary, primary" 2026-11-27
[ "$(json_get want-1-lab.json rows_out)" = \
    "$(json_get want-6-lab.json rows_out)" ] ||
    fail "test bug: the scope order changes the rows kept under opt-in"
cmp -s want-1-lab.json want-6-lab.json &&
    fail "test bug: the scope order changes no reason"
ok "the reason counted is that of the first failing scope, in the order given"

# A required scope nobody has decided about excludes nobody under opt-out:
# the run says so on stderr and in --stats, without stopping; a misspelt
# primary or secondary scope is refused before any work.
spec pw.yaml PROJ-W opt-out 'primary, "study:NOBODY-1"' 2026-11-27
dataset pw.yaml lab
run 0 eds-export -P pw.yaml -k k.key --registry reg -o bw --stats sw.json
contains "$T/err" "warning: no consent decision in the registry is about the required scope 'study:NOBODY-1': under opt-out it excludes nobody"
contains sw.json '"scopes_without_decisions":["study:NOBODY-1"]'
spec px.yaml PROJ-X opt-out 'primary, secondry' 2026-11-27
dataset px.yaml lab
run 78 eds-export -P px.yaml -k k.key --registry reg -o bx
contains "$T/err" "'secondry' is not a consent scope"
[ ! -e bx ] || fail "a refused spec left a bundle"
ok "an unknown study scope is reported, a misspelt scope refused"
