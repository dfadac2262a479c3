#!/bin/sh
# eds-ingest reads what sources really send: stdin, several files (plain
# or gzip, columns in any order), Windows-1252 converted to UTF-8, a BOM
# (even split across pipe reads), CRLF; -o and -z write the output.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/ingest.sh"

OUTHDR='id,nir,birth_date,weight,note'

# stdin, as no file and as "-"
printf '%s\n1;2 55 08 14 168 025 38;01/02/1980;72,5;"a; b"\n' "$HDR" >one.csv
printf '%s\n1,255081416802538,1980-02-01,72.5,a; b\n' "$OUTHDR" >want.csv
run 0 eds-ingest -c "$S" --stats st.json <one.csv
same "$T/out" want.csv
contains st.json '"path":"<stdin>"'
accounting st.json 1 1 0
run 0 eds-ingest -c "$S" -o out.csv - <one.csv
same out.csv want.csv
printf '%s\n1;;;;\n2;;31/02/2000;;\n' "$HDR" | {
	run 65 eds-ingest -c "$S"
}
says "eds-ingest: <stdin>:3: rejected (bad-date)"
ok "stdin is read when no file or '-' is given"

# Several files: plain and gzip, each with its own header and order.
printf '%s\n1;;;1;a\n' "$HDR" >a.csv
printf 'NOTE;ID;POIDS;NAISSANCE;NIR\nb;2;2,5;02/02/2002;\n' | gzip -c >b.csv.gz
printf 'id;note;weight;birth_date;nir\n3;c;;;\n;bad;;;\n' >c.csv
run 0 eds-ingest -c "$S" --max-reject-rate 50% --rejects rej.csv \
    --stats st.json -o out.csv a.csv b.csv.gz c.csv
printf '%s\n1,,,1,a\n2,,2002-02-02,2.5,b\n3,,,,c\n' "$OUTHDR" >want.csv
same out.csv want.csv
accounting st.json 4 3 1
contains rej.csv 'c.csv,3,missing-required,id,'
for f in a.csv b.csv.gz c.csv; do
	contains st.json "{\"path\":\"$f\",\"sha256\":\"$(sha256sum <"$f" | cut -c1-64)\""
done
ok "several files, plain or gzip, columns in any order, one output"

# -z writes gzip; -o is created only at the end.
run 0 eds-ingest -c "$S" -z -o out.csv.gz one.csv
gzip -dc out.csv.gz >back.csv
printf '%s\n1,255081416802538,1980-02-01,72.5,a; b\n' "$OUTHDR" >want.csv
same back.csv want.csv
run 0 eds-ingest -c "$S" --gzip one.csv
gzip -dc <"$T/out" >back.csv
same back.csv want.csv
ok "-z gzips the output"

# Windows-1252 (the laboratory schema says so) converted to UTF-8.
printf 'IPP;NDA;NIR;NOM;PRENOM;DATE_NAISSANCE;DATE_PRELEVEMENT;CODE_LOINC;LIBELLE;RESULTAT;UNITE;BORNE_INF;BORNE_SUP;COMMENTAIRE\r\n' >lab.csv
printf '0012345678;100000001;;DUPONT;H\351l\350ne;03/04/1955;28/11/2026 07:45;2345-7;Glyc\351mie \340 jeun;5,4;mmol/l;3,9;5,8;"Contr\364le \253 h\351molys\351 \273; \234d\350me,\r\n5 \200"\r\n' >>lab.csv
printf '0012345679;;;MARTIN;Zo\353;31/02/1960;28/11/2026 08:00;2345-7;;<0,5;;;;\r\n' >>lab.csv
run 0 eds-ingest -c "$LAB" --max-reject-rate 0.5 --rejects rej.csv \
    --stats st.json -o out.csv lab.csv
cat >want.csv <<'CSV'
ipp,nda,nir,last_name,first_name,birth_date,sample_time,loinc,label,value,unit,ref_low,ref_high,comment
0012345678,100000001,,DUPONT,Hélène,1955-04-03,2026-11-28T07:45:00,2345-7,Glycémie à jeun,5.4,mmol/l,3.9,5.8,"Contrôle « hémolysé »; œdème,
5 €"
CSV
# the comment keeps its CRLF inside the quotes
printf '%s\n' "$(sed 's/œdème,$/œdème,\r/' want.csv)" >want2.csv
same out.csv want2.csv
accounting st.json 2 1 1
contains rej.csv "lab.csv,4,bad-date,birth_date,column 'birth_date' is not a real date in an accepted format,"
grep -a -q "$(printf 'Zo\353')" rej.csv || fail "rejects keep the raw Windows-1252 bytes"
ok "Windows-1252 extracts come out as UTF-8, CRLF line ends as LF"

# A BOM is stripped and forces UTF-8, even when the schema says
# Windows-1252, and even when it arrives split across pipe reads.
printf '\357\273\277%s\n1;;;;caf\303\251\n' "$HDR" >bom.csv
run 0 eds-ingest -c "$S" -o out.csv bom.csv
printf '%s\n1,,,,caf\303\251\n' "$OUTHDR" >want.csv
same out.csv want.csv
{
	printf '\357\273'
	sleep 1
	printf '\277%s\n1;;;;caf\303\251\n' "$HDR"
} | eds-ingest -c "$S" -o out.csv || fail "slow BOM"
same out.csv want.csv
sed 's/^source: lab$/source: lab-bom/' "$LAB" >lab-bom.yaml
printf '\357\273\277IPP;NDA;NIR;NOM;PRENOM;DATE_NAISSANCE;DATE_PRELEVEMENT;CODE_LOINC;LIBELLE;RESULTAT;UNITE;BORNE_INF;BORNE_SUP;COMMENTAIRE\n0012345678;;;;H\303\251l\303\250ne;;28/11/2026 07:45;2345-7;;;;;;\n' >labbom.csv
run 0 eds-ingest -c lab-bom.yaml -o out.csv labbom.csv
contains out.csv ',Hélène,'
ok "a BOM is stripped and means UTF-8"

# CRLF everywhere, blank lines skipped but counted in line numbers.
printf '%s\r\n1;;;;x\r\n\r\n2;;;;"multi\r\nline"\r\n\r\n3;;99/99/9999;;\r\n' "$HDR" >crlf.csv
run 65 eds-ingest -c "$S" --rejects rej.csv -o out.csv crlf.csv
says "eds-ingest: crlf.csv:7: rejected (bad-date)"
run 0 eds-ingest -c "$S" --max-reject-rate 0.5 -o out.csv crlf.csv
printf '%s\n1,,,,x\n2,,,,"multi\r\nline"\n' "$OUTHDR" >want.csv
same out.csv want.csv
ok "CRLF input gives LF output; line numbers count every line"
