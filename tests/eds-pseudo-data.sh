#!/bin/sh
# eds-pseudo end to end on data: joinability (one namespace in two files),
# domain separation over 100k ids, lookup agreeing with the stream, a leak
# scan of the output bytes, empty values, an unlisted column (78), an
# unparseable date (65 naming line and field, no output left behind).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

POL="$CONFIG/policies"
printf '# test key\n000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' >"$T/k.key"
chmod 600 "$T/k.key"
K="-k $T/k.key"

# A lab extract and a stays extract sharing patients and stays.
awk -v rows=3000 -v seed=7 -f "$top_srcdir/tests/eds-pseudo-lab.awk" >"$T/lab.csv"
awk -F, 'NR > 1 && !seen[$2]++ { printf "%s,%s,2024-01-01T08:00:00,2024-01-03T12:00:00,CARDIO,URG,DOM\n", $1, $2 }
    BEGIN { print "ipp,nda,admission,discharge,unit,admission_mode,discharge_mode" }' \
    "$T/lab.csv" >"$T/stays.csv"
run 0 eds-pseudo -p "$POL/lab.yaml" $K --domain PROJ-A -o "$T/lab.out" "$T/lab.csv"
run 0 eds-pseudo -p "$POL/dpi-stays.yaml" $K --domain PROJ-A -o "$T/stays.out" "$T/stays.csv"
cut -d, -f1,2 "$T/lab.out" | sed 1d | sort -u >"$T/lab.pairs"
cut -d, -f1,2 "$T/stays.out" | sed 1d | sort -u >"$T/stays.pairs"
same "$T/lab.pairs" "$T/stays.pairs"
[ "$(wc -l <"$T/lab.pairs")" -gt 100 ] || fail "too few stays to compare"
ok "patient and stay pseudonyms join across lab and stays"

# Dates: every date of a patient moves by the same offset (interval kept),
# and lookup --offset gives that offset.
ipp=$(sed -n 2p "$T/lab.csv" | cut -d, -f1)
run 0 eds-pseudo lookup $K --domain PROJ-A -p "$POL/lab.yaml" --offset "$ipp"
off=$(cat "$T/out")
orig=$(sed -n 2p "$T/lab.csv" | cut -d, -f7 | cut -c1-10)
new=$(sed -n 2p "$T/lab.out" | cut -d, -f5 | cut -c1-10)
d=$(( ($(date -ud "$new" +%s) - $(date -ud "$orig" +%s)) / 86400 ))
[ "$d" = "$(printf '%d' "$off")" ] || fail "date moved by $d days, lookup says $off"
ok "lookup --offset agrees with the shifted dates ($off days)"

# lookup agrees with the stream for every patient and stay.
cut -d, -f1 "$T/lab.csv" | sed 1d >"$T/ipps"
cut -d, -f1 "$T/lab.out" | sed 1d >"$T/want"
run 0 eds-pseudo lookup $K --domain PROJ-A -p "$POL/lab.yaml" --namespace patient <"$T/ipps"
same "$T/out" "$T/want"
run 0 eds-pseudo lookup $K --domain PROJ-A --namespace stay "$(sed -n 2p "$T/lab.csv" | cut -d, -f2)"
[ "$(cat "$T/out")" = "$(sed -n 2p "$T/lab.out" | cut -d, -f2)" ] || fail "lookup --namespace stay differs"
ok "lookup agrees with the stream"

# DICOM UIDs: the uid rule and lookup --uid agree; the result is a UID.
printf 'ipp,nda,last_name,first_name,accession,study_uid,modality,exam_time,exam_label,report\n1234567890,,Dupont,Jean,ab12345,1.2.840.113619.2.55.3.604688119.868.1,CT,2024-02-03T10:00:00,Scanner,"Vu le 03/02/2024, M. DUPONT."\n' >"$T/rad.csv"
run 0 eds-pseudo -p "$POL/radiology.yaml" $K --domain PROJ-A "$T/rad.csv"
uid=$(sed -n 2p "$T/out" | cut -d, -f4)
echo "$uid" | grep -q '^2\.25\.[1-9][0-9]*$' || fail "not a 2.25 UID: $uid"
sed -n 2p "$T/out" | grep -q 'M\. \[NOM\]' || fail "report not scrubbed: $(sed -n 2p "$T/out")"
run 0 eds-pseudo lookup $K --domain PROJ-A --uid 1.2.840.113619.2.55.3.604688119.868.1
[ "$(cat "$T/out")" = "$uid" ] || fail "lookup --uid gives $(cat "$T/out"), stream $uid"
run 0 eds-pseudo lookup $K --domain PROJ-A -p "$POL/radiology.yaml" --namespace accession AB12345
acc=$(cat "$T/out")
run 0 eds-pseudo -p "$POL/radiology.yaml" $K --domain PROJ-A "$T/rad.csv"
[ "$(sed -n 2p "$T/out" | cut -d, -f3)" = "$acc" ] || fail "accession lookup differs"
ok "UIDs and accession numbers: the stream and lookup agree"

