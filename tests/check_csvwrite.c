/*
 * check_csvwrite.c: canonical CSV: quotes only when a value holds a comma,
 * a quote, a CR or an LF; doubled quotes; LF line ends; values larger than
 * the buffer; and a round trip through the reader of awkward values.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "csvread.h"
#include "csvwrite.h"
#include "xmalloc.h"

START_TEST(quotes_are_needed_only_for_comma_quote_cr_and_lf)
{
	ck_assert(!eds_csv_needs_quotes("", 0));
	ck_assert(!eds_csv_needs_quotes("plain text", 10));
	ck_assert(!eds_csv_needs_quotes(" lead;semi\ttab|pipe ", 20));
	ck_assert(!eds_csv_needs_quotes("\xC3\xA9t\xC3\xA9", 6));
	ck_assert(eds_csv_needs_quotes("a,b", 3));
	ck_assert(eds_csv_needs_quotes("say \"hi\"", 8));
	ck_assert(eds_csv_needs_quotes("two\nlines", 9));
	ck_assert(eds_csv_needs_quotes("cr\r", 3));
	ck_assert(!eds_csv_needs_quotes("a,b", 1));	/* only len counts */
}
END_TEST

/* Write rows to a file and return its text. */
static char *
written(void (*fill)(struct eds_output *))
{
	const char *p = tu_path("w.csv");
	struct eds_output *o;
	struct eds_error err;

	o = eds_output_open(p, 0, &err);
	ck_assert_ptr_nonnull(o);
	fill(o);
	ck_assert_int_eq(eds_output_commit(o, &err), 0);
	return tu_read(p, NULL);
}

static void
fill_mixed(struct eds_output *o)
{
	struct eds_header h;
	struct eds_field f[5] = {
		{ "1", 1 }, { "a,b", 3 }, { "say \"hi\"", 8 },
		{ "", 0 }, { "x\ny", 3 }
	};
	char *v[3] = { "semi;colon", " spaced ", "\"" };
	struct eds_error err;

	eds_header_init(&h);
	eds_header_add(&h, "id");
	eds_header_add(&h, "note,with comma");
	ck_assert_int_eq(eds_csv_write_header(o, &h, &err), 0);
	eds_header_release(&h);
	ck_assert_int_eq(eds_csv_write_fields(o, f, 5, &err), 0);
	ck_assert_int_eq(eds_csv_write_strings(o, v, 3, &err), 0);
}

START_TEST(writer_quotes_only_what_needs_it_and_doubles_quotes)
{
	char *t = written(fill_mixed);

	ck_assert_str_eq(t,
	    "id,\"note,with comma\"\n"
	    "1,\"a,b\",\"say \"\"hi\"\"\",,\"x\ny\"\n"
	    "semi;colon, spaced ,\"\"\"\"\n");
	free(t);
}
END_TEST

static void
fill_empty_rows(struct eds_output *o)
{
	struct eds_field one = { "", 0 }, two[2] = { { "", 0 }, { "", 0 } };
	struct eds_error err;

	ck_assert_int_eq(eds_csv_write_fields(o, &one, 1, &err), 0);
	ck_assert_int_eq(eds_csv_write_fields(o, two, 2, &err), 0);
}

START_TEST(a_row_of_one_empty_value_is_not_written_as_a_blank_line)
{
	char *t = written(fill_empty_rows);

	/* A blank line is no row to a reader; "" is one empty value. */
	ck_assert_str_eq(t, "\"\"\n,\n");
	free(t);
}
END_TEST

static char *big_value;

static void
fill_big(struct eds_output *o)
{
	struct eds_field f[3] = { { "a", 1 }, { big_value, 0 }, { "z", 1 } };
	struct eds_error err;

	f[1].len = strlen(big_value);
	ck_assert_int_eq(eds_csv_write_fields(o, f, 3, &err), 0);
	big_value[1000] = ',';		/* now it needs quotes */
	ck_assert_int_eq(eds_csv_write_fields(o, f, 3, &err), 0);
}

