#!/bin/sh
# eds-consent filter end to end: both regimes with one and several scopes,
# --at, --excluded, --stats and --journal (counts, never identifiers),
# another identifier column, settings files, and a registry that is
# missing, unreadable, corrupt, truncated or of another version: a clear
# error (66 or 65) and no output, never "no consent recorded".
. "$top_srcdir/tests/lib.sh"

R=$T/reg
cat >"$T/ev.csv" <<'CSV'
patient_id,scope,decision,recorded_at,source,expires_at
IPP-SECRET-A,primary,granted,2024-01-01,dpi,
IPP-SECRET-A,secondary,granted,2024-01-01,dpi,
IPP-SECRET-B,primary,granted,2024-01-01,dpi,
IPP-SECRET-B,secondary,refused,2024-01-01,portal,
IPP-SECRET-C,primary,granted,2024-01-01,dpi,
IPP-SECRET-C,secondary,granted,2024-01-01,dpi,
IPP-SECRET-C,secondary,withdrawn,2025-03-01T08:00:00Z,portal,
IPP-SECRET-D,primary,granted,2024-01-01,dpi,
IPP-SECRET-D,secondary,granted,2024-01-01,dpi,2025-06-01
IPP-SECRET-E,secondary,withdrawn,2024-01-01,portal,
CSV
run 0 eds-consent import -q --registry "$R" "$T/ev.csv"
cat >"$T/in.csv" <<'CSV'
ipp,loinc,value,comment
IPP-SECRET-A,2345-7,5.1,
IPP-SECRET-A,718-7,13.2,"fasting, morning"
IPP-SECRET-B,2345-7,6.0,
IPP-SECRET-C,2345-7,4.9,
IPP-SECRET-D,2345-7,5.5,
IPP-SECRET-E,2345-7,5.0,
IPP-SECRET-Z,2345-7,7.1,
,2345-7,5.2,
CSV

filter() {
	eds-consent filter --registry "$R" "$@"
}

run 0 filter --require primary,secondary --regime opt-in --at 2026-01-01 \
    --excluded "$T/exc.csv" --stats "$T/st.json" --journal "$T/j.jsonl" \
    "$T/in.csv"
cat >"$T/want" <<'CSV'
ipp,loinc,value,comment
IPP-SECRET-A,2345-7,5.1,
IPP-SECRET-A,718-7,13.2,"fasting, morning"
CSV
same "$T/out" "$T/want"
cat >"$T/want" <<'CSV'
ipp,loinc,value,comment,consent_reason
IPP-SECRET-B,2345-7,6.0,,refused
IPP-SECRET-C,2345-7,4.9,,withdrawn
IPP-SECRET-D,2345-7,5.5,,expired
IPP-SECRET-E,2345-7,5.0,,no-record
IPP-SECRET-Z,2345-7,7.1,,no-record
,2345-7,5.2,,empty-id
CSV
same "$T/exc.csv" "$T/want"
contains "$T/st.json" '"rows_in":8,"rows_out":2,"rows_dropped":6,"dropped":{"no-record":2,"refused":1,"withdrawn":1,"expired":1,"empty-id":1}'
contains "$T/st.json" '"consent":{"regime":"opt-in","require":["primary","secondary"],"at":"2026-01-01T23:59:59.999999Z","id_column":"ipp"'
contains "$T/err" "kept 2 of 8 rows; dropped: no-record 2, refused 1, withdrawn 1, expired 1, empty-id 1"
contains "$T/j.jsonl" '"action":"filter"'
contains "$T/j.jsonl" "\"path\":\"$R/manifest\""
for f in "$T/st.json" "$T/j.jsonl" "$T/err"; do
	lacks "$f" "IPP-SECRET"
done
ok "opt-in, two scopes: rows, excluded rows with reasons, counts without identifiers"

run 0 filter --require secondary,primary --regime opt-in --at 2026-01-01 \
    --excluded "$T/exc.csv" "$T/in.csv"
contains "$T/exc.csv" "IPP-SECRET-E,2345-7,5.0,,withdrawn"
ok "the reason is that of the first failing scope in the order given"

run 0 filter --require primary,secondary --regime opt-out --at 2026-01-01 \
    --excluded "$T/exc.csv" "$T/in.csv"
