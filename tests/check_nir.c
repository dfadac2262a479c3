/*
 * check_nir.c: NIR check keys against every line of the published
 * nir.txt (read at test time).  Two decisions, documented in
 * eds-schema(5): a lower-case 2a/2b is folded to upper case
 * ("valid-if-case-folded" is accepted), and a number whose key matches is
 * accepted even when its department digits are 19/18 where 2A/2B belong
 * ("valid-by-key" is accepted: only a department-aware check could
 * refuse it, and the key is what guards against typing errors).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_util.h"
#include "nir.h"

/* Trim blanks at both ends, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

START_TEST(every_published_nir_example_gets_the_documented_verdict)
{
	char path[600], line[512];
	int valid = 0, invalid = 0, folded = 0, bykey = 0, lineno = 0;
	FILE *f;

	if (tu_skip_without_vectors("nir.txt"))
		return;
	snprintf(path, sizeof path, "%s/nir.txt", tu_vectors());
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f) != NULL) {
		char *nir, *verdict, *bar, out[EDS_NIR_LEN + 1], compact[64];
		size_t i, k = 0;
		int rc;

		lineno++;
		if (line[0] == '#' || (bar = strchr(line, '|')) == NULL)
			continue;
		*bar = '\0';
		nir = trim(line);
		verdict = bar + 1;
		if ((bar = strchr(verdict, '|')) == NULL)
			continue;	/* the OID table has two columns */
		*bar = '\0';
		verdict = trim(verdict);
		rc = eds_nir_normalise(nir, strlen(nir), out);
		for (i = 0; nir[i] != '\0' && k < sizeof compact - 1; i++)
			if (nir[i] != ' ')
				compact[k++] = nir[i] == 'a' ? 'A' :
				    nir[i] == 'b' ? 'B' : nir[i];
		compact[k] = '\0';
		if (strcmp(verdict, "invalid") == 0) {
			ck_assert_msg(rc != 0, "nir.txt:%d: '%s' accepted",
			    lineno, nir);
			invalid++;
			continue;
		}
		ck_assert_msg(strcmp(verdict, "valid") == 0 ||
		    strcmp(verdict, "valid-if-case-folded") == 0 ||
		    strcmp(verdict, "valid-by-key") == 0,
		    "nir.txt:%d: unknown verdict '%s'", lineno, verdict);
		ck_assert_msg(rc == 0, "nir.txt:%d: '%s' (%s) refused (%d)",
		    lineno, nir, verdict, rc);
		ck_assert_msg(strcmp(out, compact) == 0,
		    "nir.txt:%d: normalised to %s, not %s", lineno, out,
		    compact);
		ck_assert_int_eq(eds_nir_key(out), (out[13] - '0') * 10 +
		    out[14] - '0');
		valid += strcmp(verdict, "valid") == 0;
		folded += strcmp(verdict, "valid-if-case-folded") == 0;
		bykey += strcmp(verdict, "valid-by-key") == 0;
	}
	fclose(f);
	ck_assert_msg(valid >= 5 && invalid >= 5 && folded >= 1 && bykey >= 1,
	    "nir.txt: %d valid, %d invalid, %d folded, %d by key", valid,
	    invalid, folded, bykey);
}
END_TEST

START_TEST(wrong_keys_and_malformed_numbers_are_told_apart)
{
	char out[EDS_NIR_LEN + 1], s[32];
	int key, i;

	/* Make a valid number from a body with the module's own key, then
	 * check every other key is refused as a key mismatch (-2). */
	key = eds_nir_key("1850575056012");
	ck_assert_int_ge(key, 1);
	ck_assert_int_le(key, 97);
	for (i = 0; i <= 99; i++) {
		snprintf(s, sizeof s, "1850575056012%02d", i);
		ck_assert_int_eq(eds_nir_normalise(s, 15, out), i == key ? 0 :
		    -2);
	}
	/* Display separators: spaces, dots, hyphens, tabs. */
	snprintf(s, sizeof s, "1.85.05-75\t056.012 %02d", key);
	ck_assert_int_eq(eds_nir_normalise(s, strlen(s), out), 0);
	ck_assert_int_eq(strncmp(out, "1850575056012", 13), 0);
	/* Malformed: length, first digit, letters elsewhere. */
	ck_assert_int_eq(eds_nir_normalise("", 0, out), -1);
	ck_assert_int_eq(eds_nir_normalise("18505750560120", 14, out), -1);
	ck_assert_int_eq(eds_nir_normalise("1850575056012001", 16, out), -1);
	ck_assert_int_eq(eds_nir_normalise("585057505601205", 15, out), -1);
	ck_assert_int_eq(eds_nir_normalise("985057505601205", 15, out), -1);
	ck_assert_int_eq(eds_nir_normalise("18505750560A205", 15, out), -1);
	ck_assert_int_eq(eds_nir_normalise("1850A7505601205", 15, out), -1);
	ck_assert_int_eq(eds_nir_normalise("185057505601205x", 16, out), -1);
	ck_assert_int_eq(eds_nir_key("12345678901X3"), -1);
}
END_TEST

Suite *
nir_suite(void)
{
	Suite *s = suite_create("nir");
	TCase *t = tcase_create("nir");

	tcase_add_test(t, every_published_nir_example_gets_the_documented_verdict);
	tcase_add_test(t, wrong_keys_and_malformed_numbers_are_told_apart);
	suite_add_tcase(s, t);
	return s;
}
