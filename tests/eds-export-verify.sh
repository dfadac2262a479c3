#!/bin/sh
# eds-export's command line: -h matches the man page SYNOPSIS, --version,
# usage errors (no subcommand, an unknown one, a missing project), and verify's exit statuses for a good bag, a missing one, a
# file, an archive, plus --stats and --journal.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

MKBAG=$top_builddir/tests/mkbag
[ -x "$MKBAG" ] || skip "tests/mkbag not built (make check builds it)"

run 0 eds-export -h
contains "$T/out" "usage: eds-export -P SPEC"
# (-h against the man page's SYNOPSIS: tests/man-synopsis.sh)
run 0 eds-export verify -h
run 0 eds-export --version
contains "$T/out" "eds-export (eds-tools) "

run 64 eds-export
contains "$T/err" "usage: eds-export -P SPEC"
run 64 eds-export frobnicate
contains "$T/err" "unknown subcommand 'frobnicate': the subcommands are merge, verify and journal"
run 66 eds-export -P "$T/nonexistent.yaml" -k key --registry reg -o "$T/out.bag"
contains "$T/err" "cannot open '$T/nonexistent.yaml'"
run 64 eds-export journal
contains "$T/err" "journal needs 'verify' or 'show'"
run 64 eds-export verify
contains "$T/err" "verify takes exactly one BUNDLE"
run 64 eds-export verify a b
run 64 eds-export journal show --ca x.pem j
contains "$T/err" "--ca belongs to verify"
run 64 eds-export verify --project X bag
contains "$T/err" "--project belongs to journal show"
ok "usage errors exit 64 and say which subcommands exist"

run 66 eds-export verify "$T/nothing"
contains "$T/err" "cannot open bundle '$T/nothing': No such file or directory"
printf 'x' > "$T/file.tar.gz"
run 66 eds-export verify "$T/file.tar.gz"
contains "$T/err" "is not a directory (extract an archive"
ok "a missing bundle or a file exits 66"

cd "$T"
printf 'a,b\n1,2\n' > x.csv
"$MKBAG" B x.csv=x.csv sub/y.csv=x.csv
run 0 eds-export verify B/
contains "$T/out" "B: valid BagIt 1.0 bag (EDS bundle): 4 payload files"
contains "$T/out" "B: not signed"
[ ! -s "$T/err" ] || fail "warnings on our own bag: $(cat "$T/err")"
run 0 eds-export verify -q B
[ ! -s "$T/out" ] || fail "-q printed: $(cat "$T/out")"
ok "our bag verifies cleanly, -q prints nothing"

run 0 eds-export verify --stats stats.json --journal j.jsonl B
contains stats.json '"payload_files":4'
contains stats.json '"errors":0'
contains j.jsonl '"tool":"eds-export"'
contains j.jsonl '"action":"verify"'
# The bundle is recorded by the SHA-256 of its tag manifest.
contains j.jsonl "\"sha256\":\"$(sha256sum < B/tagmanifest-sha256.txt | cut -c1-64)\""
chmod u+w B/data/x.csv && printf 'tampered' >> B/data/x.csv
run 65 eds-export verify --stats stats.json --journal j.jsonl B
contains "$T/err" "B/data/x.csv: sha256 checksum does not match manifest-sha256.txt line 4"
contains "$T/err" "B/bag-info.txt: Payload-Oxum says"
contains "$T/err" "B: not a valid bag: 2 errors, 0 warnings"
contains stats.json '"errors":2'
run 0 eds-export journal verify j.jsonl
contains "$T/out" "j.jsonl: 2 lines, chain intact"
ok "--stats and --journal record verifications, good and bad"
