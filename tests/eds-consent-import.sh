#!/bin/sh
# eds-consent import end to end: creating a registry, duplicates, stdin
# and gzip input, rejects with and without --allow-partial, bad headers,
# missing files, directories that are not registries, usage errors, and
# the journal.  A failed import must leave the registry byte for byte as
# it was.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/consent.sh"

R=$T/reg

cat >"$T/ev.csv" <<'CSV'
patient_id,scope,decision,recorded_at,source,expires_at
100001,primary,granted,2024-01-02T10:00:00,dpi,
100001,secondary,granted,2024-01-02T10:00:00Z,dpi,2030-01-01
100002,primary,granted,2024-01-02,dpi,
100002,secondary,refused,2024-03-01T12:00:00+01:00,portal,
CSV

run 0 eds-consent import --registry "$R" --stats "$T/st.json" "$T/ev.csv"
contains "$T/err" "imported 4 events (0 duplicates, 0 rows rejected)"
[ "$(json_get "$T/st.json" imported)" = 4 ] || fail "stats: imported"
[ "$(json_get "$T/st.json" rows_in)" = 4 ] || fail "stats: rows_in"
[ -f "$R/manifest" ] && [ -f "$R/events-000001.csv" ] &&
    [ -f "$R/index-000001.bin" ] && [ -f "$R/lock" ] ||
    fail "the registry holds manifest, log, index and lock"
[ "$(stat -c %a "$R")" = 750 ] || fail "the registry directory is 0750"
[ "$(stat -c %a "$R/manifest")" = 640 ] || fail "registry files are 0640"
head -1 "$R/manifest" | grep -qx 'eds-consent-registry 1' ||
    fail "the manifest starts with the format version"
cat >"$T/want-log" <<'CSV'
patient_id,scope,decision,recorded_at,source,expires_at
100001,primary,granted,2024-01-02T10:00:00Z,dpi,
100001,secondary,granted,2024-01-02T10:00:00Z,dpi,2030-01-01T00:00:00Z
100002,primary,granted,2024-01-02T00:00:00Z,dpi,
100002,secondary,refused,2024-03-01T11:00:00Z,portal,
CSV
same "$R/events-000001.csv" "$T/want-log"
ok "import creates the registry; the log holds the events in UTC"

snap "$R" >"$T/before"
run 0 eds-consent import -q --registry "$R" --stats "$T/st.json" "$T/ev.csv"
[ ! -s "$T/err" ] || fail "-q prints nothing"
[ "$(json_get "$T/st.json" duplicates)" = 4 ] || fail "4 duplicates"
[ "$(json_get "$T/st.json" imported)" = 0 ] || fail "nothing imported"
snap "$R" >"$T/after"
same "$T/before" "$T/after"
ok "importing the same events again counts duplicates and changes nothing"

printf 'patient_id;scope;decision;recorded_at;source\r\n100003;primary;granted;2025-01-01;dpi\r\n' |
    gzip -c >"$T/new.csv.gz"
run 0 eds-consent import --registry "$R" <"$T/new.csv.gz"
contains "$T/err" "imported 1 events"
printf 'patient_id,scope,decision,recorded_at,source\n100004,study:P-1,withdrawn,2025-01-01,dpi\n' |
    run 0 eds-consent import --registry "$R" -
contains "$T/err" "holds 6 events of 4 patients (generation 3)"
ok "standard input, gzip, semicolons and CRLF are read"

cat >"$T/bad.csv" <<'CSV'
patient_id,scope,decision,recorded_at,source
100005,primary,granted,2025-01-01,dpi
100006,primary,maybe,2025-01-01,dpi
,secondary,granted,2025-01-01,dpi
100007,care,granted,2025-01-01,dpi
100008,primary,granted,31/12/2025,dpi
100009,primary,granted,2025-01-01
CSV
snap "$R" >"$T/before"
run 65 eds-consent import --registry "$R" --rejects "$T/rej.csv" "$T/bad.csv"
contains "$T/err" "bad.csv:3: rejected (bad-decision)"
contains "$T/err" "5 of 6 rows rejected: nothing imported"
lacks "$T/err" "100006"
snap "$R" >"$T/after"
same "$T/before" "$T/after"
head -1 "$T/rej.csv" | grep -qx 'file,line,reason,column,detail,raw' ||
    fail "rejects header"
