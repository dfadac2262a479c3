#!/bin/sh
# No identifier leaves: every identifying value of the raw extracts (IPP,
# NDA, NIR compact, spaced and without its key, accession and examination
# numbers, study UIDs, phones, addresses, names in upper and lower case,
# with and without accents) is searched by tests/export-leaks.py in every
# byte of the bundle, and of the archive after decryption.  And the leak
# scan refuses a bundle when a policy lets a name, an IPP or an
# unscrubbed free text through: exit 65, the message names the file and
# the column, never the value, and no bundle (nor archive) is left.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_python
need_openssl
export_setup 2 80 1200

SOURCES="dpi-patients dpi-stays dpi-diagnoses dpi-acts lab radiology pathology"
spec p.yaml PROJ-L opt-out "secondary" 2026-11-27
for s in $SOURCES; do
	dataset p.yaml $s
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout r.key -out r.pem \
    -days 2 -subj "/CN=Researcher" 2>/dev/null

leak_search() {
	"$PYTHON" "$top_srcdir/tests/export-leaks.py" raw "$@" >hits 2>searched ||
	    { cat hits >&2; fail "identifier values found (see above)"; }
}

run 0 eds-export -q -P p.yaml -k k.key --registry reg -o b
[ "$(count_rows b/data/lab.csv)" -gt 500 ] || fail "test bug: too few rows kept"
leak_search $(find b -type f | sort)
contains searched "values searched in 13 files"
ok "no identifying input value in any byte of the bundle"

run 0 eds-export -q -P p.yaml -k k.key --registry reg -o e --encrypt-to r.pem
openssl cms -decrypt -inform DER -in e.tar.gz.p7m -inkey r.key -recip r.pem \
    -out e.tar.gz 2>/dev/null || fail "cannot decrypt"
gzip -dc e.tar.gz >e.tar
mkdir x && (cd x && tar -xf ../e.tar)
leak_search e.tar.gz.p7m e.tar $(find x -type f | sort)
ok "none in the encrypted archive, the decrypted tar or the files extracted from it"

# The search itself finds what it must: the raw extracts are full of them.
if "$PYTHON" "$top_srcdir/tests/export-leaks.py" raw raw/lab.csv >hits 2>&1; then
	fail "test bug: the search finds nothing in the raw extract"
fi
contains hits "raw/lab.csv: ipp"
contains hits "raw/lab.csv: full-name"
ok "(the search finds the identifiers in a raw extract)"

# refused POLICY_EDIT COLUMN: a lab policy changed by the sed expression
# POLICY_EDIT makes the export refuse the bundle at data/lab.csv, COLUMN.
n=0
refused() {
	n=$((n + 1))
	sed "$1" "$CONFIG/policies/lab.yaml" >lab-$n.yaml
	cmp -s lab-$n.yaml "$CONFIG/policies/lab.yaml" && fail "test bug: $1 changes nothing"
	spec q$n.yaml PROJ-Q$n opt-out "secondary" 2026-11-27
	dataset q$n.yaml dpi-patients
	dataset q$n.yaml lab
	sed -i "s|policy: $CONFIG/policies/lab.yaml|policy: lab-$n.yaml|" q$n.yaml
	grep -q "policy: lab-$n.yaml" q$n.yaml || fail "test bug: policy not replaced"
	shift
	run 65 eds-export -P q$n.yaml -k k.key --registry reg -o out$n "$@"
	contains "$T/err" "data/lab.csv:"
	contains "$T/err" "identifier leak: column '$COLUMN'"
	contains "$T/err" "the bundle is refused"
	"$PYTHON" "$top_srcdir/tests/export-leaks.py" raw "$T/err" >/dev/null 2>&1 ||
	    fail "the message shows an identifying value: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "something was printed as written: $(cat "$T/out")"
	no_bundle out$n
	no_temporaries out$n
}

COLUMN=last_name
refused 's/^  last_name: drop/  last_name: keep/'
ok "a policy keeping the last name: 65 naming data/lab.csv and the column, not the value; nothing left"

COLUMN=ipp
refused '/^  ipp:$/,/namespace/c\  ipp: keep'
ok "a policy keeping the IPP: refused"

COLUMN=comment
refused '/^  comment:$/,$c\  comment: keep' --archive
ok "a policy keeping the free-text comment unscrubbed: refused, no archive left"

COLUMN=first_name
refused 's/^  first_name: drop/  first_name: keep/' --encrypt-to r.pem
ok "a policy keeping the first name, encrypted: refused, no archive left"
