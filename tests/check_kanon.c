/*
 * check_kanon.c: k-anonymity counting: classes, smallest class and
 * histogram on a hand-counted dataset, values that only differ by where a
 * field ends, the pipeline stage, the suppression pass over a scratch CSV
 * (kept rows exact), the class cap, and memory bounded by classes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "csvwrite.h"
#include "kanon.h"
#include "output.h"

static const char *const QI[] = { "year", "dept" };

static void
add(struct eds_kanon *k, const char *a, const char *b)
{
	struct eds_field v[2];
	struct eds_error err;

	v[0].s = a;
	v[0].len = strlen(a);
	v[1].s = b;
	v[1].len = strlen(b);
	ck_assert(eds_kanon_add(k, v, &err) == 0);
}

static uint64_t
count(const struct eds_kanon *k, const char *a, const char *b)
{
	struct eds_field v[2];

	v[0].s = a;
	v[0].len = strlen(a);
	v[1].s = b;
	v[1].len = strlen(b);
	return eds_kanon_count(k, v);
}

/*
 * 2024/75 x3, 2024/13 x3, 2025/75 x1, 2025/2A x2, 1990/75 x1:
 * 5 classes, 10 rows, sizes 1,1,2,3,3.
 */
static void
sample(struct eds_kanon *k)
{
	add(k, "2024", "75");
	add(k, "2024", "13");
	add(k, "2025", "75");
	add(k, "2024", "75");
	add(k, "2025", "2A");
	add(k, "2024", "13");
	add(k, "1990", "75");
	add(k, "2024", "75");
	add(k, "2025", "2A");
	add(k, "2024", "13");
}

START_TEST(classes_min_k_and_histogram_are_counted)
{
	struct eds_kanon *k = eds_kanon_new(QI, 2, 0);
	struct eds_kanon_summary s;

	sample(k);
	ck_assert_int_eq(eds_kanon_classes(k), 5);
	ck_assert_int_eq(count(k, "2024", "75"), 3);
	ck_assert_int_eq(count(k, "2025", "2A"), 2);
	ck_assert_int_eq(count(k, "2026", "75"), 0);
	eds_kanon_summarise(k, 3, 0, &s);
	ck_assert_int_eq(s.rows, 10);
	ck_assert_int_eq(s.classes, 5);
	ck_assert_int_eq(s.min_k, 1);
	ck_assert_int_eq(s.classes_below_k, 3);
	ck_assert_int_eq(s.rows_below_k, 4);
	ck_assert_int_eq(s.nhist, 3);
	ck_assert(s.hist[0].size == 1 && s.hist[0].classes == 2);
	ck_assert(s.hist[1].size == 2 && s.hist[1].classes == 1);
	ck_assert(s.hist[2].size == 3 && s.hist[2].classes == 2);
	eds_kanon_summary_release(&s);
	/* After suppression only the classes of at least k remain. */
	eds_kanon_summarise(k, 3, EDS_KANON_KEPT, &s);
	ck_assert_int_eq(s.rows, 6);
	ck_assert_int_eq(s.classes, 2);
	ck_assert_int_eq(s.min_k, 3);
	ck_assert_int_eq(s.classes_below_k, 0);
	eds_kanon_summary_release(&s);
	eds_kanon_free(k);

	k = eds_kanon_new(QI, 2, 0);
	eds_kanon_summarise(k, 5, 0, &s);
	ck_assert_msg(s.min_k == 0 && s.rows == 0 && s.nhist == 0,
	    "no rows: min_k 0");
	eds_kanon_summary_release(&s);
	eds_kanon_free(k);
}
END_TEST

START_TEST(values_are_kept_apart_by_their_lengths)
{
	struct eds_kanon *k = eds_kanon_new(QI, 2, 0);

	add(k, "ab", "c");
	add(k, "a", "bc");
	add(k, "", "abc");
	add(k, "abc", "");
	ck_assert_int_eq(eds_kanon_classes(k), 4);
	eds_kanon_free(k);
}
END_TEST

START_TEST(the_stage_counts_named_columns_and_passes_rows)
{
	struct eds_kanon *k = eds_kanon_new(QI, 2, 0);
	struct eds_header in, out;
	struct eds_record r;
	struct eds_stage st;
	struct eds_error err;

	eds_header_init(&in);
	eds_header_add(&in, "patient");
	eds_header_add(&in, "dept");
	eds_header_add(&in, "year");
	eds_header_init(&out);
	eds_kanon_stage(k, &st);
	ck_assert(st.start(st.ctx, &in, &out, &err) == 0);
	ck_assert_int_eq(out.n, 3);
	eds_record_init(&r);
	eds_record_push(&r, "p1", 2);
	eds_record_push(&r, "75", 2);
	eds_record_push(&r, "2024", 4);
	ck_assert_int_eq(st.process(st.ctx, &r, &err), EDS_PASS);
	ck_assert_int_eq(st.process(st.ctx, &r, &err), EDS_PASS);
	ck_assert_int_eq(count(k, "2024", "75"), 2);
	eds_record_release(&r);
	eds_header_release(&out);
	eds_header_release(&in);

	eds_header_init(&in);
	eds_header_add(&in, "year");
	eds_header_init(&out);
	ck_assert(st.start(st.ctx, &in, &out, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "'dept'") != NULL, "%s", err.msg);
	eds_header_release(&out);
	eds_header_release(&in);
	eds_kanon_free(k);
}
END_TEST