contains "$T/rej.csv" ",3,bad-decision,decision,"
contains "$T/rej.csv" ",4,empty-id,patient_id,"
contains "$T/rej.csv" ",5,bad-scope,scope,"
contains "$T/rej.csv" ",6,bad-recorded-at,recorded_at,"
contains "$T/rej.csv" ",7,column-count,,"
contains "$T/rej.csv" "100006,primary,maybe,2025-01-01,dpi"
ok "rejected rows fail the import (65), go to --rejects, registry unchanged"

run 0 eds-consent import --registry "$R" --allow-partial --stats "$T/st.json" "$T/bad.csv"
[ "$(json_get "$T/st.json" imported)" = 1 ] || fail "one valid row imported"
[ "$(json_get "$T/st.json" rows_rejected)" = 5 ] || fail "five rejected"
contains "$T/st.json" '"rejected":{"bad-decision":1,"empty-id":1,"bad-scope":1,"bad-recorded-at":1,"column-count":1}'
ok "--allow-partial imports the valid rows and counts the rejects"

snap "$R" >"$T/before"
printf 'patient,scope,decision,recorded_at,source\n1,primary,granted,2025-01-01,dpi\n' >"$T/hdr.csv"
run 65 eds-consent import --registry "$R" "$T/hdr.csv"
contains "$T/err" "hdr.csv:1: unknown column 'patient'"
printf 'patient_id,scope,decision,source\n' >"$T/hdr2.csv"
run 65 eds-consent import --registry "$R" "$T/hdr2.csv"
contains "$T/err" "hdr2.csv:1: the header lacks the column 'recorded_at'"
: >"$T/empty.csv"
run 65 eds-consent import --registry "$R" "$T/empty.csv"
contains "$T/err" "empty.csv: file is empty (expected a header row)"
run 66 eds-consent import --registry "$R" "$T/ev.csv" "$T/missing.csv"
contains "$T/err" "missing.csv"
snap "$R" >"$T/after"
same "$T/before" "$T/after"
ok "bad headers (65), empty and missing files (66) change nothing, even after a good file"

mkdir "$T/notreg" && echo mine >"$T/notreg/notes.txt"
run 73 eds-consent import --registry "$T/notreg" "$T/ev.csv"
contains "$T/err" "is not empty and holds no consent registry"
: >"$T/afile"
run 73 eds-consent import --registry "$T/afile" "$T/ev.csv"
contains "$T/err" "Not a directory"
run 73 eds-consent import --registry "$T/no/such/dir" "$T/ev.csv"
contains "$T/err" "cannot create the consent registry"
ok "a foreign directory, a file or an unreachable path is not made a registry (73)"

printf '%s\n' "eds-consent-registry 1" "broken" >"$T/reg2.manifest"
cp -r "$R" "$T/reg2" && cp "$T/reg2.manifest" "$T/reg2/manifest"
run 65 eds-consent import --registry "$T/reg2" "$T/ev.csv"
contains "$T/err" "is corrupt"
ok "import refuses to extend a corrupt registry (65)"

run 64 eds-consent import "$T/ev.csv"
contains "$T/err" "needs the registry (--registry DIR)"
run 64 eds-consent import --registry "$R" --require primary "$T/ev.csv"
contains "$T/err" "import does not take the option '--require'"
ok "usage errors (64)"

run 0 eds-consent import -q --registry "$R" --journal "$T/j.jsonl" "$T/ev.csv"
contains "$T/j.jsonl" '"tool":"eds-consent"'
contains "$T/j.jsonl" '"action":"import"'
contains "$T/j.jsonl" '"duplicates":4'
contains "$T/j.jsonl" "\"path\":\"$T/ev.csv\""
lacks "$T/j.jsonl" "100001"
ok "the journal records the import, without identifiers"
