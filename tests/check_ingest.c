/*
 * check_ingest.c: eds_ingest as one call: every row accounted for
 * (rows_in = rows_out + rows_rejected in every case), the reject-rate
 * threshold, the output committed only on success, the rejects file
 * committed even on failure, several files, and the run record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_util.h"
#include "ingest.h"

static const char schema_text[] =
    "source: t\nseparator: \";\"\ncolumns:\n"
    "  - {name: id, input: ID, type: id, required: true}\n"
    "  - {name: born, input: NE, type: date, format: \"%d/%m/%Y\"}\n"
    "  - {name: w, input: POIDS, type: decimal}\n";

struct fixture {
	struct eds_schema *schema;
	struct eds_ingest_options o;
	struct eds_run run;
	struct eds_error err;
	char out[600], rej[600];
};

static void
setup(struct fixture *f, const char *name)
{
	const char *p = tu_path("ingest.yaml");

	memset(f, 0, sizeof *f);
	tu_write_str(p, schema_text);
	f->schema = eds_schema_load(p, &f->err);
	ck_assert_ptr_nonnull(f->schema);
	eds_ingest_options_init(&f->o);
	ck_assert(f->o.max_reject_rate == 0.01);
	f->o.schema = f->schema;
	snprintf(f->out, sizeof f->out, "%s/%s.out.csv", tu_tmpdir(), name);
	snprintf(f->rej, sizeof f->rej, "%s/%s.rejects.csv", tu_tmpdir(), name);
	f->o.output = f->out;
	f->o.rejects = f->rej;
	eds_run_init(&f->run, "eds-ingest", "ingest");
}

static void
teardown(struct fixture *f)
{
	eds_run_release(&f->run);
	eds_schema_free(f->schema);
}

static int
go(struct fixture *f, char **files, size_t n)
{
	int rc;

	eds_error_clear(&f->err);
	rc = eds_ingest(&f->o, files, n, &f->run, &f->err);
	/* The one invariant, whatever happened. */
	ck_assert_uint_eq(eds_run_get(&f->run, "rows_in"),
	    eds_run_get(&f->run, "rows_out") +
	    eds_run_get(&f->run, "rows_rejected"));
	return rc;
}

static char *
input(const char *name, const char *text)
{
	const char *p = tu_path(name);

	tu_write_str(p, text);
	return strdup(p);
}

static int
exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* Data rows in a CSV file (lines minus the header; no quoted LFs here). */
static int
lines(const char *p)
{
	char *t = tu_read(p, NULL), *s;
	int n = 0;

	for (s = t; *s != '\0'; s++)
		n += *s == '\n';
	free(t);
	return n - 1;
}

START_TEST(a_clean_extract_is_normalised_whole)
{
	struct fixture f;
	char *in = input("clean.csv", "ID;NE;POIDS\n1;01/02/1980;72,5\n"
	    "2;;\n");
	char *text;

	setup(&f, "clean");
	ck_assert_msg(go(&f, &in, 1) == 0, "%s", f.err.msg);
	text = tu_read(f.out, NULL);
	ck_assert_str_eq(text, "id,born,w\n1,1980-02-01,72.5\n2,,\n");
	free(text);
	ck_assert_uint_eq(eds_run_get(&f.run, "rows_in"), 2);
	ck_assert_int_eq(lines(f.rej), 0);
	ck_assert_uint_eq(f.run.ninputs, 1);
	ck_assert_uint_eq(strlen(f.run.inputs[0].sha256), 64);
	ck_assert_uint_eq(f.run.noutputs, 2);	/* rejects, then output */
	ck_assert_str_eq(f.run.outputs[1].path, f.out);
	ck_assert_str_eq(f.run.config_sha256, f.schema->sha256);
	free(in);
	teardown(&f);
}
END_TEST

