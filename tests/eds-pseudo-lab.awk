# tests/eds-pseudo-lab.awk: a synthetic canonical laboratory extract for the
# eds-pseudo end-to-end tests.  awk -v rows=N -v seed=S -f eds-pseudo-lab.awk
# Identifiers are long (10-digit IPP, 12-digit NDA, 15-character NIR with
# a valid key) so that a leak scan cannot match them by chance inside hex
# pseudonyms; names come from a small list; comments repeat the row's own
# identifiers, phone numbers and e-mail addresses.
BEGIN {
	srand(seed + 0)
	split("Dupont Martin Bernard Lefebvre Moreau Garnier Rousseau Faure Chevalier Gauthier", ln, " ")
	split("Jean Marie Pierre Anne Louis Claire Paul Sophie Michel Julie", fn, " ")
	print "ipp,nda,nir,last_name,first_name,birth_date,sample_time,loinc,label,value,unit,ref_low,ref_high,comment"
	for (i = 1; i <= rows; i++) {
		newp = i == 1 || rand() < 0.1
		if (newp) {
			ipp = sprintf("%d%09d", 1 + int(rand() * 8), int(rand() * 1e9))
			sex = 1 + int(rand() * 2)
			yy = int(rand() * 80) + 10
			body = sprintf("%d%02d%02d%02d%03d%03d", sex, yy, 1 + int(rand() * 12), 21 + int(rand() * 70), 1 + int(rand() * 900), 1 + int(rand() * 900))
			nir = sprintf("%s%02d", body, 97 - (body % 97))
			last = ln[1 + int(rand() * 10)]
			first = fn[1 + int(rand() * 10)]
			birth = sprintf("19%02d-%02d-%02d", yy, 1 + int(rand() * 12), 1 + int(rand() * 28))
		}
		if (newp || rand() < 0.3)
			nda = sprintf("%d%05d%06d", 1 + int(rand() * 8), int(rand() * 1e5), int(rand() * 1e6))
		when = sprintf("2024-%02d-%02dT%02d:%02d:00", 1 + int(rand() * 12), 1 + int(rand() * 28), int(rand() * 24), int(rand() * 60))
		c = int(rand() * 6)
		if (c == 0) comment = ""
		else if (c == 1) comment = sprintf("\"Prévenir M. %s au 06 %02d %02d %02d %02d, vu le 14/03/2024\"", toupper(last), int(rand()*100), int(rand()*100), int(rand()*100), int(rand()*100))
		else if (c == 2) comment = sprintf("\"%s %s, IPP %s, NIR %s %s %s %s %s %s %s\"", first, last, ipp, substr(nir,1,1), substr(nir,2,2), substr(nir,4,2), substr(nir,6,2), substr(nir,8,3), substr(nir,11,3), substr(nir,14,2))
		else if (c == 3) comment = sprintf("\"mail %s.%s@example.org, séjour %s\"", tolower(first), tolower(last), nda)
		else if (c == 4) comment = "\"Hémolyse, à reprélever\""
		else comment = sprintf("NIR %s", nir)
		printf "%s,%s,%s,%s,%s,%s,%s,718-7,Hémoglobine,%d.%d,g/dL,12,16,%s\n", ipp, nda, nir, last, first, birth, when, 8 + int(rand() * 10), int(rand() * 10), comment
	}
}
