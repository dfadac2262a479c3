#!/bin/sh
# One process per dataset is the same as the separate tools chained with
# pipes: for every generated source (identities, stays, diagnoses, acts,
# laboratory with free text, radiology with UIDs, pathology),
#     eds-ingest -c SCHEMA RAW | eds-consent filter ... | eds-pseudo ...
# writes exactly the bytes of the bundle's data file when the project has
# no period, column selection or k-anonymity; also under opt-in, with a
# pseudonym domain set in the specification, and gzipped.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

export_setup 6 80 1200
SOURCES="dpi-patients dpi-stays dpi-diagnoses dpi-acts lab radiology pathology"

# piped SOURCE REGIME SCOPES AT DOMAIN OUT: the tools chained.
piped() {
	source_layout "$1"
	eds-ingest -q -c "$CONFIG/sources/$1.yaml" "raw/$L_FILE" |
	    eds-consent filter -q --registry reg --require "$3" --regime "$2" \
	    --at "$4" |
	    eds-pseudo -q -p "$CONFIG/policies/$1.yaml" -k k.key \
	    --domain "$5" >"$6" || fail "the pipe for $1 failed"
}

spec p1.yaml PROJ-PIPE opt-out "primary, secondary" 2026-11-27
for s in $SOURCES; do
	dataset p1.yaml $s
done
run 0 eds-export -q -P p1.yaml -k k.key --registry reg -o b1
for s in $SOURCES; do
	piped $s opt-out primary,secondary 2026-11-27 PROJ-PIPE $s.piped
	[ "$(count_rows $s.piped)" -gt 0 ] || fail "test bug: nothing kept of $s"
	same $s.piped "b1/data/${s#dpi-}.csv"
done
ok "opt-out: every dataset's data file is byte-identical to the tools' pipe"

spec p2.yaml PROJ-PIPE2 opt-in "secondary" 2026-06-30
sed -i 's/^title:/domain: shared-cohort\ntitle:/' p2.yaml
printf 'output:\n  gzip: true\n' >p2-output
for s in lab radiology; do
	dataset p2.yaml $s
done
cat p2-output >>p2.yaml
run 0 eds-export -q -P p2.yaml -k k.key --registry reg -o b2
for s in lab radiology; do
	piped $s opt-in secondary 2026-06-30 shared-cohort $s.piped2
	[ -f b2/data/$s.csv.gz ] || fail "no data/$s.csv.gz"
	gzip -dc b2/data/$s.csv.gz >$s.gunzipped
	same $s.piped2 $s.gunzipped
done
cmp -s lab.piped lab.piped2 && fail "test bug: the two projects give the same lab file"
ok "opt-in, a domain set in the specification, gzipped: the same bytes as the pipe"
