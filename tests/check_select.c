/*
 * check_select.c: the column-selection stage releases exactly the listed
 * columns, in the listed order.
 */
#include "config.h"

#include <string.h>

#include "check_util.h"
#include "select.h"

START_TEST(select_keeps_and_orders_the_listed_columns)
{
	char *names[] = { "c", "a" };
	struct eds_select *s = eds_select_new(names, 2);
	struct eds_header in, out;
	struct eds_record r;
	struct eds_stage st;
	struct eds_error err;

	eds_select_stage(s, &st);
	eds_header_init(&in);
	eds_header_init(&out);
	eds_header_add(&in, "a");
	eds_header_add(&in, "b");
	eds_header_add(&in, "c");
	ck_assert_int_eq(st.start(st.ctx, &in, &out, &err), 0);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.names[0], "c");
	ck_assert_str_eq(out.names[1], "a");
	eds_record_init(&r);
	eds_record_push(&r, "1", 1);
	eds_record_push(&r, "2", 1);
	eds_record_push(&r, "3", 1);
	ck_assert_int_eq(st.process(st.ctx, &r, &err), EDS_PASS);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.f[0].s, "3");
	ck_assert_str_eq(r.f[1].s, "1");
	eds_record_release(&r);
	eds_header_release(&in);
	eds_header_release(&out);
	eds_select_free(s);
}
END_TEST

START_TEST(select_refuses_an_unknown_or_repeated_column)
{
	char *unknown[] = { "a", "zz" }, *twice[] = { "a", "a" };
	struct eds_header in, out;
	struct eds_stage st;
	struct eds_error err;
	struct eds_select *s;

	eds_header_init(&in);
	eds_header_add(&in, "a");
	s = eds_select_new(unknown, 2);
	eds_select_stage(s, &st);
	eds_header_init(&out);
	ck_assert_int_eq(st.start(st.ctx, &in, &out, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "'zz'") != NULL, "%s", err.msg);
	eds_header_release(&out);
	eds_select_free(s);
	s = eds_select_new(twice, 2);
	eds_select_stage(s, &st);
	eds_header_init(&out);
	ck_assert_int_eq(st.start(st.ctx, &in, &out, &err), -1);
	eds_header_release(&out);
	eds_select_free(s);
	eds_header_release(&in);
}
END_TEST

Suite *
select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *t = tcase_create("select");

	tcase_add_test(t, select_keeps_and_orders_the_listed_columns);
	tcase_add_test(t, select_refuses_an_unknown_or_repeated_column);
	suite_add_tcase(s, t);
	return s;
}