cat >"$T/want" <<'CSV'
ipp,loinc,value,comment
IPP-SECRET-A,2345-7,5.1,
IPP-SECRET-A,718-7,13.2,"fasting, morning"
IPP-SECRET-D,2345-7,5.5,
IPP-SECRET-Z,2345-7,7.1,
CSV
same "$T/out" "$T/want"
cat >"$T/want" <<'CSV'
ipp,loinc,value,comment,consent_reason
IPP-SECRET-B,2345-7,6.0,,refused
IPP-SECRET-C,2345-7,4.9,,withdrawn
IPP-SECRET-E,2345-7,5.0,,withdrawn
,2345-7,5.2,,empty-id
CSV
same "$T/exc.csv" "$T/want"
ok "opt-out, two scopes: unknown and expired pass, denials and empty ids drop"

run 0 filter --require primary --regime opt-out --at 2026-01-01 "$T/in.csv"
[ "$(count_rows "$T/out")" = 7 ] || fail "opt-out primary keeps all but the empty id"
run 0 filter --require study:NEVER --regime opt-in --at 2026-01-01 "$T/in.csv"
[ "$(count_rows "$T/out")" = 0 ] || fail "a scope never recorded keeps nobody under opt-in"
run 0 filter --require study:NEVER --regime opt-out --at 2026-01-01 "$T/in.csv"
[ "$(count_rows "$T/out")" = 7 ] || fail "and everybody with an id under opt-out"
ok "one scope, and a scope the registry never saw, in both regimes"

run 0 filter --require secondary --regime opt-in --at 2025-02-28 "$T/in.csv"
contains "$T/out" "IPP-SECRET-C"
contains "$T/out" "IPP-SECRET-D"
run 0 filter --require secondary --regime opt-in --at 2025-03-01T07:59:59Z "$T/in.csv"
contains "$T/out" "IPP-SECRET-C"
run 0 filter --require secondary --regime opt-in --at 2025-03-01 "$T/in.csv"
lacks "$T/out" "IPP-SECRET-C"
run 0 filter --require secondary --regime opt-in --at 2023-12-31 "$T/in.csv"
[ "$(count_rows "$T/out")" = 0 ] || fail "before any event nobody is allowed"
run 0 filter --require secondary --regime opt-in "$T/in.csv"
lacks "$T/out" "IPP-SECRET-D"
ok "--at: a date is the end of that day, a date-time an instant, default now"

sed 's/^ipp,/patient,/' "$T/in.csv" | run 0 filter --require primary \
    --regime opt-in --id-column patient --at 2026-01-01 -o "$T/o.csv"
[ ! -s "$T/out" ] || fail "-o writes the file, not stdout"
head -1 "$T/o.csv" | grep -qx 'patient,loinc,value,comment' || fail "header kept"
[ "$(count_rows "$T/o.csv")" = 5 ] || fail "five rows kept"
run 65 filter --require primary --regime opt-in "$T/in.csv" --id-column patient
contains "$T/err" "the header has no column 'patient'"
ok "--id-column names the identifier column; a missing one is an error (65)"

cat >"$T/settings.yaml" <<'YAML'
registry: reg
regime: opt-out
require: [primary, secondary]
at: 2026-01-01
YAML
run 0 eds-consent filter -c "$T/settings.yaml" --stats "$T/st.json" "$T/in.csv"
[ "$(count_rows "$T/out")" = 4 ] || fail "the settings' opt-out keeps 4 rows"
contains "$T/st.json" "\"config_sha256\":\"$(sha256sum <"$T/settings.yaml" | cut -c1-64)\""
run 0 eds-consent filter -c "$T/settings.yaml" --regime opt-in "$T/in.csv"
[ "$(count_rows "$T/out")" = 2 ] || fail "the command line overrides the settings"
printf 'regime: sometimes\n' >"$T/bad.yaml"
run 78 eds-consent filter -c "$T/bad.yaml" --registry "$R" "$T/in.csv"
contains "$T/err" "bad.yaml:1:"
ok "settings files give the defaults, the command line wins, bad settings are 78"

