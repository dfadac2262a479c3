/*
 * check_leakscan.c: the identifier leak scan finds exactly what
 * leakscan.h calls a leak (a whole identifying value; inside text, a
 * number-bearing or multi-word identifier or a person's first and last
 * names together), folds case and accents, ignores lone names and short
 * values, and keeps its set across a save and a load.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check_util.h"
#include "leakscan.h"

/* Any key: the tests compare hashes made with the same one. */
static const unsigned char test_key[16] = "leak-scan tests";

#define TAG_IPP 7
#define TAG_LAST 8
#define TAG_FIRST 9
#define TAG_ADDR 10

static int
leaks(const struct eds_leakset *l, const char *s, int *tag)
{
	int t = -1, r = eds_leakset_check(l, s, strlen(s), &t);

	if (tag != NULL)
		*tag = t;
	return r;
}

/* One patient row: ipp, last name, first name, address (names paired). */
static void
add_patient(struct eds_leakset *l, const char *ipp, const char *last,
    const char *first, const char *addr)
{
	struct eds_field f[4] = {
		{ ipp, strlen(ipp) }, { last, strlen(last) },
		{ first, strlen(first) }, { addr, strlen(addr) }
	};
	int tags[4] = { TAG_IPP, TAG_LAST, TAG_FIRST, TAG_ADDR };
	unsigned char is_name[4] = { 0, 1, 1, 1 };

	eds_leakset_add_row(l, f, tags, is_name, 4);
}

START_TEST(leakscan_finds_a_whole_value_and_says_which_column)
{
	struct eds_leakset *l = eds_leakset_new(test_key);
	int tag;

	add_patient(l, "00123456", "Martin", "Claire", "");
	ck_assert_msg(leaks(l, "00123456", &tag) == 1 && tag == TAG_IPP,
	    "an IPP released as a column value is a leak of the ipp column");
	ck_assert_msg(leaks(l, "  00123456 ", &tag) == 1,
	    "blanks around the value do not hide it");
	ck_assert_msg(leaks(l, "MARTIN", &tag) == 1 && tag == TAG_LAST,
	    "a last name released whole is a leak, whatever its case");
	ck_assert_msg(leaks(l, "claire", &tag) == 1 && tag == TAG_FIRST,
	    "a first name released whole is a leak");
	ck_assert_msg(leaks(l, "001234567", NULL) == 0 &&
	    leaks(l, "0012345", NULL) == 0 && leaks(l, "Martine", NULL) == 0,
	    "a longer or shorter value is another value");
	ck_assert_msg(leaks(l, "3f2a9b1c00123456", NULL) == 0,
	    "a pseudonym that happens to end with the digits is one word");
	ck_assert_uint_eq(eds_leakset_count(l), 5);	/* 3 values, 1 pair x2 */
	eds_leakset_free(l);
}
END_TEST

START_TEST(leakscan_finds_numbers_and_full_names_inside_text)
{
	struct eds_leakset *l = eds_leakset_new(test_key);
	int tag;

	add_patient(l, "00123456", "Martin", "Claire", "12 rue des Lilas");
	ck_assert_msg(leaks(l, "Dossier 00123456 : antériorité", &tag) == 1 &&
	    tag == TAG_IPP, "an IPP inside a comment is a leak");
	ck_assert_msg(leaks(l, "(00123456)", NULL) == 1,
	    "punctuation separates words");
	ck_assert_msg(leaks(l, "Dossier A00123456", NULL) == 0,
	    "digits inside a longer word are not the IPP");
	ck_assert_msg(leaks(l, "Vue ce jour : Claire MARTIN, 54 ans", &tag) ==
	    1 && (tag == TAG_FIRST || tag == TAG_LAST),
	    "first and last names together inside text are a leak");
	ck_assert_msg(leaks(l, "Mme MARTIN Claire", NULL) == 1,
	    "in either order");
	ck_assert_msg(leaks(l, "Contrôle par le Dr Martin demain", NULL) == 0,
	    "a last name alone inside text is an ordinary word");
	ck_assert_msg(leaks(l, "Claire et nette, la radio", NULL) == 0,
	    "a first name alone inside text is an ordinary word");
	ck_assert_msg(leaks(l, "habite au 12, Rue des Lilas, Lyon", &tag) ==
	    1 && tag == TAG_ADDR, "an address inside text is a leak");
	ck_assert_msg(leaks(l, "rue des Lilas", NULL) == 0,
	    "a part of the address is not the address");
	eds_leakset_free(l);
}
END_TEST

