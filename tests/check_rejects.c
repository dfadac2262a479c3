/*
 * check_rejects.c: the rejects file: its header, one row per rejected
 * record with file, line, reason, column, detail and the raw bytes whole
 * (quotes, separators, newlines, other encodings), the truncation note,
 * commit with checksum, and abort.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_util.h"
#include "csvread.h"
#include "rejects.h"

struct rows {
	char f[8][6][200];
	size_t nf[8];
	int n;
};

static int
keep(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct rows *b = ctx;
	size_t i;

	ck_assert_ptr_null(r->reason);
	ck_assert_int_lt(b->n, 8);
	b->nf[b->n] = r->n;
	for (i = 0; i < r->n && i < 6; i++)
		snprintf(b->f[b->n][i], 200, "%s", r->f[i].s);
	b->n++;
	return 0;
}

START_TEST(rejected_rows_are_kept_whole_with_where_and_why)
{
	const char *p = tu_path("rejects.csv");
	struct eds_rejects *rj;
	struct eds_record rec;
	struct eds_error err;
	struct eds_input *in;
	struct eds_csv_reader *r;
	static struct rows b;
	static const char raw1[] = "1;\"a \"\"quoted\"\"; value\nspanning\";x";
	static const char raw2[] = "caf\xe9;2";	/* Windows-1252 as read */
	char hex[EDS_SHA256_HEX], want[EDS_SHA256_HEX];
	uint64_t bytes = 0;

	rj = eds_rejects_open(p, &err);
	ck_assert_ptr_nonnull(rj);
	ck_assert_str_eq(eds_rejects_name(rj), p);
	eds_record_init(&rec);
	rec.file = "lab.csv";
	rec.line = 7;
	rec.raw = raw1;
	rec.raw_len = sizeof raw1 - 1;
	eds_record_reject(&rec, "bad-date", "sample_time",
	    "column '%s' is not a real date", "sample_time");
	ck_assert_int_eq(eds_rejects_write(rj, &rec, &err), 0);
	eds_record_clear(&rec);
	rec.line = 12;
	rec.raw = raw2;
	rec.raw_len = sizeof raw2 - 1;
	rec.raw_truncated = 1;
	eds_record_reject(&rec, "row-too-large", NULL, "too big");
	ck_assert_int_eq(eds_rejects_write(rj, &rec, &err), 0);
	ck_assert_int_eq(eds_rejects_commit(rj, hex, &bytes, &err), 0);
	eds_record_release(&rec);
	ck_assert_int_eq(eds_sha256_file(p, want, NULL, &err), 0);
	ck_assert_str_eq(hex, want);

	memset(&b, 0, sizeof b);
	in = eds_input_open(p, &err);
	r = eds_csv_reader_new(in, NULL);	/* canonical: comma, UTF-8 */
	/* The raw bytes stay in the source encoding, so read as Latin-1. */
	eds_csv_reader_free(r);
	{
		struct eds_csv_options o;

		eds_csv_options_init(&o);
		o.encoding = EDS_ENC_LATIN1;
		r = eds_csv_reader_new(in, &o);
	}
	ck_assert_int_eq(eds_csv_reader_run(r, keep, &b, &err), 0);
	eds_csv_reader_free(r);
	eds_input_close(in);
	ck_assert_int_eq(b.n, 3);
	ck_assert_uint_eq(b.nf[0], 6);
	ck_assert_str_eq(b.f[0][0], "file");
	ck_assert_str_eq(b.f[0][5], "raw");
	ck_assert_str_eq(b.f[1][0], "lab.csv");
	ck_assert_str_eq(b.f[1][1], "7");
	ck_assert_str_eq(b.f[1][2], "bad-date");
	ck_assert_str_eq(b.f[1][3], "sample_time");
	ck_assert_str_eq(b.f[1][4], "column 'sample_time' is not a real date");
	ck_assert_str_eq(b.f[1][5], raw1);
	ck_assert_str_eq(b.f[2][2], "row-too-large");
	ck_assert_str_eq(b.f[2][3], "");
	ck_assert_msg(strstr(b.f[2][4], "truncated") != NULL, "%s", b.f[2][4]);
	ck_assert_str_eq(b.f[2][5], "caf\xC3\xA9;2");
}
END_TEST

START_TEST(an_aborted_rejects_file_leaves_nothing)
{
	const char *p = tu_path("gone.csv");
	struct eds_rejects *rj;
	struct eds_error err;
	struct stat st;

	rj = eds_rejects_open(p, &err);
	ck_assert_ptr_nonnull(rj);
	eds_rejects_abort(rj);
	ck_assert_int_eq(stat(p, &st), -1);
	eds_rejects_abort(NULL);
}
END_TEST

START_TEST(a_rejects_file_that_cannot_be_created_is_cantcreat)
{
	struct eds_error err;
	char p[600];

	snprintf(p, sizeof p, "%s/missing-dir/r.csv", tu_tmpdir());
	ck_assert_ptr_null(eds_rejects_open(p, &err));
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
}
END_TEST

Suite *
rejects_suite(void)
{
	Suite *s = suite_create("rejects");
	TCase *t = tcase_create("rejects");

	tcase_add_test(t, rejected_rows_are_kept_whole_with_where_and_why);
	tcase_add_test(t, an_aborted_rejects_file_leaves_nothing);
	tcase_add_test(t, a_rejects_file_that_cannot_be_created_is_cantcreat);
	suite_add_tcase(s, t);
	return s;
}