# Domain separation: 100k ids in two domains share no pseudonym.
awk 'BEGIN { print "id"; for (i = 1; i <= 100000; i++) print i }' >"$T/ids.csv"
printf 'columns:\n  id: {action: pseudonymise, namespace: patient}\n' >"$T/ids.yaml"
run 0 eds-pseudo -p "$T/ids.yaml" $K --domain PROJ-A -o "$T/a.csv" "$T/ids.csv"
run 0 eds-pseudo -p "$T/ids.yaml" $K --domain PROJ-B -o "$T/b.csv" "$T/ids.csv"
sed 1d "$T/a.csv" | sort -u >"$T/a.sorted"
sed 1d "$T/b.csv" | sort -u >"$T/b.sorted"
[ "$(wc -l <"$T/a.sorted")" = 100000 ] || fail "pseudonyms collide within a domain"
[ "$(comm -12 "$T/a.sorted" "$T/b.sorted" | wc -l)" = 0 ] || fail "domains share pseudonyms"
ok "two domains share no pseudonym over 100k ids"

# Leak scan: no identifier, NIR or name of the input anywhere in the output.
awk -F, 'NR > 1 { print $1; print $2; print $3; print $4; print toupper($4); print $5
    print substr($3,1,1) " " substr($3,2,2) " " substr($3,4,2) " " substr($3,6,2) " " substr($3,8,3) " " substr($3,11,3) " " substr($3,14,2) }' \
    "$T/lab.csv" | sort -u >"$T/secrets"
[ "$(wc -l <"$T/secrets")" -gt 500 ] || fail "too few identifiers to scan for"
if grep -F -f "$T/secrets" "$T/lab.out" >"$T/leaks"; then
	head -5 "$T/leaks" >&2
	fail "identifiers leak into the output"
fi
grep -q '\[NIR\]' "$T/lab.out" || fail "no NIR was scrubbed from the comments"
grep -q '\[NOM\]' "$T/lab.out" || fail "no name was scrubbed from the comments"
ok "no input identifier, NIR or name survives in the output bytes"

# Empty values stay empty.
printf 'ipp,nda,nir,last_name,first_name,birth_date,sample_time,loinc,label,value,unit,ref_low,ref_high,comment\n1234567890,,,,,,,718-7,,,,,,\n' >"$T/empty.csv"
run 0 eds-pseudo -p "$POL/lab.yaml" $K --domain PROJ-A "$T/empty.csv"
sed -n 2p "$T/out" | grep -q '^[0-9a-f]\{32\},,,,,718-7,,,,,,$' || fail "empty values: $(sed -n 2p "$T/out")"
ok "empty values stay empty"

# An unlisted column stops the run (78) and names the column.
sed '1s/$/,new_column/; 2,$s/$/,x/' "$T/empty.csv" >"$T/extra.csv"
run 78 eds-pseudo -p "$POL/lab.yaml" $K --domain PROJ-A -o "$T/extra.out" "$T/extra.csv"
contains "$T/err" "'new_column'"
[ ! -e "$T/extra.out" ] || fail "output left behind after 78"
ok "an unlisted column is 78, naming it"

# An unparseable date is 65 with file, line and field; nothing is committed.
sed '4s/,2024-\([0-9][0-9]\)-\([0-9][0-9]\)T/,\2\/\1\/2024 /' "$T/lab.csv" >"$T/baddate.csv"
run 65 eds-pseudo -p "$POL/lab.yaml" $K --domain PROJ-A -o "$T/bad.out" "$T/baddate.csv"
contains "$T/err" "baddate.csv:4:7: column 'sample_time': not an ISO 8601 date"
[ ! -e "$T/bad.out" ] || fail "output left behind after 65"
ls "$T" | grep -q 'bad.out.*tmp' && fail "temporary file left behind"
ok "an unparseable date is 65 naming line, field and column"
