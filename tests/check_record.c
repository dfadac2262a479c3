/*
 * check_record.c: records (fields in the arena, set, clear, the reject
 * verdict) and headers (add, find, copy).
 */
#include "config.h"

#include <string.h>

#include "check_util.h"
#include "record.h"

START_TEST(record_fields_are_copies_that_survive_later_pushes)
{
	struct eds_record r;
	char src[8] = "abc";
	size_t i;

	eds_record_init(&r);
	eds_record_push(&r, src, 3);
	src[0] = 'X';			/* the record holds its own copy */
	for (i = 0; i < 1000; i++)
		eds_record_push(&r, "0123456789", i % 11);
	ck_assert_uint_eq(r.n, 1001);
	ck_assert_str_eq(r.f[0].s, "abc");
	ck_assert_uint_eq(r.f[0].len, 3);
	ck_assert_uint_eq(r.f[1000].len, 999 % 11);
	ck_assert_int_eq(r.f[1000].s[r.f[1000].len], '\0');
	eds_record_set(&r, 0, "replaced", 8);
	ck_assert_str_eq(r.f[0].s, "replaced");
	ck_assert_str_eq(r.f[5].s, "0123");
	eds_record_release(&r);
}
END_TEST

START_TEST(record_clear_forgets_the_row_but_keeps_its_memory)
{
	struct eds_record r;
	const char *first;

	eds_record_init(&r);
	eds_record_push(&r, "a", 1);
	first = r.f[0].s;
	r.raw = "a";
	r.raw_len = 1;
	r.raw_truncated = 1;
	eds_record_reject(&r, "bad-date", "birth_date", "column '%s' bad",
	    "birth_date");
	eds_record_clear(&r);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_ptr_null(r.reason);
	ck_assert_ptr_null(r.column);
	ck_assert_ptr_null(r.raw);
	ck_assert_int_eq(r.raw_truncated, 0);
	ck_assert_str_eq(r.detail, "");
	eds_record_push(&r, "b", 1);
	ck_assert_msg(r.f[0].s == first, "the arena must be reused per row");
	eds_record_release(&r);
}
END_TEST

START_TEST(record_reject_formats_a_bounded_detail)
{
	struct eds_record r;
	char big[400];

	eds_record_init(&r);
	eds_record_reject(&r, "column-count", NULL, "expected %d, found %d",
	    5, 4);
	ck_assert_str_eq(r.reason, "column-count");
	ck_assert_ptr_null(r.column);
	ck_assert_str_eq(r.detail, "expected 5, found 4");
	memset(big, 'd', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	eds_record_reject(&r, "x", "c", "%s", big);
	ck_assert_uint_eq(strlen(r.detail), sizeof r.detail - 1);
	eds_record_release(&r);
}
END_TEST

START_TEST(headers_find_and_copy_names)
{
	struct eds_header h, c;
	char name[8] = "ipp";

	eds_header_init(&h);
	eds_header_add(&h, name);
	eds_header_add(&h, "nda");
	name[0] = 'X';			/* copied */
	ck_assert_int_eq(eds_header_find(&h, "ipp"), 0);
	ck_assert_int_eq(eds_header_find(&h, "nda"), 1);
	ck_assert_int_eq(eds_header_find(&h, "NDA"), -1);
	ck_assert_int_eq(eds_header_find(&h, "nir"), -1);
	eds_header_copy(&c, &h);
	eds_header_release(&h);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.names[1], "nda");
	eds_header_release(&c);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *t = tcase_create("record");

	tcase_add_test(t, record_fields_are_copies_that_survive_later_pushes);
	tcase_add_test(t, record_clear_forgets_the_row_but_keeps_its_memory);
	tcase_add_test(t, record_reject_formats_a_bounded_detail);
	tcase_add_test(t, headers_find_and_copy_names);
	suite_add_tcase(s, t);
	return s;
}
