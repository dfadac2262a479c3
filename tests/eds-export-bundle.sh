#!/bin/sh
# The bundle of a real export: every payload and tag file matches its
# manifest (checked with sha256sum, not with our verifier), Payload-Oxum
# is right, eds-export verify accepts it and reports the signer, and
# tampering with any payload file, the manifest, the tag manifest,
# bag-info.txt, bagit.txt or the signature makes verify fail naming the
# file.  --archive leaves only a deterministic BUNDLE.tar.gz; --encrypt-to
# with two recipients leaves only BUNDLE.tar.gz.p7m, which each recipient
# opens with openssl cms -decrypt, tar -xzf and verify, and a third party
# cannot.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/export.sh"

need_openssl
command -v sha256sum >/dev/null || skip "sha256sum is needed"
export_setup 11 80 1000

spec p.yaml PROJ-B opt-out "primary, secondary" 2026-11-27 2019-01-01 2026-11-27
for s in dpi-patients dpi-stays lab radiology pathology; do
	dataset p.yaml $s
done

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout signer.key -out signer.pem -days 2 \
    -subj '/CN=EDS Export Test/O=CHU de Test' 2>/dev/null
chmod 600 signer.key
for r in alice bob eve; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout $r.key -out $r.pem \
	    -days 2 -subj "/CN=Researcher $r" 2>/dev/null
done

# manifest_ok BAG: sha256sum agrees with both manifests, the payload
# manifest lists exactly the files under data/, and Payload-Oxum is right.
manifest_ok() {
	(cd "$1" && sha256sum --quiet -c manifest-sha256.txt) ||
	    fail "$1: a payload file does not match manifest-sha256.txt"
	(cd "$1" && sha256sum --quiet -c tagmanifest-sha256.txt) ||
	    fail "$1: a tag file does not match tagmanifest-sha256.txt"
	(cd "$1" && find data -type f | sort) >listed-files
	sed 's/^[0-9a-f]*  //' "$1/manifest-sha256.txt" | sort >manifest-files
	same listed-files manifest-files
	for f in bagit.txt bag-info.txt manifest-sha256.txt; do
		grep -q "  $f\$" "$1/tagmanifest-sha256.txt" ||
		    fail "$1: $f is not in the tag manifest"
	done
	bytes=$(cd "$1" && find data -type f -exec cat {} + | wc -c)
	files=$(wc -l <listed-files)
	contains "$1/bag-info.txt" "Payload-Oxum: $((bytes)).$((files))"
}

run 0 eds-export -P p.yaml -k k.key --registry reg -o signed \
    --sign-key signer.key --sign-cert signer.pem --bagging-date 2026-11-28
contains "$T/out" signed
[ -f signed/tagmanifest-sha256.txt.p7s ] || fail "no signature"
for f in patients stays lab radiology pathology dictionary; do
	[ -f signed/data/$f.csv ] || fail "no data/$f.csv"
done
[ -f signed/data/provenance.json ] || fail "no data/provenance.json"
manifest_ok signed
contains signed/bag-info.txt "Bagging-Date: 2026-11-28"
contains signed/bag-info.txt "External-Identifier: PROJ-B"
contains signed/bag-info.txt "EDS-Approval-Reference: CSE-PROJ-B"
contains signed/bag-info.txt "EDS-Key-Id: "
ok "every data file and tag file matches its manifest; Payload-Oxum is right"

run 0 eds-export verify signed
contains "$T/out" "signed: valid BagIt 1.0 bag (EDS bundle): 7 payload files"
contains "$T/out" "signature good, signer CN=EDS Export Test,O=CHU de Test"
run 0 eds-export verify --ca signer.pem signed
contains "$T/out" "trusted through the given CA"
openssl cms -verify -binary -inform DER -in signed/tagmanifest-sha256.txt.p7s \
    -content signed/tagmanifest-sha256.txt -CAfile signer.pem -purpose any \
    -out /dev/null 2>"$T/err" || fail "openssl cms -verify refused the signature"
ok "verify accepts the signed bundle and reports the signer; openssl agrees"

# Tampering with each file in turn.
for f in $(cd signed && find data -type f | sort) manifest-sha256.txt \
    tagmanifest-sha256.txt bag-info.txt bagit.txt tagmanifest-sha256.txt.p7s; do
	rm -rf t && cp -R signed t
	chmod -R u+w t
	printf 'x' >>"t/$f"
	run 65 eds-export verify t
	contains "$T/err" "t/$f"