cp -r "$R" "$T/saved"
restore() { rm -rf "$R"; cp -r "$T/saved" "$R"; }
fails() {	# STATUS TEXT: the filter fails so, writing no output
	rm -f "$T/o.csv"
	run "$1" filter --require primary --regime opt-out -o "$T/o.csv" "$T/in.csv"
	contains "$T/err" "$2"
	[ ! -e "$T/o.csv" ] || fail "no output after '$2'"
	lacks "$T/err" "IPP-SECRET"
}
run 66 eds-consent filter --registry "$T/nowhere" --require primary --regime opt-out "$T/in.csv"
contains "$T/err" "no consent registry at '$T/nowhere' (no such directory)"
[ ! -s "$T/out" ] || fail "no output without a registry"
mkdir "$T/emptydir"
run 66 eds-consent filter --registry "$T/emptydir" --require primary --regime opt-out "$T/in.csv"
contains "$T/err" "no consent registry in '$T/emptydir' (it has no manifest)"
idx=$(ls "$R"/index-*.bin)
printf 'X' | dd of="$idx" bs=1 seek=2 conv=notrunc 2>/dev/null
fails 65 "fails its checksum (edited or damaged)"
restore
truncate -s -1 "$idx"
fails 65 "truncated or replaced"
restore
rm "$idx"
fails 65 "is missing"
restore
truncate -s -10 "$R"/events-000001.csv
fails 65 "truncated or appended to"
restore
# An edited log segment of the same size: the filter reads the index only
# (checked by its SHA-256) and its answers do not change; the next import,
# and eds-consent stats, refuse the registry.
printf 'X' | dd of="$R/events-000001.csv" bs=1 seek=60 conv=notrunc 2>/dev/null
run 0 eds-consent filter --registry "$R" --require primary --regime opt-out "$T/in.csv"
run 65 eds-consent stats --registry "$R"
contains "$T/err" "log segment 'events-000001.csv' fails its checksum"
restore
sed -i '1s/1$/7/' "$R/manifest"
fails 65 "has format version 7; this eds-consent reads version 1 only"
restore
sed -i 's/^patients 5/patients 4/' "$R/manifest"
fails 65 "the manifest fails its checksum"
restore
if [ "$(id -u)" != 0 ]; then
	chmod 000 "$R/manifest"
	fails 66 "cannot open '$R/manifest': Permission denied"
	restore
fi
ok "a missing, empty, edited, truncated, incomplete or other-version registry stops the filter"

printf 'ipp,v\nIPP-SECRET-A,1\nIPP-SECRET-A,"open\n' >"$T/bad.csv"
rm -f "$T/o.csv"
run 65 filter --require primary --regime opt-out -o "$T/o.csv" "$T/bad.csv"
contains "$T/err" "bad.csv:3: malformed CSV row (unterminated-quote)"
[ ! -e "$T/o.csv" ] || fail "no output after malformed input"
run 66 filter --require primary --regime opt-out "$T/missing.csv"
ok "malformed input (65) and missing input (66) leave no output"

run 64 eds-consent filter --registry "$R" --regime opt-out "$T/in.csv"
contains "$T/err" "no required scope"
run 64 eds-consent filter --registry "$R" --require primary "$T/in.csv"
contains "$T/err" "no regime"
run 64 eds-consent filter --registry "$R" --require primary,primary --regime opt-in "$T/in.csv"
contains "$T/err" "scope 'primary' is required twice"
run 64 eds-consent filter --registry "$R" --require care --regime opt-in "$T/in.csv"
contains "$T/err" "'care' is not a scope"
run 64 eds-consent filter --registry "$R" --require primary --regime opt_out "$T/in.csv"
contains "$T/err" "--regime takes opt-in or opt-out"
run 64 eds-consent filter --registry "$R" --require primary --regime opt-in --at 2026-02-30 "$T/in.csv"
contains "$T/err" "--at takes now, a date"
run 64 eds-consent filter --registry "$R" --require primary --regime opt-in --rejects x "$T/in.csv"
contains "$T/err" "filter does not take the option '--rejects'"
run 64 eds-consent filter --registry "$R" --require primary --regime opt-in "$T/in.csv" "$T/in.csv"
ok "usage errors (64)"