START_TEST(rejected_rows_are_counted_by_reason_and_quarantined)
{
	struct fixture f;
	char *in = input("mixed.csv", "ID;NE;POIDS\n1;01/02/1980;1\n"
	    ";01/02/1980;1\n3;31/02/1980;1\n4;01/02/1980\n5;;x\n6;;\"open\n");

	setup(&f, "mixed");
	f.o.max_reject_rate = 1;
	ck_assert_int_eq(go(&f, &in, 1), -1);	/* the quote never closes */
	ck_assert_int_eq(f.err.status, EDS_EX_DATAERR);
	ck_assert_uint_eq(eds_run_get(&f.run, "rows_in"), 6);
	ck_assert_uint_eq(eds_run_get(&f.run, "rows_out"), 1);
	ck_assert_uint_eq(eds_run_get(&f.run, "rejected.missing-required"), 1);
	ck_assert_uint_eq(eds_run_get(&f.run, "rejected.bad-date"), 1);
	ck_assert_uint_eq(eds_run_get(&f.run, "rejected.column-count"), 1);
	ck_assert_uint_eq(eds_run_get(&f.run, "rejected.bad-decimal"), 1);
	ck_assert_uint_eq(eds_run_get(&f.run, "rejected.unterminated-quote"), 1);
	ck_assert_msg(!exists(f.out), "no output after a failure");
	ck_assert_int_eq(lines(f.rej), 5);
	free(in);
	teardown(&f);
}
END_TEST

START_TEST(the_reject_rate_is_a_maximum_not_reached_by_equality)
{
	struct fixture f;
	char text[8000], *in;
	size_t n = 0;
	int i;

	/* 200 rows, 2 bad: exactly 1% */
	n += (size_t)snprintf(text, sizeof text, "ID;NE;POIDS\n");
	for (i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%d;;%s\n", i,
		    i < 2 ? "bad" : "1");
	in = input("rate.csv", text);
	setup(&f, "rate");
	ck_assert_msg(go(&f, &in, 1) == 0, "2 of 200 at 1%%: %s", f.err.msg);
	ck_assert_int_eq(lines(f.out), 198);
	ck_assert_int_eq(lines(f.rej), 2);
	teardown(&f);

	/* 3 bad of 200 is over 1%: output not committed, rejects are */
	n = (size_t)snprintf(text, sizeof text, "ID;NE;POIDS\n");
	for (i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%d;;%s\n", i,
		    i < 3 ? "bad" : "1");
	tu_write_str(in, text);
	setup(&f, "rate2");
	ck_assert_int_eq(go(&f, &in, 1), -1);
	ck_assert_int_eq(f.err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(f.err.msg, "3 of 200 rows rejected") != NULL,
	    "%s", f.err.msg);
	ck_assert_msg(!exists(f.out), "output must not be committed");
	ck_assert_int_eq(lines(f.rej), 3);
	ck_assert_uint_eq(f.run.noutputs, 1);	/* only the rejects */
	teardown(&f);

	/* a rate of 0 tolerates nothing */
	setup(&f, "rate3");
	f.o.max_reject_rate = 0;
	ck_assert_int_eq(go(&f, &in, 1), -1);
	teardown(&f);
	free(in);
}
END_TEST

START_TEST(several_files_each_bring_their_own_header)
{
	struct fixture f;
	char *in[2];
	char *text;

	in[0] = input("a.csv", "ID;NE;POIDS\n1;;1\n");
	in[1] = input("b.csv", "POIDS;ID;NE\n2,5;2;\n;;\n");
	setup(&f, "multi");
	f.o.max_reject_rate = 1;
	ck_assert_msg(go(&f, in, 2) == 0, "%s", f.err.msg);
	text = tu_read(f.out, NULL);
	ck_assert_str_eq(text, "id,born,w\n1,,1\n2,,2.5\n");
	free(text);
	text = tu_read(f.rej, NULL);
	ck_assert_msg(strstr(text, "b.csv,3,missing-required,id,") != NULL,
	    "%s", text);
	free(text);
	ck_assert_uint_eq(f.run.ninputs, 2);
	free(in[0]);
	free(in[1]);
	teardown(&f);
}
END_TEST

