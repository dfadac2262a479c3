/*
 * check_pipeline.c: records through a list of stages: header mapping,
 * pass, drop (with the dropping stage), errors, finish order.
 */
#include "config.h"

#include <string.h>

#include "check_util.h"
#include "pipeline.h"

struct trace {
	char log[256];
};

static void
note(struct trace *t, const char *s)
{
	strncat(t->log, s, sizeof t->log - strlen(t->log) - 1);
}

/* Stage 1: upper-cases column 0 in place (arena copy), adds a column. */
static int
up_start(void *ctx, const struct eds_header *in, struct eds_header *out,
    struct eds_error *err)
{
	size_t i;

	note(ctx, "S1");
	for (i = 0; i < in->n; i++)
		eds_header_add(out, in->names[i]);
	eds_header_add(out, "flag");
	return 0;
}

static int
up_process(void *ctx, struct eds_record *r, struct eds_error *err)
{
	char buf[32];
	size_t i;

	note(ctx, "P1");
	for (i = 0; i < r->f[0].len && i < sizeof buf - 1; i++)
		buf[i] = (char)(r->f[0].s[i] >= 'a' && r->f[0].s[i] <= 'z' ?
		    r->f[0].s[i] - 32 : r->f[0].s[i]);
	eds_record_set(r, 0, buf, i);
	eds_record_push(r, "y", 1);
	return EDS_PASS;
}

static int
up_finish(void *ctx, struct eds_error *err)
{
	note(ctx, "F1");
	return 0;
}

/* Stage 2: drops rows whose first field is "DROP", fails on "FAIL". */
static int
filter_process(void *ctx, struct eds_record *r, struct eds_error *err)
{
	note(ctx, "P2");
	if (strcmp(r->f[0].s, "DROP") == 0) {
		eds_record_reject(r, "dropped", NULL, "asked to");
		return EDS_DROP;
	}
	if (strcmp(r->f[0].s, "FAIL") == 0)
		return eds_error_set(err, 70, "stage failed");
	return EDS_PASS;
}

static int
filter_finish(void *ctx, struct eds_error *err)
{
	note(ctx, "F2");
	return eds_error_set(err, 74, "finish failed");
}

static int
never_called(void *ctx, struct eds_error *err)
{
	note(ctx, "F3");
	return 0;
}

START_TEST(stages_see_the_header_then_rows_then_the_end_in_order)
{
	struct trace t = { "" };
	struct eds_stage s1 = { "up", &t, up_start, up_process, up_finish };
	struct eds_stage s2 = { "filter", &t, NULL, filter_process,
	    filter_finish };
	struct eds_stage s3 = { "last", &t, NULL, filter_process,
	    never_called };
	struct eds_pipeline p;
	struct eds_header in;
	struct eds_record r;
	struct eds_error err;
	size_t stage = 99;

	eds_pipeline_init(&p);
	eds_pipeline_add(&p, &s1);
	eds_pipeline_add(&p, &s2);
	eds_pipeline_add(&p, &s3);
	eds_header_init(&in);
	eds_header_add(&in, "name");
	ck_assert_int_eq(eds_pipeline_start(&p, &in, &err), 0);
	ck_assert_uint_eq(eds_pipeline_header(&p)->n, 2);
	ck_assert_str_eq(eds_pipeline_header(&p)->names[1], "flag");
	eds_header_release(&in);

	eds_record_init(&r);
	eds_record_push(&r, "keep", 4);
	ck_assert_int_eq(eds_pipeline_push(&p, &r, &stage, &err), EDS_PASS);
	ck_assert_str_eq(r.f[0].s, "KEEP");
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(stage, 99);

	eds_record_clear(&r);
	eds_record_push(&r, "drop", 4);
	ck_assert_int_eq(eds_pipeline_push(&p, &r, &stage, &err), EDS_DROP);
	ck_assert_uint_eq(stage, 1);
	ck_assert_str_eq(r.reason, "dropped");

	eds_record_clear(&r);
	eds_record_push(&r, "fail", 4);
	ck_assert_int_eq(eds_pipeline_push(&p, &r, NULL, &err), -1);
	ck_assert_int_eq(err.status, 70);

	ck_assert_int_eq(eds_pipeline_finish(&p, &err), -1);
	ck_assert_int_eq(err.status, 74);
	/* S1; row 1 through all; row 2 stops at 2; row 3 fails at 2; F3
	 * never runs because F2 failed. */
	ck_assert_str_eq(t.log, "S1P1P2P2P1P2P1P2F1F2");
	eds_record_release(&r);
	eds_pipeline_release(&p);
}
END_TEST

static int
refuse_start(void *ctx, const struct eds_header *in, struct eds_header *out,
    struct eds_error *err)
{
	return eds_error_set(err, 78, "column missing");
}

START_TEST(a_stage_refusing_the_header_stops_the_start)
{
	struct eds_stage s = { "refuse", NULL, refuse_start, filter_process,
	    NULL };
	struct eds_pipeline p;
	struct eds_header in;
	struct eds_error err;

	eds_pipeline_init(&p);
	eds_pipeline_add(&p, &s);
	eds_header_init(&in);
	ck_assert_int_eq(eds_pipeline_start(&p, &in, &err), -1);
	ck_assert_int_eq(err.status, 78);
	eds_pipeline_release(&p);	/* safe after a failed start */
	eds_pipeline_release(&p);	/* and twice */
}
END_TEST

START_TEST(an_empty_pipeline_passes_rows_and_keeps_the_header)
{
	struct eds_pipeline p;
	struct eds_header in;
	struct eds_record r;
	struct eds_error err;

	eds_pipeline_init(&p);
	eds_header_init(&in);
	eds_header_add(&in, "a");
	ck_assert_int_eq(eds_pipeline_start(&p, &in, &err), 0);
	ck_assert_str_eq(eds_pipeline_header(&p)->names[0], "a");
	eds_record_init(&r);
	ck_assert_int_eq(eds_pipeline_push(&p, &r, NULL, &err), EDS_PASS);
	ck_assert_int_eq(eds_pipeline_finish(&p, &err), 0);
	eds_record_release(&r);
	eds_header_release(&in);
	eds_pipeline_release(&p);
}
END_TEST

Suite *
pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *t = tcase_create("pipeline");

	tcase_add_test(t, stages_see_the_header_then_rows_then_the_end_in_order);
	tcase_add_test(t, a_stage_refusing_the_header_stops_the_start);
	tcase_add_test(t, an_empty_pipeline_passes_rows_and_keeps_the_header);
	suite_add_tcase(s, t);
	return s;
}