START_TEST(values_larger_than_the_buffer_are_written_whole)
{
	size_t n = 400000, len;
	char *t;

	big_value = xmalloc(n + 1);
	memset(big_value, 'v', n);
	big_value[n] = '\0';
	t = written(fill_big);
	len = strlen(t);
	ck_assert_uint_eq(len, 2 * (n + 5) + 2);
	ck_assert_int_eq(memcmp(t, "a,vvv", 5), 0);
	ck_assert_int_eq(memcmp(t + n + 2, ",z\na,\"vvv", 9), 0);
	ck_assert_int_eq(memcmp(t + len - 4, "\",z\n", 4), 0);
	free(t);
	free(big_value);
}
END_TEST

/* --- round trip ------------------------------------------------------- */

static const char *const awkward[] = {
	"", " ", "plain", "a,b", "\"", "\"\"", "say \"hi\", then go",
	"line1\nline2", "crlf\r\ninside", "trailing cr\r", "\ttab",
	"semi;colon", "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC", "  both  ", ",", "\n",
	NULL
};

struct back {
	char rows[40][8][64];
	size_t nf[40];
	int n;
};

static int
keep(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct back *b = ctx;
	size_t i;

	ck_assert_ptr_null(r->reason);
	ck_assert_int_lt(b->n, 40);
	b->nf[b->n] = r->n;
	for (i = 0; i < r->n && i < 8; i++)
		snprintf(b->rows[b->n][i], 64, "%s", r->f[i].s);
	b->n++;
	return 0;
}

START_TEST(awkward_values_round_trip_through_the_reader)
{
	const char *p = tu_path("rt.csv");
	struct eds_output *o;
	struct eds_input *in;
	struct eds_csv_reader *r;
	struct eds_error err;
	struct eds_field f[3];
	static struct back b;
	int i, n;

	for (n = 0; awkward[n] != NULL; n++)
		;
	o = eds_output_open(p, 0, &err);
	/* each value alone, then in the middle of a row of three */
	for (i = 0; i < n; i++) {
		f[0].s = awkward[i];
		f[0].len = strlen(awkward[i]);
		ck_assert_int_eq(eds_csv_write_fields(o, f, 1, &err), 0);
	}
	for (i = 0; i < n; i++) {
		f[0].s = "x";
		f[1].s = awkward[i];
		f[2].s = awkward[(i + 1) % n];
		f[0].len = 1;
		f[1].len = strlen(f[1].s);
		f[2].len = strlen(f[2].s);
		ck_assert_int_eq(eds_csv_write_fields(o, f, 3, &err), 0);
	}
	ck_assert_int_eq(eds_output_commit(o, &err), 0);

	memset(&b, 0, sizeof b);
	in = eds_input_open(p, &err);
	r = eds_csv_reader_new(in, NULL);
	ck_assert_int_eq(eds_csv_reader_run(r, keep, &b, &err), 0);
	eds_csv_reader_free(r);
	eds_input_close(in);
	ck_assert_int_eq(b.n, 2 * n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(b.nf[i], 1);
		ck_assert_msg(strcmp(b.rows[i][0], awkward[i]) == 0,
		    "value %d alone came back as [%s]", i, b.rows[i][0]);
		ck_assert_uint_eq(b.nf[n + i], 3);
		ck_assert_msg(strcmp(b.rows[n + i][1], awkward[i]) == 0 &&
		    strcmp(b.rows[n + i][2], awkward[(i + 1) % n]) == 0,
		    "values %d and %d in a row came back changed", i,
		    (i + 1) % n);
	}
}
END_TEST

Suite *
csvwrite_suite(void)
{
	Suite *s = suite_create("csvwrite");
	TCase *t = tcase_create("csvwrite");

	tcase_add_test(t, quotes_are_needed_only_for_comma_quote_cr_and_lf);
	tcase_add_test(t, writer_quotes_only_what_needs_it_and_doubles_quotes);
	tcase_add_test(t, a_row_of_one_empty_value_is_not_written_as_a_blank_line);
	tcase_add_test(t, values_larger_than_the_buffer_are_written_whole);
	tcase_add_test(t, awkward_values_round_trip_through_the_reader);
	suite_add_tcase(s, t);
	return s;
}