done
ok "appending a byte to any payload file, manifest, tag manifest, bag-info, bagit.txt or the signature fails verify, naming it"

# Changing a byte in place (same size, so Payload-Oxum still holds).
rm -rf t && cp -R signed t && chmod -R u+w t
sed -i '2s/./Z/' t/data/lab.csv
run 65 eds-export verify t
contains "$T/err" "t/data/lab.csv"
# A consistent forgery: the manifests recomputed, the signature kept.
rm -rf t && cp -R signed t && chmod -R u+w t
sed -i '2s/./Z/' t/data/lab.csv
(cd t && sha256sum $(sed 's/^[0-9a-f]*  //' manifest-sha256.txt) >manifest-sha256.txt &&
    sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
run 65 eds-export verify t
contains "$T/err" "t/tagmanifest-sha256.txt: does not match its signature"
ok "a changed byte fails verify; re-computed manifests fail on the signature"

# Deleting the signature of a signed bundle is noticed (bag-info says so).
rm -rf t && cp -R signed t && chmod -R u+w t
rm t/tagmanifest-sha256.txt.p7s
run 65 eds-export verify t
contains "$T/err" "t/tagmanifest-sha256.txt.p7s"
ok "a removed signature fails verify"

# --archive: only the deterministic archive remains.
run 0 eds-export -P p.yaml -k k.key --registry reg -o arch --archive \
    --bagging-date 2026-11-28
contains "$T/out" "arch.tar.gz"
[ -f arch.tar.gz ] || fail "no arch.tar.gz"
no_temporaries arch
[ ! -e arch ] || fail "the bundle directory remains beside the archive"
tar -tvzf arch.tar.gz >listing
tar -tzf arch.tar.gz >names
sort names >sorted-names
same names sorted-names
awk '$2 != "0/0" { print; bad = 1 } END { exit bad }' listing ||
    fail "archive entries not owned by 0/0"
mkdir x && (cd x && tar -xzf ../arch.tar.gz)
run 0 eds-export verify x/arch
manifest_ok x/arch
for f in $(cd signed && find data -type f | sort); do
	same signed/$f x/arch/$f
done
mv arch.tar.gz arch1.tar.gz
run 0 eds-export -q -P p.yaml -k k.key --registry reg -o arch --archive \
    --bagging-date 2026-11-28
same arch1.tar.gz arch.tar.gz
ok "--archive leaves only a sorted, 0/0-owned, reproducible tar.gz that extracts to a valid bag"

# --encrypt-to, twice: each recipient opens it; a third party cannot.
run 0 eds-export -P p.yaml -k k.key --registry reg -o enc \
    --encrypt-to alice.pem --encrypt-to bob.pem \
    --sign-key signer.key --sign-cert signer.pem --bagging-date 2026-11-28
contains "$T/out" "enc.tar.gz.p7m"
[ -f enc.tar.gz.p7m ] || fail "no enc.tar.gz.p7m"
[ ! -e enc ] && [ ! -e enc.tar.gz ] || fail "a plaintext bundle remains"
no_temporaries enc
ls -a >all-files
grep -q '^enc' all-files && [ "$(grep -c '^enc' all-files)" = 1 ] ||
    fail "more than the .p7m is left: $(grep enc all-files)"
for r in alice bob; do
	rm -rf "open-$r" && mkdir "open-$r"
	openssl cms -decrypt -inform DER -in enc.tar.gz.p7m -inkey $r.key \
	    -recip $r.pem -out "open-$r/enc.tar.gz" 2>"$T/err" ||
	    { cat "$T/err"; fail "$r cannot decrypt"; }
	(cd "open-$r" && tar -xzf enc.tar.gz) || fail "$r: tar -xzf failed"
	run 0 eds-export verify "open-$r/enc"
	contains "$T/out" "signature good, signer CN=EDS Export Test"
	manifest_ok "open-$r/enc"
	for f in $(cd signed && find data -type f | sort); do
		same signed/$f "open-$r/enc/$f"
	done
done
same open-alice/enc.tar.gz open-bob/enc.tar.gz
if openssl cms -decrypt -inform DER -in enc.tar.gz.p7m -inkey eve.key \
    -recip eve.pem -out eve.tar.gz 2>/dev/null; then
	fail "a third party decrypted the bundle"
fi
ok "--encrypt-to two recipients: only the .p7m remains; each opens it (openssl cms -decrypt, tar -xzf, verify); eve cannot"
