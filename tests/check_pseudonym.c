/*
 * check_pseudonym.c: the eds-pseudo v1 algorithms against the test vectors
 * published in the ALGORITHM section of man/eds-pseudo.1 (parsed from the
 * page at test time, so the page cannot drift from the code), and their
 * properties: normalisation steps, offsets never 0 and within -R..R, UIDs
 * well formed, domain names checked.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "digest.h"
#include "key.h"
#include "pseudonym.h"

#ifndef EDS_TOP_SRCDIR
#define EDS_TOP_SRCDIR "."
#endif

static const char *
srcfile(const char *rel)
{
	static char path[1024];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof path, "%s/%s", top != NULL ? top :
	    EDS_TOP_SRCDIR, rel);
	return path;
}

/* Undo the roff escapes used in the page: \- and \e. */
static void
unroff(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == '-') {
			*d++ = '-';
			s++;
		} else if (s[0] == '\\' && s[1] == 'e') {
			*d++ = '\\';
			s++;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

/* Split a line into words; "quoted strings" keep their spaces. */
static int
words(char *s, char **w, int max)
{
	int n = 0;

	while (*s != '\0' && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		if (*s == '"') {
			w[n++] = ++s;
			while (*s != '\0' && *s != '"')
				s++;
		} else {
			w[n++] = s;
			while (*s != '\0' && *s != ' ' && *s != '\t')
				s++;
		}
		if (*s != '\0')
			*s++ = '\0';
	}
	return n;
}

static int
steps(const char *list)
{
	char buf[128], *w, *save = NULL;
	int all = 0, st;

	snprintf(buf, sizeof buf, "%s", list);
	for (w = strtok_r(buf, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		ck_assert_msg(eds_norm_step(w, &st) == 0, "step '%s'", w);
		all |= st;
	}
	return all;
}

START_TEST(code_matches_the_test_vectors_published_in_the_man_page)
{
	char *text = tu_read(srcfile("man/eds-pseudo.1"), NULL);
	char *p, *line, *w[8], out[256], hex[65];
	struct eds_key key;
	struct eds_domain *d = NULL;
	struct eds_error err;
	unsigned char kd[32];
	int in = 0, n, checked = 0, domains = 0, kinds[3] = { 0, 0, 0 };

	memset(&key, 0, sizeof key);
	for (p = text; (line = strsep(&p, "\n")) != NULL;) {
		if (strncmp(line, ".Ss Test vectors", 16) == 0)
			in = 1;
		else if (in == 1 && strncmp(line, ".Bd -literal", 12) == 0)
			in = 2;
		else if (in == 2 && strncmp(line, ".Ed", 3) == 0)
			break;
		if (in != 2 || line[0] == '.' || line[0] == '#')
			continue;
		unroff(line);
		if ((n = words(line, w, 8)) == 0)
			continue;
		if (strcmp(w[0], "key") == 0) {
			ck_assert_int_eq(eds_unhex(w[1], strlen(w[1]), key.k,
			    EDS_KEY_LEN), 0);
		} else if (strcmp(w[0], "key-id") == 0) {
			eds_key_id(key.k, key.id);
			ck_assert_str_eq(key.id, w[1]);
			checked++;
		} else if (strcmp(w[0], "domain") == 0) {
			eds_domain_free(d);
			d = eds_domain_new(&key, w[1], &err);
			ck_assert_msg(d != NULL, "domain %s: %s", w[1], err.msg);
			domains++;
		} else if (strcmp(w[0], "domain-key") == 0) {
			eds_domain_key(&key, eds_domain_name(d), kd);
			eds_hex(kd, sizeof kd, hex);
			ck_assert_str_eq(hex, w[1]);
			checked++;
		} else if (strcmp(w[0], "pseudonym") == 0) {
			ck_assert_int_eq(n, 7);
			eds_pseudonym(d, w[1], steps(w[3]), (size_t)atoi(w[4]),
			    strcmp(w[5], "-") == 0 ? "" : w[5], w[2],
			    strlen(w[2]), out);
			ck_assert_msg(strcmp(out, w[6]) == 0,
			    "pseudonym %s '%s' in %s: got %s, page says %s",
			    w[1], w[2], eds_domain_name(d), out, w[6]);
			kinds[0]++;
		} else if (strcmp(w[0], "offset") == 0) {
			ck_assert_int_eq(n, 5);
			snprintf(out, sizeof out, "%+d", eds_date_offset(d,
			    steps(w[2]), w[1], strlen(w[1]), atoi(w[3])));
			ck_assert_msg(strcmp(out, w[4]) == 0,
			    "offset of '%s' (R %s): got %s, page says %s", w[1],
			    w[3], out, w[4]);
			kinds[1]++;
		} else if (strcmp(w[0], "uid") == 0) {
			ck_assert_int_eq(n, 3);
			eds_dicom_uid(d, w[1], strlen(w[1]), out);
			ck_assert_msg(strcmp(out, w[2]) == 0,
			    "uid %s: got %s, page says %s", w[1], out, w[2]);
			kinds[2]++;
		} else
			ck_abort_msg("unknown vector line '%s'", w[0]);
	}
	ck_assert_msg(in, "no 'Test vectors' section in man/eds-pseudo.1");
	ck_assert_msg(domains >= 2 && kinds[0] >= 5 && kinds[1] >= 4 &&
	    kinds[2] >= 2 && checked >= 3, "too few vectors parsed: %d "
	    "domains, %d pseudonyms, %d offsets, %d uids", domains, kinds[0],
	    kinds[1], kinds[2]);
	eds_domain_free(d);
	free(text);
}
END_TEST

START_TEST(normalise_trims_blanks_and_applies_steps_in_a_fixed_order)
{
	static const struct { const char *in; int st; const char *out; } c[] = {
		{ "  123 \t", 0, "123" },
		{ "\t\t", 0, "" },
		{ "a b\tc", 0, "a b\tc" },
		{ " a b\tc ", EDS_NORM_REMOVE_SPACES, "abc" },
		{ "ab-Cé", EDS_NORM_UPPER, "AB-Cé" },
		{ "000123", EDS_NORM_STRIP_ZEROS, "123" },
		{ "0000", EDS_NORM_STRIP_ZEROS, "0" },
		{ "00 0 12", EDS_NORM_STRIP_ZEROS | EDS_NORM_REMOVE_SPACES,
		    "12" },
		{ " 0a1 ", EDS_NORM_STRIP_ZEROS | EDS_NORM_UPPER, "A1" },
		{ "\n1\n", 0, "\n1\n" },	/* only spaces and tabs */
	};
	char out[64];
	size_t i, n;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		n = eds_normalise(c[i].st, c[i].in, strlen(c[i].in), out);
		ck_assert_msg(strcmp(out, c[i].out) == 0 && n == strlen(out),
		    "case %zu: '%s' gave '%s'", i, c[i].in, out);
	}
}
END_TEST

START_TEST(empty_values_have_no_pseudonym)
{
	struct eds_key key;
	struct eds_domain *d;
	struct eds_error err;
	char out[128];

	memset(&key, 1, sizeof key);
	d = eds_domain_new(&key, "D", &err);
	ck_assert_uint_eq(eds_pseudonym(d, "patient", 0, 32, "P", "", 0, out),
	    0);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(eds_pseudonym(d, "patient", 0, 32, "P", "  ", 2,
	    out), 0);
	ck_assert_int_eq(eds_date_offset(d, 0, " ", 1, 365), 0);
	eds_domain_free(d);
}
END_TEST

START_TEST(offsets_are_never_zero_and_cover_minus_r_to_r)
{
	struct eds_key key;
	struct eds_domain *d;
	struct eds_error err;
	char id[32];
	int i, off, min = 0, max = 0, neg = 0, R;

	memset(&key, 3, sizeof key);
	d = eds_domain_new(&key, "offsets", &err);
	for (R = 1; R <= 400; R += 133) {
		min = max = neg = 0;
		for (i = 0; i < 20000; i++) {
			snprintf(id, sizeof id, "%d", i);
			off = eds_date_offset(d, 0, id, strlen(id), R);
			ck_assert_msg(off != 0 && off >= -R && off <= R,
			    "offset %d out of range for R %d", off, R);
			if (off < min)
				min = off;
			if (off > max)
				max = off;
			neg += off < 0;
		}
		ck_assert_msg(min == -R && max == R, "R %d: range %d..%d", R,
		    min, max);
		ck_assert_msg(neg > 9000 && neg < 11000,
		    "R %d: %d negative offsets of 20000", R, neg);
	}
	eds_domain_free(d);
}
END_TEST

START_TEST(offset_formula_at_its_edges)
{
	unsigned char md[EDS_HMAC_LEN];

	memset(md, 0, sizeof md);
	ck_assert_int_eq(eds_offset_from_digest(md, 365), -1);	/* k = 0 */
	md[2] = 1;
	md[3] = 108;	/* u = 364 */
	ck_assert_int_eq(eds_offset_from_digest(md, 365), -365);
	md[3] = 109;	/* u = 365 */
	ck_assert_int_eq(eds_offset_from_digest(md, 365), 1);
	md[2] = 2;
	md[3] = 217;	/* u = 729 */
	ck_assert_int_eq(eds_offset_from_digest(md, 365), 365);
	memset(md, 0xff, 4);	/* u = 2^32 - 1; 4294967295 mod 730 = 615 */
	ck_assert_int_eq(eds_offset_from_digest(md, 365), 615 - 365 + 1);
}
END_TEST

START_TEST(uids_are_decimal_under_2_25_without_leading_zeros)
{
	unsigned char md[EDS_HMAC_LEN];
	char out[EDS_UID_MAX];

	memset(md, 0, sizeof md);
	eds_uid_from_digest(md, out);
	ck_assert_str_eq(out, "2.25.0");
	md[15] = 1;
	eds_uid_from_digest(md, out);
	ck_assert_str_eq(out, "2.25.1");
	memset(md, 0xff, 16);
	eds_uid_from_digest(md, out);
	ck_assert_str_eq(out, "2.25.340282366920938463463374607431768211455");
	ck_assert_uint_le(strlen(out), 64);
	memset(md, 0, 16);
	md[7] = 1;	/* 2^64 */
	eds_uid_from_digest(md, out);
	ck_assert_str_eq(out, "2.25.18446744073709551616");
}
END_TEST

START_TEST(domains_are_checked_and_separate)
{
	struct eds_key key;
	struct eds_domain *a, *b;
	struct eds_error err;
	char pa[80], pb[80], big[EDS_DOMAIN_MAX + 2];

	ck_assert_int_eq(eds_domain_valid("PROJ-2026-014"), 1);
	ck_assert_int_eq(eds_domain_valid("étude"), 1);
	ck_assert_int_eq(eds_domain_valid(""), 0);
	ck_assert_int_eq(eds_domain_valid("a\nb"), 0);
	ck_assert_int_eq(eds_domain_valid("\xff"), 0);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(eds_domain_valid(big), 0);
	memset(&key, 9, sizeof key);
	ck_assert_ptr_null(eds_domain_new(&key, "", &err));
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	a = eds_domain_new(&key, "A", &err);
	b = eds_domain_new(&key, "B", &err);
	eds_pseudonym(a, "patient", 0, 32, "", "42", 2, pa);
	eds_pseudonym(b, "patient", 0, 32, "", "42", 2, pb);
	ck_assert_str_ne(pa, pb);
	eds_pseudonym(a, "stay", 0, 32, "", "42", 2, pb);
	ck_assert_str_ne(pa, pb);
	eds_domain_free(a);
	eds_domain_free(b);
}
END_TEST

Suite *
pseudonym_suite(void)
{
	Suite *s = suite_create("pseudonym");
	TCase *t = tcase_create("pseudonym");

	tcase_add_test(t, code_matches_the_test_vectors_published_in_the_man_page);
	tcase_add_test(t, normalise_trims_blanks_and_applies_steps_in_a_fixed_order);
	tcase_add_test(t, empty_values_have_no_pseudonym);
	tcase_add_test(t, offsets_are_never_zero_and_cover_minus_r_to_r);
	tcase_add_test(t, offset_formula_at_its_edges);
	tcase_add_test(t, uids_are_decimal_under_2_25_without_leading_zeros);
	tcase_add_test(t, domains_are_checked_and_separate);
	suite_add_tcase(s, t);
	return s;
}
