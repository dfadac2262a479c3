#!/bin/sh
# eds-export journal verify and show on a journal whose chain is computed
# here with sha256sum (not by the library): intact, then with a line
# edited, deleted or truncated; the listing of exports, by project.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v sha256sum >/dev/null || skip "sha256sum is needed"
cd "$T"
J=journal.jsonl
prev=0000000000000000000000000000000000000000000000000000000000000000
seq=0
# add TOOL ACTION EXTRA: append a chained record (EXTRA: more members).
add() {
	seq=$((seq + 1))
	line="{\"seq\":$seq,\"time\":\"2026-03-0${seq}T02:00:00Z\",\"tool\":\"$1\",\"version\":\"0.1.0\",\"user\":\"eds\",\"host\":\"h\",\"action\":\"$2\",\"inputs\":[],\"config_sha256\":null,\"key_id\":null,$3,\"status\":0,\"prev\":\"$prev\"}"
	printf '%s\n' "$line" >> "$J"
	prev=$(printf '%s' "$line" | sha256sum | cut -c1-64)
}
add eds-ingest ingest '"counts":{"rows_in":10,"rows_out":9},"outputs":[{"path":"stays.csv","sha256":"aaaa","bytes":1}]'
add eds-export export '"counts":{"rows_in":100,"rows_out":90,"excluded":{"refused":7,"no-record":3}},"outputs":[{"path":"/srv/exports/PROJ-2026-014","sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","bytes":1234}],"project":"PROJ-2026-014"'
add eds-export export '"counts":{"rows_in":50,"rows_out":50},"outputs":[{"path":"/srv/exports/PROJ-2026-020","sha256":"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210","bytes":99}],"project":{"id":"PROJ-2026-020","title":"t"}'
add eds-export verify '"counts":{"errors":0},"outputs":[]'

run 0 eds-export journal verify "$J"
contains "$T/out" "$J: 4 lines, chain intact, head sha256:$prev"
ok "an intact journal verifies and its head is the last line's SHA-256"

run 0 eds-export journal show "$J"
printf 'SEQ\tTIME\tPROJECT\tSTATUS\tOUTPUTS\tCOUNTS\n' > want
printf '2\t2026-03-02T02:00:00Z\tPROJ-2026-014\t0\t/srv/exports/PROJ-2026-014 sha256:0123456789abcdef\trows_in=100 rows_out=90 excluded.refused=7 excluded.no-record=3\n' >> want
printf '3\t2026-03-03T02:00:00Z\tPROJ-2026-020\t0\t/srv/exports/PROJ-2026-020 sha256:fedcba9876543210\trows_in=50 rows_out=50\n' >> want
same "$T/out" want
ok "journal show lists the exports only, with project, outputs and counts"

run 0 eds-export journal show --project PROJ-2026-020 "$J"
contains "$T/out" "PROJ-2026-020"
lacks "$T/out" "PROJ-2026-014"
run 0 eds-export journal show --project PROJ-1999-001 "$J"
contains "$T/err" "no export of project PROJ-1999-001"
run 0 eds-export journal show --all "$J"
[ "$(wc -l < "$T/out")" -eq 5 ] || fail "--all lists 4 records and a header"
contains "$T/out" "stays.csv sha256:aaaa"
ok "journal show filters by project, --all lists every record"

# Edit line 2: line 3's prev no longer matches.
cp "$J" edited
sed -i '2s/"refused":7/"refused":1/' edited
run 65 eds-export journal verify edited
contains "$T/err" "edited:3: prev does not match the SHA-256 of line 2"
contains "$T/err" "edited: 2 lines intact before the break"
run 65 eds-export journal show edited
contains "$T/err" "the journal is not intact"
ok "an edited line is found, named by the next line"

# Delete line 2: line 3 has seq 3 where 2 was expected.
sed '2d' "$J" > deleted
run 65 eds-export journal verify deleted
contains "$T/err" "deleted:2: seq is not 2"
# Remove the last line: still a valid chain, but the head changed.
sed '$d' "$J" > shortened
run 0 eds-export journal verify shortened
contains "$T/out" "3 lines"
lacks "$T/out" "$prev"
# An interrupted write leaves a line without its newline.
cp "$J" cut && printf '{"seq":5' >> cut
run 65 eds-export journal verify cut
contains "$T/err" "cut:5: incomplete last line"
run 66 eds-export journal verify missing.jsonl
ok "deleted, truncated and missing journals are reported"
