/*
 * check_period.c: the project-period stage keeps rows whose event date
 * lies within inclusive bounds, and says why it drops the others.
 */
#include "config.h"

#include <string.h>

#include "check_util.h"
#include "period.h"

static int
run_one(struct eds_stage *st, const char *date, const char **reason)
{
	struct eds_record r;
	struct eds_error err;
	int v;

	eds_record_init(&r);
	eds_record_push(&r, "123456", 6);
	eds_record_push(&r, date, strlen(date));
	v = st->process(st->ctx, &r, &err);
	*reason = r.reason;
	eds_record_release(&r);
	return v;
}

START_TEST(period_keeps_rows_within_inclusive_bounds)
{
	struct eds_error err;
	struct eds_period *p = eds_period_new("when", "2020-01-01",
	    "2020-12-31", &err);
	struct eds_header in, out;
	struct eds_stage st;
	const char *why;

	ck_assert_ptr_nonnull(p);
	eds_period_stage(p, &st);
	eds_header_init(&in);
	eds_header_init(&out);
	eds_header_add(&in, "ipp");
	eds_header_add(&in, "when");
	ck_assert_int_eq(st.start(st.ctx, &in, &out, &err), 0);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_int_eq(run_one(&st, "2020-01-01", &why), EDS_PASS);
	ck_assert_int_eq(run_one(&st, "2020-12-31T23:59:59", &why), EDS_PASS);
	ck_assert_int_eq(run_one(&st, "2019-12-31T23:59:59", &why), EDS_DROP);
	ck_assert_str_eq(why, "out-of-period");
	ck_assert_int_eq(run_one(&st, "2021-01-01", &why), EDS_DROP);
	ck_assert_str_eq(why, "out-of-period");
	ck_assert_int_eq(run_one(&st, "", &why), EDS_DROP);
	ck_assert_str_eq(why, "no-date");
	ck_assert_int_eq(run_one(&st, "31/12/2020", &why), EDS_DROP);
	ck_assert_str_eq(why, "no-date");
	eds_header_release(&in);
	eds_header_release(&out);
	eds_period_free(p);
}
END_TEST

START_TEST(period_with_an_open_end_keeps_everything_after_its_start)
{
	struct eds_error err;
	struct eds_period *p = eds_period_new("when", "2020-06-01", NULL, &err);
	struct eds_header in, out;
	struct eds_stage st;
	const char *why;

	eds_period_stage(p, &st);
	eds_header_init(&in);
	eds_header_init(&out);
	eds_header_add(&in, "ipp");
	eds_header_add(&in, "when");
	ck_assert_int_eq(st.start(st.ctx, &in, &out, &err), 0);
	ck_assert_int_eq(run_one(&st, "9999-12-31", &why), EDS_PASS);
	ck_assert_int_eq(run_one(&st, "2020-05-31", &why), EDS_DROP);
	eds_header_release(&in);
	eds_header_release(&out);
	eds_period_free(p);
}
END_TEST

START_TEST(period_refuses_bad_bounds_and_a_missing_column)
{
	struct eds_error err;
	struct eds_period *p;
	struct eds_header in, out;
	struct eds_stage st;

	ck_assert_ptr_null(eds_period_new("when", "2020-02-30", NULL, &err));
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	p = eds_period_new("nope", "2020-01-01", NULL, &err);
	eds_period_stage(p, &st);
	eds_header_init(&in);
	eds_header_init(&out);
	eds_header_add(&in, "when");
	ck_assert_int_eq(st.start(st.ctx, &in, &out, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "'nope'") != NULL, "%s", err.msg);
	eds_header_release(&in);
	eds_header_release(&out);
	eds_period_free(p);
}
END_TEST

Suite *
period_suite(void)
{
	Suite *s = suite_create("period");
	TCase *t = tcase_create("period");

	tcase_add_test(t, period_keeps_rows_within_inclusive_bounds);
	tcase_add_test(t, period_with_an_open_end_keeps_everything_after_its_start);
	tcase_add_test(t, period_refuses_bad_bounds_and_a_missing_column);
	suite_add_tcase(s, t);
	return s;
}