START_TEST(suppression_copies_only_rows_of_classes_of_k)
{
	struct eds_kanon *k = eds_kanon_new(QI, 2, 0);
	struct eds_output *out;
	struct eds_error err;
	uint64_t kept, suppressed;
	char *s;

	/* Pass 1 wrote this file while counting (same rows as sample()). */
	tu_write_str(tu_path("pass1.csv"),
	    "patient,year,dept,code\n"
	    "a,2024,75,I10\nb,2024,13,E11\nc,2025,75,I10\nd,2024,75,\"J4,5\"\n"
	    "e,2025,2A,I10\nf,2024,13,E11\ng,1990,75,C50\nh,2024,75,I10\n"
	    "i,2025,2A,E11\nj,2024,13,I10\n");
	sample(k);
	out = eds_output_open(tu_path("pass2.csv"), 0, &err);
	ck_assert(out != NULL);
	ck_assert_msg(eds_kanon_filter(k, 3, tu_path("pass1.csv"), out, &kept,
	    &suppressed, &err) == 0, "%s", err.msg);
	ck_assert(eds_output_commit(out, &err) == 0);
	ck_assert_int_eq(kept, 6);
	ck_assert_int_eq(suppressed, 4);
	s = tu_read(tu_path("pass2.csv"), NULL);
	ck_assert_str_eq(s, "patient,year,dept,code\n"
	    "a,2024,75,I10\nb,2024,13,E11\nd,2024,75,\"J4,5\"\n"
	    "f,2024,13,E11\nh,2024,75,I10\nj,2024,13,I10\n");
	free(s);

	/* A file that is not the one counted. */
	tu_write_str(tu_path("other.csv"), "year,dept\n2030,99\n");
	out = eds_output_open(tu_path("o.csv"), 0, &err);
	ck_assert(eds_kanon_filter(k, 3, tu_path("other.csv"), out, &kept,
	    &suppressed, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_SOFTWARE);
	eds_output_abort(out);
	tu_write_str(tu_path("other.csv"), "year\n2030\n");
	out = eds_output_open(tu_path("o.csv"), 0, &err);
	ck_assert(eds_kanon_filter(k, 3, tu_path("other.csv"), out, &kept,
	    &suppressed, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	eds_output_abort(out);
	eds_kanon_free(k);
}
END_TEST

START_TEST(the_class_cap_stops_a_dataset_that_cannot_be_anonymous)
{
	struct eds_kanon *k = eds_kanon_new(QI, 2, 3);
	struct eds_field v[2];
	struct eds_error err;

	add(k, "1", "a");
	add(k, "2", "a");
	add(k, "3", "a");
	add(k, "3", "a");
	v[0].s = "4";
	v[0].len = 1;
	v[1].s = "a";
	v[1].len = 1;
	ck_assert(eds_kanon_add(k, v, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "more than 3") != NULL, "%s", err.msg);
	eds_kanon_free(k);
}
END_TEST

START_TEST(memory_grows_with_classes_not_rows)
{
	struct eds_kanon *k = eds_kanon_new(QI, 2, 0);
	size_t base = eds_kanon_bytes(k), i;
	char a[32], b[32];

	for (i = 0; i < 200000; i++) {
		snprintf(a, sizeof a, "%zu", 1950 + i % 10);
		snprintf(b, sizeof b, "%zu", i % 20);
		add(k, a, b);
	}
	ck_assert_int_eq(eds_kanon_classes(k), 20);
	ck_assert_msg(eds_kanon_bytes(k) == base, "200000 rows in 20 classes "
	    "keep the initial table (%zu bytes)", eds_kanon_bytes(k));
	eds_kanon_free(k);

	k = eds_kanon_new(QI, 2, 0);
	for (i = 0; i < 50000; i++) {
		snprintf(a, sizeof a, "%zu", i);
		add(k, a, "x");
	}
	ck_assert_int_eq(eds_kanon_classes(k), 50000);
	ck_assert_msg(eds_kanon_bytes(k) <= 69 * 50000 &&
	    eds_kanon_bytes(k) >= 34 * 50000, "34 to 69 bytes per class: %zu",
	    eds_kanon_bytes(k));
	eds_kanon_free(k);
}
END_TEST

Suite *
kanon_suite(void)
{
	Suite *s = suite_create("kanon");
	TCase *t = tcase_create("kanon");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, classes_min_k_and_histogram_are_counted);
	tcase_add_test(t, values_are_kept_apart_by_their_lengths);
	tcase_add_test(t, the_stage_counts_named_columns_and_passes_rows);
	tcase_add_test(t, suppression_copies_only_rows_of_classes_of_k);
	tcase_add_test(t, the_class_cap_stops_a_dataset_that_cannot_be_anonymous);
	tcase_add_test(t, memory_grows_with_classes_not_rows);
	suite_add_tcase(s, t);
	return s;
}