START_TEST(leakscan_ignores_short_values_and_short_numbers_in_text)
{
	struct eds_leakset *l = eds_leakset_new(test_key);

	eds_leakset_add(l, "123", 3, 1);
	eds_leakset_add(l, "Léa", strlen("Léa"), 2);
	eds_leakset_add(l, "4567", 4, 3);
	eds_leakset_add(l, "", 0, 4);
	ck_assert_msg(leaks(l, "123", NULL) == 0 && leaks(l, "Léa", NULL) ==
	    0, "values of fewer than 4 characters are not looked for");
	ck_assert_msg(leaks(l, "4567", NULL) == 1,
	    "a 4-digit value released whole is a leak");
	ck_assert_msg(leaks(l, "dose 4567 UI", NULL) == 0,
	    "a number of fewer than 5 characters is not looked for in text");
	ck_assert_uint_eq(eds_leakset_count(l), 1);
	eds_leakset_free(l);
}
END_TEST

START_TEST(leakscan_folds_case_accents_and_separators)
{
	struct eds_leakset *l = eds_leakset_new(test_key);
	int tag;

	add_patient(l, "77001", "Lefèvre-Pontalis", "Hélène", "");
	add_patient(l, "77002", "Lecœur", "Anaïs", "");
	add_patient(l, "77003", "N'Diaye", "Aïcha", "");
	ck_assert_msg(leaks(l, "LEFEVRE PONTALIS Helene", &tag) == 1,
	    "accents, case and hyphens do not matter");
	ck_assert_msg(leaks(l, "vu par hélène lefèvre–pontalis.", NULL) == 1,
	    "an en dash separates words like a hyphen");
	ck_assert_msg(leaks(l, "Mme LECOEUR ANAIS", NULL) == 1,
	    "the oe ligature is spelled out");
	ck_assert_msg(leaks(l, "ANAÏS LECŒUR", NULL) == 1,
	    "an upper-case ligature too");
	ck_assert_msg(leaks(l, "Aicha N Diaye", NULL) == 1,
	    "an apostrophe separates words");
	ck_assert_msg(leaks(l, "Aïcha\xc2\xa0N'Diaye", NULL) == 1,
	    "a no-break space separates words");
	ck_assert_msg(leaks(l, "Hélène Lefèvre", NULL) == 0,
	    "a part of a compound last name is not the name");
	eds_leakset_free(l);
}
END_TEST

/*
 * A compound first or last name is still one name: like "Martin" it is
 * an ordinary word in text (clinicians share the patients' names), and
 * only the full name is a leak.
 */
START_TEST(leakscan_treats_a_compound_name_alone_as_a_name)
{
	struct eds_leakset *l = eds_leakset_new(test_key);

	add_patient(l, "88001", "Le Gall", "Marie-Thérèse", "");
	ck_assert_msg(leaks(l, "Marie-Thérèse", NULL) == 1 &&
	    leaks(l, "LE GALL", NULL) == 1,
	    "a compound name released whole is a leak");
	ck_assert_msg(leaks(l, "Prescription du Dr Marie-Thérèse Roux", NULL) ==
	    0, "a compound first name alone inside text is not a leak");
	ck_assert_msg(leaks(l, "Avis du Pr Yannick Le Gall", NULL) == 0,
	    "a compound last name alone inside text is not a leak");
	ck_assert_msg(leaks(l, "Patiente Marie-Thérèse LE GALL, 80 ans",
	    NULL) == 1, "the full name inside text is a leak");
	eds_leakset_free(l);
}
END_TEST

START_TEST(leakscan_looks_at_every_word_of_a_long_text)
{
	struct eds_leakset *l = eds_leakset_new(test_key);
	size_t i, n = 6000;
	char *text = malloc(n * 4 + 64), *p = text;
	int tag;

	eds_leakset_add(l, "123456789", 9, 42);
	for (i = 0; i < n; i++)
		p += sprintf(p, "mot ");
	strcpy(p, "fin 123456789.");
	ck_assert_msg(leaks(l, text, &tag) == 1 && tag == 42,
	    "an identifier after 6000 words of text is still found");
	free(text);
	eds_leakset_free(l);
}
END_TEST

