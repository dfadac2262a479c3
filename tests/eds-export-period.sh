#!/bin/sh
# The project period: rows whose event date falls outside it are dropped
# and counted as out-of-period, rows without an event date as no-date,
# before consent; both bounds are inclusive days (a sample taken at 23:50
# on the last day is in).  The counts and the rows kept are compared with
# tests/export-model.py, which reads the raw extracts' dates itself; the
# bounds are days on which events happened.  A dataset without
# date_column is not filtered.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_python
export_setup 5 120 1500

# Two days with laboratory samples, as bounds: the 100th and 900th rows'.
day() {
	"$PYTHON" - "$1" <<'EOF'
import csv, datetime, sys
r = csv.reader(open("raw/lab.csv", newline="", encoding="cp1252"),
               delimiter=";")
next(r)
for i, row in enumerate(r):
    if i == int(sys.argv[1]):
        print(datetime.datetime.strptime(row[6][:10], "%d/%m/%Y").date())
EOF
}
d1=$(day 100)
d2=$(day 900)
if [ "$d1" \> "$d2" ]; then
	from=$d2 to=$d1
else
	from=$d1 to=$d2
fi
[ -n "$from" ] && [ "$from" != "$to" ] || fail "test bug: no bounds ($from, $to)"

n=0
check_period() {	# FROM TO
	n=$((n + 1))
	DOMAIN=PER-$n
	spec p$n.yaml "$DOMAIN" opt-out "secondary" 2026-11-27 "$1" "$2"
	for s in dpi-patients dpi-stays lab dpi-diagnoses; do
		dataset p$n.yaml $s
	done
	run 0 eds-export -q -P p$n.yaml -k k.key --registry reg -o b$n \
	    --stats s$n.json
	for s in dpi-patients dpi-stays lab dpi-diagnoses; do
		ds=${s#dpi-}
		model $s opt-out secondary 2026-11-27 "$1" "$2" \
		    want-$n-$ds.ids >want-$n-$ds.json
		prov_counts b$n $ds >got-$n-$ds.json
		same want-$n-$ds.json got-$n-$ds.json
		column b$n/data/$ds.csv ipp >got-$n-$ds.ids
		same want-$n-$ds.ids got-$n-$ds.ids
	done
}

check_period "$from" "$to"
contains want-1-lab.json '"out-of-period"'
contains want-1-patients.json '"no-date"'
contains want-1-stays.json '"out-of-period"'
grep -Eq "\"start\": ?\"$from\"" b1/data/provenance.json ||
    fail "provenance.json does not give the period's start"
ok "period $from to $to: out-of-period and no-date counted as the model says"

check_period "$from" -
lacks want-2-lab.json '"no-date"'
ok "a period open at its end"

check_period - "$to"
ok "a period open at its start"

# The bound days are inclusive: the model keeps (or excludes by consent)
# every row of the first and last days, and so does the bundle.
check_period "$to" "$to"
[ "$(json_get want-4-lab.json rows_out)" -gt 0 ] ||
    [ "$(sed -n 's/.*"refused":\([0-9]*\).*/\1/p' want-4-lab.json)" ] ||
    [ "$(sed -n 's/.*"withdrawn":\([0-9]*\).*/\1/p' want-4-lab.json)" ] ||
    fail "test bug: no row on the one-day period $to"
ok "a one-day period keeps that whole day"

# A dataset without date_column is not filtered by the period.
DOMAIN=PER-5
spec p5.yaml "$DOMAIN" opt-out "secondary" 2026-11-27 "$from" "$to"
printf '  - name: lab\n    schema: %s/sources/lab.yaml\n    policy: %s/policies/lab.yaml\n    inputs: [raw/lab.csv]\n' \
    "$CONFIG" "$CONFIG" >>p5.yaml
run 0 eds-export -q -P p5.yaml -k k.key --registry reg -o b5
model lab opt-out secondary 2026-11-27 - - >want-5.json
prov_counts b5 lab >got-5.json
same want-5.json got-5.json
ok "a dataset without date_column is not filtered by the period"

# A date column that the data does not have is a configuration error.
spec p6.yaml P6 opt-out "secondary" 2026-11-27 "$from" "$to"
printf '  - name: lab\n    schema: %s/sources/lab.yaml\n    policy: %s/policies/lab.yaml\n    inputs: [raw/lab.csv]\n    date_column: when\n' \
    "$CONFIG" "$CONFIG" >>p6.yaml
run 78 eds-export -q -P p6.yaml -k k.key --registry reg -o b6
contains "$T/err" "p6.yaml"
contains "$T/err" "'when'"
no_bundle b6
no_temporaries b6
ok "an unknown date column is 78, naming the specification and the column"