START_TEST(a_missing_file_fails_the_run_but_the_accounting_stands)
{
	struct fixture f;
	char *in[2];

	in[0] = input("ok.csv", "ID;NE;POIDS\n1;;1\n2;;z\n");
	in[1] = strdup(tu_path("missing.csv"));
	setup(&f, "missing");
	f.o.max_reject_rate = 1;
	ck_assert_int_eq(go(&f, in, 2), -1);
	ck_assert_int_eq(f.err.status, EDS_EX_NOINPUT);
	ck_assert_uint_eq(eds_run_get(&f.run, "rows_in"), 2);
	ck_assert_msg(!exists(f.out), "no output after a failure");
	ck_assert_int_eq(lines(f.rej), 1);	/* still explains the reject */
	free(in[0]);
	free(in[1]);
	teardown(&f);
}
END_TEST

START_TEST(empty_files_fail_and_header_only_files_give_no_rows)
{
	struct fixture f;
	char *in = input("empty.csv", "");
	char *text;

	setup(&f, "empty");
	ck_assert_int_eq(go(&f, &in, 1), -1);
	ck_assert_int_eq(f.err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(f.err.msg, "file is empty") != NULL, "%s",
	    f.err.msg);
	ck_assert_msg(!exists(f.out), "no output for an empty file");
	teardown(&f);
	free(in);

	in = input("header.csv", "ID;NE;POIDS\r\n");
	setup(&f, "header");
	ck_assert_msg(go(&f, &in, 1) == 0, "%s", f.err.msg);
	text = tu_read(f.out, NULL);
	ck_assert_str_eq(text, "id,born,w\n");
	free(text);
	ck_assert_uint_eq(eds_run_get(&f.run, "rows_in"), 0);
	teardown(&f);
	free(in);

	in = input("badheader.csv", "ID;NE;POIDS;EXTRA\n1;;;\n");
	setup(&f, "badheader");
	ck_assert_int_eq(go(&f, &in, 1), -1);
	ck_assert_int_eq(f.err.status, EDS_EX_DATAERR);
	ck_assert_uint_eq(f.err.line, 1);
	ck_assert_msg(!exists(f.out), "no output after a bad header");
	teardown(&f);
	free(in);
}
END_TEST

START_TEST(without_a_rejects_file_rows_are_still_counted)
{
	struct fixture f;
	char *in = input("norej.csv", "ID;NE;POIDS\n1;;1\n;;\n");

	setup(&f, "norej");
	f.o.rejects = NULL;
	f.o.max_reject_rate = 0.5;
	f.o.gzip = 1;
	ck_assert_msg(go(&f, &in, 1) == 0, "%s", f.err.msg);
	ck_assert_uint_eq(eds_run_get(&f.run, "rows_rejected"), 1);
	ck_assert_uint_eq(f.run.noutputs, 1);
	ck_assert(exists(f.out));
	{
		char *t = tu_read(f.out, NULL);

		ck_assert_msg((unsigned char)t[0] == 0x1f &&
		    (unsigned char)t[1] == 0x8b, "-z writes gzip");
		free(t);
	}
	free(in);
	teardown(&f);
}
END_TEST

Suite *
ingest_suite(void)
{
	Suite *s = suite_create("ingest");
	TCase *t = tcase_create("ingest");

	tcase_add_test(t, a_clean_extract_is_normalised_whole);
	tcase_add_test(t, rejected_rows_are_counted_by_reason_and_quarantined);
	tcase_add_test(t, the_reject_rate_is_a_maximum_not_reached_by_equality);
	tcase_add_test(t, several_files_each_bring_their_own_header);
	tcase_add_test(t, a_missing_file_fails_the_run_but_the_accounting_stands);
	tcase_add_test(t, empty_files_fail_and_header_only_files_give_no_rows);
	tcase_add_test(t, without_a_rejects_file_rows_are_still_counted);
	suite_add_tcase(s, t);
	return s;
}