START_TEST(leakscan_scans_every_field_of_a_csv_file)
{
	struct eds_leakset *l = eds_leakset_new(test_key);
	struct eds_leak lk;
	struct eds_error err;
	const char *path = tu_path("payload.csv");
	gzFile gz;
	const char *data = "patient,comment\n"
	    "3f2a,\"rien\nà signaler\"\n"
	    "9b1c,\"Vu: Claire Martin\"\n";

	add_patient(l, "00123456", "Martin", "Claire", "");
	tu_write_str(path, data);
	memset(&lk, 0, sizeof lk);
	ck_assert_int_eq(eds_leakset_scan_csv(l, path, &lk, &err), 1);
	ck_assert_msg(lk.line == 4 && lk.field == 1,
	    "the leak is on line 4 (after a quoted line break), field 1, "
	    "not line %lu field %zu", lk.line, lk.field);
	ck_assert(lk.tag == TAG_FIRST || lk.tag == TAG_LAST);

	/* gzip payloads are read through. */
	path = tu_path("payload.csv.gz");
	gz = gzopen(path, "wb");
	gzputs(gz, data);
	gzclose(gz);
	memset(&lk, 0, sizeof lk);
	ck_assert_int_eq(eds_leakset_scan_csv(l, path, &lk, &err), 1);
	ck_assert_uint_eq(lk.line, 4);

	path = tu_path("clean.csv");
	tu_write_str(path, "patient,comment\n3f2a,Claire et Paul\n"
	    "9b1c,Dr Martin\n");
	ck_assert_msg(eds_leakset_scan_csv(l, path, &lk, &err) == 0,
	    "lone names in text are not leaks");

	path = tu_path("damaged.csv");
	tu_write_str(path, "a,b\nx,\"00123456\"z\nq,r\n");
	ck_assert_msg(eds_leakset_scan_csv(l, path, &lk, &err) == -1,
	    "a damaged file is not passed as clean");
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_uint_eq(err.line, 2);

	ck_assert_int_eq(eds_leakset_scan_csv(l, tu_path("absent.csv"), &lk,
	    &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	eds_leakset_free(l);
}
END_TEST

START_TEST(leakscan_scans_a_text_as_one_field)
{
	struct eds_leakset *l = eds_leakset_new(test_key);
	struct eds_leak lk;
	const char *json = "{\"inputs\":[{\"path\":\"raw/00123456.csv\"}]}";

	eds_leakset_add(l, "00123456", 8, 3);
	ck_assert_int_eq(eds_leakset_scan_text(l, json, strlen(json), &lk), 1);
	ck_assert_int_eq(lk.tag, 3);
	ck_assert_int_eq(eds_leakset_scan_text(l, "{}", 2, &lk), 0);
	eds_leakset_free(l);
}
END_TEST

START_TEST(leakscan_saves_and_loads_the_same_set)
{
	static const unsigned char other_key[16] = "another key....";
	struct eds_leakset *a = eds_leakset_new(test_key);
	struct eds_leakset *b = eds_leakset_new(test_key), *c;
	struct eds_error err;
	const char *path = tu_path("ids.bin");
	char *bytes;
	size_t len;
	int tag;

	add_patient(a, "00123456", "Martin", "Claire", "");
	eds_leakset_add(a, "RA1790220956", 12, 5);
	ck_assert_int_eq(eds_leakset_save(a, path, &err), 0);
	bytes = tu_read(path, &len);
	ck_assert_msg(len == 16 * (1 + eds_leakset_count(a)),
	    "16 bytes per value and a 16-byte header");
	ck_assert_msg(memmem(bytes, len, "00123456", 8) == NULL &&
	    memmem(bytes, len, "artin", 5) == NULL,
	    "the file holds hashes, never the values");
	free(bytes);
	ck_assert_int_eq(eds_leakset_load(b, path, &err), 0);
	ck_assert_uint_eq(eds_leakset_count(b), eds_leakset_count(a));
	ck_assert_msg(leaks(b, "x RA1790220956 y", &tag) == 1 && tag == 5,
	    "a loaded value keeps its tag and is looked for in text");
	ck_assert_msg(leaks(b, "Claire MARTIN", NULL) == 1 &&
	    leaks(b, "le Dr Martin", NULL) == 0,
	    "a loaded name keeps its kind: whole value only");
	/* The hashes are keyed: without the key they match nothing. */
	c = eds_leakset_new(other_key);
	ck_assert_int_eq(eds_leakset_load(c, path, &err), 0);
	ck_assert_msg(leaks(c, "x RA1790220956 y", &tag) == 0 &&
	    leaks(c, "00123456", NULL) == 0,
	    "a set loaded with another key recognises none of its values");
	eds_leakset_free(c);

	/* Loading adds: two shards' sets make their union. */
	eds_leakset_free(a);
	a = eds_leakset_new(test_key);
	eds_leakset_add(a, "55555555", 8, 6);
	eds_leakset_add(a, "00123456", 8, TAG_IPP);
	ck_assert_int_eq(eds_leakset_save(a, path, &err), 0);
	ck_assert_int_eq(eds_leakset_load(b, path, &err), 0);
	ck_assert_uint_eq(eds_leakset_count(b), 7);
	ck_assert(leaks(b, "55555555", NULL) == 1);

	/* An empty set. */
	eds_leakset_free(a);
	a = eds_leakset_new(test_key);
	ck_assert_int_eq(eds_leakset_save(a, path, &err), 0);
	ck_assert_int_eq(eds_leakset_load(a, path, &err), 0);
	ck_assert_uint_eq(eds_leakset_count(a), 0);
	eds_leakset_free(a);
	eds_leakset_free(b);
}
END_TEST

START_TEST(leakscan_refuses_a_truncated_or_foreign_file)
{
	struct eds_leakset *a = eds_leakset_new(test_key), *b;
	struct eds_error err;
	const char *path = tu_path("ids.bin"), *bad = tu_path("bad.bin");
	char *bytes;
	size_t len, cut;

	add_patient(a, "00123456", "Martin", "Claire", "");
	ck_assert_int_eq(eds_leakset_save(a, path, &err), 0);
	bytes = tu_read(path, &len);
	for (cut = 0; cut < len; cut += 5) {
		tu_write(bad, bytes, cut);
		b = eds_leakset_new(test_key);
		ck_assert_msg(eds_leakset_load(b, bad, &err) == -1,
		    "a file cut at %zu of %zu bytes is refused", cut, len);
		ck_assert_int_eq(err.status, EDS_EX_DATAERR);
		ck_assert_msg(strstr(err.file, "bad.bin") != NULL,
		    "the error names the file");
		eds_leakset_free(b);
	}
	tu_write(bad, "EDSLEAK2\0\0\0\0\0\0\0\0", 16);
	b = eds_leakset_new(test_key);
	ck_assert_int_eq(eds_leakset_load(b, bad, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	eds_leakset_free(b);

	/* More records than the header says: not the file that was written. */
	bytes = realloc(bytes, len + 16);
	memset(bytes + len, 0x5a, 16);
	tu_write(bad, bytes, len + 16);
	b = eds_leakset_new(test_key);
	ck_assert_int_eq(eds_leakset_load(b, bad, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	eds_leakset_free(b);

	b = eds_leakset_new(test_key);
	ck_assert_int_eq(eds_leakset_load(b, tu_path("none.bin"), &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	eds_leakset_free(b);
	free(bytes);
	eds_leakset_free(a);
}
END_TEST

START_TEST(leakscan_memory_grows_with_distinct_values_only)
{
	struct eds_leakset *l = eds_leakset_new(test_key);
	char v[16];
	int i, rep;

	for (rep = 0; rep < 3; rep++)
		for (i = 0; i < 50000; i++) {
			snprintf(v, sizeof v, "%08d", 10000000 + i);
			eds_leakset_add(l, v, 8, 1);
		}
	ck_assert_uint_eq(eds_leakset_count(l), 50000);
	ck_assert_msg(eds_leakset_bytes(l) <= 50000 * 64,
	    "at most 64 bytes per distinct value (%zu bytes)",
	    eds_leakset_bytes(l));
	for (i = 0; i < 50000; i += 997) {
		snprintf(v, sizeof v, "%08d", 10000000 + i);
		ck_assert(leaks(l, v, NULL) == 1);
	}
	ck_assert(leaks(l, "09999999", NULL) == 0);
	eds_leakset_free(l);
}
END_TEST

Suite *
leakscan_suite(void)
{
	Suite *s = suite_create("leakscan");
	TCase *t = tcase_create("leakscan");

	tcase_add_test(t, leakscan_finds_a_whole_value_and_says_which_column);
	tcase_add_test(t, leakscan_finds_numbers_and_full_names_inside_text);
	tcase_add_test(t, leakscan_ignores_short_values_and_short_numbers_in_text);
	tcase_add_test(t, leakscan_folds_case_accents_and_separators);
	tcase_add_test(t, leakscan_treats_a_compound_name_alone_as_a_name);
	tcase_add_test(t, leakscan_looks_at_every_word_of_a_long_text);
	tcase_add_test(t, leakscan_scans_every_field_of_a_csv_file);
	tcase_add_test(t, leakscan_scans_a_text_as_one_field);
	tcase_add_test(t, leakscan_saves_and_loads_the_same_set);
	tcase_add_test(t, leakscan_refuses_a_truncated_or_foreign_file);
	tcase_add_test(t, leakscan_memory_grows_with_distinct_values_only);
	suite_add_tcase(s, t);
	return s;
}
