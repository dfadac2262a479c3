#!/bin/sh
# eds-consent status (for the DPO: state per scope as of a date, when and
# from which source, the full history) and eds-consent stats.
. "$top_srcdir/tests/lib.sh"

R=$T/reg
cat >"$T/ev.csv" <<'CSV'
patient_id,scope,decision,recorded_at,source,expires_at
123456,primary,granted,2024-01-02T10:00:00Z,dpi,
123456,secondary,granted,2024-01-02T10:00:00Z,dpi,
123456,secondary,withdrawn,2025-03-04,portal,
123456,secondary,granted,2025-09-01,portal,
123456,study:PROJ-2026-014,granted,2024-05-01,cse,2025-05-01
654321,primary,refused,2024-01-01,dpi,
CSV
run 0 eds-consent import -q --registry "$R" "$T/ev.csv"

run 0 eds-consent status --registry "$R" --at 2025-06-01 123456
cat >"$T/want" <<'TXT'
patient 123456 as of 2025-06-01T23:59:59.999999Z
  scope                status               decision   recorded_at                  expires_at                   source
  primary              allowed              granted    2024-01-02T10:00:00Z         -                            dpi
  secondary            denied (withdrawn)   withdrawn  2025-03-04T00:00:00Z         -                            portal
  study:PROJ-2026-014  unknown (expired)    granted    2024-05-01T00:00:00Z         2025-05-01T00:00:00Z         cse
  history (5 events, oldest first):
    recorded_at                  scope                decision   expires_at                   source
    2024-01-02T10:00:00Z         primary              granted    -                            dpi
    2024-01-02T10:00:00Z         secondary            granted    -                            dpi
    2024-05-01T00:00:00Z         study:PROJ-2026-014  granted    2025-05-01T00:00:00Z         cse
    2025-03-04T00:00:00Z         secondary            withdrawn  -                            portal
    2025-09-01T00:00:00Z         secondary            granted    -                            portal  (after the as-of time)
TXT
same "$T/out" "$T/want"
ok "status: state per scope as of a date, with when and from which source, and the full history"

run 0 eds-consent status --registry "$R" --at 2025-10-01 --scope secondary 123456 999
cat >"$T/want" <<'TXT'
patient 123456 as of 2025-10-01T23:59:59.999999Z
  scope                status               decision   recorded_at                  expires_at                   source
  secondary            allowed              granted    2025-09-01T00:00:00Z         -                            portal
  history (3 events, oldest first):
    recorded_at                  scope                decision   expires_at                   source
    2024-01-02T10:00:00Z         secondary            granted    -                            dpi
    2025-03-04T00:00:00Z         secondary            withdrawn  -                            portal
    2025-09-01T00:00:00Z         secondary            granted    -                            portal

patient 999 as of 2025-10-01T23:59:59.999999Z: no consent recorded
  scope      status               decision   recorded_at                  expires_at                   source
  secondary  unknown (no-record)  -          -                            -                            -
TXT
same "$T/out" "$T/want"
run 0 eds-consent status --registry "$R" --at 2023-01-01 --scope study:OTHER 654321
contains "$T/out" "study:OTHER"
contains "$T/out" "unknown (no-record)"
contains "$T/out" "history (0 events, oldest first)"
ok "status: one scope (re-grant after withdrawal), an unknown patient, a scope never recorded"

run 0 eds-consent status --registry "$R" --journal "$T/j.jsonl" -o "$T/report.txt" 123456
[ ! -s "$T/out" ] || fail "-o writes the report to the file"
contains "$T/report.txt" "patient 123456"
contains "$T/j.jsonl" '"ids":1,"ids_known":1'
lacks "$T/j.jsonl" "123456"
ok "status -o writes a file; the journal counts the look-ups without the identifiers"

run 64 eds-consent status --registry "$R"
contains "$T/err" "at least one patient identifier"
run 64 eds-consent status --registry "$R" --scope care 123456
contains "$T/err" "'care' is not a scope"
run 66 eds-consent status --registry "$T/none" 123456
ok "status usage errors (64) and a missing registry (66)"

run 0 eds-consent stats --registry "$R" --at 2025-06-01 --stats "$T/st.json"
contains "$T/out" "patients    2"
contains "$T/out" "entries     4 (patient, scope)"
contains "$T/out" "events      6"
contains "$T/out" "imports     1"
grep -q "^size        [0-9]* bytes (log [0-9]*, index [0-9]*, manifest [0-9]*)$" "$T/out" ||
    fail "stats gives the size on disk"
cat >"$T/want" <<'TXT'
events per scope and decision:
  scope                   granted     refused   withdrawn
  primary                       1           1           0
  secondary                     2           0           1
  study:PROJ-2026-014           1           0           0

patients per scope and status as of 2025-06-01T23:59:59.999999Z:
  scope                   allowed     refused   withdrawn     expired     not-yet
  primary                       1           1           0           0           0
  secondary                     0           0           1           0           0
  study:PROJ-2026-014           0           0           0           1           0
TXT
sed -n '/^events per scope/,$p' "$T/out" >"$T/got"
same "$T/got" "$T/want"
contains "$T/st.json" '"patients":2,"entries":4,"events":6,"imports":1'
contains "$T/st.json" '"granted":{"primary":1,"secondary":2,"study:PROJ-2026-014":1}'
lacks "$T/out" "123456"
lacks "$T/st.json" "123456"
ok "stats: counts per scope and decision, status per scope, patients, events, size"

printf 'X' | dd of="$R/events-000001.csv" bs=1 seek=70 conv=notrunc 2>/dev/null
run 65 eds-consent stats --registry "$R"
contains "$T/err" "log segment 'events-000001.csv' fails its checksum"
ok "stats verifies every file of the registry (65 on an edited log)"
