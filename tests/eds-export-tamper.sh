#!/bin/sh
# Our own bundles, signed and unsigned, with each file modified, deleted
# or added in turn: eds-export verify fails (65) and names the file.  Also
# the signature checked by the openssl command, the signer reported, a CA
# that did not sign refused, and the archive and encryption round trip
# (tar, openssl cms -decrypt) ending in a bag that verifies.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v openssl >/dev/null || skip "the openssl command is needed"
MKBAG=$top_builddir/tests/mkbag
[ -x "$MKBAG" ] || skip "tests/mkbag not built (make check builds it)"

cd "$T"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout signer.key -out signer.pem -days 2 \
    -subj '/CN=EDS Export Signer/O=CHU de Test' 2>/dev/null
chmod 600 signer.key
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key \
    -out other.pem -days 2 -subj '/CN=Someone Else' 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout researcher.key \
    -out researcher.pem -days 2 -subj '/CN=Researcher' 2>/dev/null
printf 'patient,year\n3f2a,2024\n9b1c,2025\n' > diag.csv
printf 'patient,loinc\n3f2a,2345-7\n' > lab.csv

make_bag() {	# make_bag NAME [mkbag options]
	name=$1
	shift
	rm -rf "$name"
	"$MKBAG" "$@" "$name" diagnoses.csv=diag.csv lab/lab.csv=lab.csv ||
	    fail "mkbag $name failed"
}

# verify_fails BAG FILE: verify exits 65 and a message names BAG/FILE.
verify_fails() {
	run 65 eds-export verify "$1"
	contains "$T/err" "$1/$2"
	contains "$T/err" "$1: not a valid bag"
}

make_bag signed -k signer.key -c signer.pem
run 0 eds-export verify signed
contains "$T/out" "signed: valid BagIt 1.0 bag (EDS bundle): 4 payload files"
contains "$T/out" "signature good, signer CN=EDS Export Signer,O=CHU de Test"
contains "$T/out" "not checked against a CA"
lacks "$T/err" "warning"
ok "a signed bundle verifies and names its signer"

run 0 eds-export verify --ca signer.pem signed
contains "$T/out" "trusted through the given CA"
run 65 eds-export verify --ca other.pem signed
contains "$T/err" "signed/tagmanifest-sha256.txt.p7s: the signer's certificate does not chain"
ok "--ca accepts the signer's CA and refuses another"

openssl cms -verify -binary -inform DER -in signed/tagmanifest-sha256.txt.p7s \
    -content signed/tagmanifest-sha256.txt -CAfile signer.pem -purpose any \
    -out /dev/null 2>"$T/err" || { cat "$T/err"; fail "openssl cms -verify refused our signature"; }
ok "openssl cms -verify accepts the signature (as documented)"

# Modify each file in turn.
for f in data/diagnoses.csv data/lab/lab.csv data/dictionary.csv \
    data/provenance.json manifest-sha256.txt bag-info.txt bagit.txt \
    tagmanifest-sha256.txt tagmanifest-sha256.txt.p7s; do
	rm -rf t && cp -R signed t
	chmod u+w "t/$f"
	printf 'x' >> "t/$f"
	verify_fails t "$f"
done
ok "modifying any file of a signed bundle fails verify, naming the file"

# Delete each file in turn.
for f in data/diagnoses.csv data/lab/lab.csv manifest-sha256.txt \
    bag-info.txt bagit.txt tagmanifest-sha256.txt \
    tagmanifest-sha256.txt.p7s; do
	rm -rf t && cp -R signed t
	rm "t/$f"
	verify_fails t "$f"
done
ok "deleting any file of a signed bundle fails verify, naming the file"

# Add a file in the payload, at the top, in a tag directory, or a manifest.
for f in data/extra.csv data/lab/extra.csv notes.txt meta/extra.txt \
    manifest-md5.txt; do
	rm -rf t && cp -R signed t
	mkdir -p "t/$(dirname "$f")"
	printf 'hello\n' > "t/$f"
	verify_fails t "$f"
done
ok "adding a file to a signed bundle fails verify, naming the file"

# Unsigned bundles: the same, except for the signature.
make_bag plain
run 0 eds-export verify plain
contains "$T/out" "plain: not signed"
for f in data/diagnoses.csv manifest-sha256.txt bag-info.txt \
    tagmanifest-sha256.txt; do
	rm -rf t && cp -R plain t
	printf 'x' >> "t/$f"
	verify_fails t "$f"
	rm -rf t && cp -R plain t
	rm "t/$f"
	verify_fails t "$f"
done
rm -rf t && cp -R plain t && printf 'x\n' > t/README.txt
verify_fails t README.txt
ok "an unsigned bundle also fails verify when a file is modified, deleted or added"

# A tag manifest consistent with a changed bag-info still breaks the signature.
rm -rf t && cp -R signed t
sed 's/^EDS-Key-Id: .*/EDS-Key-Id: ffffffffffffffff/' t/bag-info.txt > t/bi &&
    mv t/bi t/bag-info.txt
sum=$(sha256sum t/bag-info.txt | cut -c1-64)
sed "s/^[0-9a-f]*  bag-info.txt\$/$sum  bag-info.txt/" \
    t/tagmanifest-sha256.txt > t/tm && mv t/tm t/tagmanifest-sha256.txt
run 65 eds-export verify t
contains "$T/err" "t/tagmanifest-sha256.txt: does not match its signature"
lacks "$T/err" "t/bag-info.txt"
ok "re-hashing a tampered bag-info into the tag manifest is caught by the signature"

# Never overwrite; --force-style replacement is the library's flag.
run 73 "$MKBAG" plain diagnoses.csv=diag.csv
contains "$T/err" "'plain' already exists"
run 0 eds-export verify plain
ok "an existing bundle is not overwritten"

# Archive, encrypt, decrypt with openssl, extract with tar, verify.
make_bag PROJ -k signer.key -c signer.pem -a PROJ.tar.gz -e researcher.pem -e other.pem
[ -f PROJ.tar.gz.p7m ] || fail "no encrypted archive"
openssl cms -decrypt -inform DER -in PROJ.tar.gz.p7m -inkey researcher.key \
    -recip researcher.pem -out dec.tar.gz 2>"$T/err" || { cat "$T/err"; fail "decrypt"; }
same dec.tar.gz PROJ.tar.gz
openssl cms -decrypt -inform DER -in PROJ.tar.gz.p7m -inkey other.key \
    -recip other.pem -out dec2.tar.gz 2>"$T/err" || { cat "$T/err"; fail "decrypt 2"; }
same dec2.tar.gz PROJ.tar.gz
mkdir x && (cd x && tar -xzf ../dec.tar.gz)
run 0 eds-export verify x/PROJ
contains "$T/out" "signature good"
ok "archive, encrypt for two recipients, openssl cms -decrypt, tar -x, verify"
