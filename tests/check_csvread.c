/*
 * check_csvread.c: the streaming CSV reader against the csv-spectrum suite
 * (read from the vectors at test time) and against the messiness of real
 * extracts: separators, BOM, CRLF, Windows-1252, gzip, line numbers, raw
 * bytes of rejected rows, size limits and resynchronisation.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "check_util.h"
#include "csvread.h"
#include "json.h"
#include "xmalloc.h"

/* Every row as read: fields joined by '|' , plus line, reason and raw. */
struct got {
	char rows[64][512];
	char raw[64][512];
	const char *reason[64];
	unsigned long line[64];
	int n;
	size_t max_raw;
};

static int
collect(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct got *g = ctx;
	size_t i, k = 0;

	(void)err;
	ck_assert_int_lt(g->n, 64);
	g->rows[g->n][0] = '\0';
	for (i = 0; i < r->n && r->reason == NULL; i++)
		k += (size_t)snprintf(g->rows[g->n] + k, 512 - k, "%s%s",
		    i ? "|" : "", r->f[i].s);
	snprintf(g->raw[g->n], 512, "%.*s", (int)(r->raw_len > 500 ? 500 :
	    r->raw_len), r->raw);
	if (r->raw_len > g->max_raw)
		g->max_raw = r->raw_len;
	g->reason[g->n] = r->reason;
	g->line[g->n] = r->line;
	g->n++;
	return 0;
}

static int
read_file(const char *path, const struct eds_csv_options *o, struct got *g,
    struct eds_error *err)
{
	struct eds_input *in;
	struct eds_csv_reader *r;
	int rc;

	memset(g, 0, sizeof *g);
	eds_error_clear(err);
	in = eds_input_open(path, err);
	ck_assert_msg(in != NULL, "open %s: %s", path, err->msg);
	r = eds_csv_reader_new(in, o);
	rc = eds_csv_reader_run(r, collect, g, err);
	eds_csv_reader_free(r);
	eds_input_close(in);
	return rc;
}

static int
read_str(const char *s, size_t len, const struct eds_csv_options *o,
    struct got *g, struct eds_error *err)
{
	const char *p = tu_path("in.csv");

	tu_write(p, s, len);
	return read_file(p, o, g, err);
}

/* --- csv-spectrum ------------------------------------------------------- */

START_TEST(csv_spectrum_cases_parse_as_their_json_says)
{
	char dir[600], csv[900], json[900], why[128];
	struct dirent *d;
	DIR *dh;
	int cases = 0;

	if (tu_skip_without_vectors("csv-spectrum"))
		return;
	snprintf(dir, sizeof dir, "%s/csv-spectrum/csvs", tu_vectors());
	dh = opendir(dir);
	ck_assert_msg(dh != NULL, "cannot open %s", dir);
	while ((d = readdir(dh)) != NULL) {
		struct eds_csv_options o;
		struct eds_error err;
		struct eds_jnode *want;
		struct got g;
		char *text, name[256];
		size_t len, i, j;
		char *dot;

		if ((dot = strstr(d->d_name, ".csv")) == NULL)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(dot - d->d_name),
		    d->d_name);
		snprintf(csv, sizeof csv, "%s/%s", dir, d->d_name);
		snprintf(json, sizeof json, "%s/csv-spectrum/json/%s.json",
		    tu_vectors(), name);
		text = tu_read(json, &len);
		want = eds_json_parse(text, len, why, sizeof why);
		ck_assert_msg(want != NULL && want->type == EDS_JARR,
		    "%s: %s", json, why);
		eds_csv_options_init(&o);
		ck_assert_msg(read_file(csv, &o, &g, &err) == 0, "%s: %s",
		    name, err.msg);
		/* Row 0 is the header; then one row per JSON object. */
		ck_assert_msg((size_t)g.n == want->n + 1,
		    "%s: %d rows read, %zu expected", name, g.n - 1, want->n);
		for (i = 0; i < want->n; i++) {
			const struct eds_jnode *obj = want->items[i];
			char expect[512];
			size_t k = 0;

			ck_assert_msg(g.reason[i + 1] == NULL,
			    "%s: row %zu rejected: %s", name, i + 1,
			    g.reason[i + 1]);
			for (j = 0; j < obj->n; j++)
				k += (size_t)snprintf(expect + k, sizeof expect
				    - k, "%s%s", j ? "|" : "",
				    obj->items[j]->str);
			ck_assert_msg(strcmp(g.rows[i + 1], expect) == 0,
			    "%s row %zu: got [%s], want [%s]", name, i + 1,
			    g.rows[i + 1], expect);
		}
		eds_json_free(want);
		free(text);
		cases++;
	}
	closedir(dh);
	ck_assert_msg(cases >= 10, "only %d csv-spectrum cases found", cases);
}
END_TEST

/* --- separators, BOM, CRLF, encodings ------------------------------------ */

START_TEST(reader_detects_the_separator_from_the_first_line)
{
	ck_assert_int_eq(eds_csv_detect_sep("a;b;c\n", 6), ';');
	ck_assert_int_eq(eds_csv_detect_sep("a\tb\tc", 5), '\t');
	ck_assert_int_eq(eds_csv_detect_sep("a|b|c,d", 7), '|');
	ck_assert_int_eq(eds_csv_detect_sep("\"x;y\",b,c", 9), ',');
	ck_assert_int_eq(eds_csv_detect_sep("single", 6), ',');
}
END_TEST

START_TEST(reader_takes_every_listed_separator)
{
	static const char seps[] = ",;\t|";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;
	char text[64];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof text, "a%cb\n1%c\"x%cy\"\n", seps[i],
		    seps[i], seps[i]);
		eds_csv_options_init(&o);
		o.sep = seps[i];
		ck_assert_int_eq(read_str(text, strlen(text), &o, &g, &err), 0);
		ck_assert_int_eq(g.n, 2);
		ck_assert_int_eq(g.rows[1][0], '1');
		ck_assert_int_eq(g.rows[1][3], seps[i]);	/* "1|x?y" */
	}
}
END_TEST

START_TEST(reader_strips_a_bom_and_crlf_and_keeps_cr_inside_quotes)
{
	static const char text[] = "\xEF\xBB\xBFid,note\r\n1,\"a\r\nb\"\r\n2,c\r\n";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	o.encoding = EDS_ENC_CP1252;	/* the BOM says UTF-8 */
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), 0);
	ck_assert_int_eq(g.n, 3);
	ck_assert_str_eq(g.rows[0], "id|note");
	ck_assert_str_eq(g.rows[1], "1|a\r\nb");
	ck_assert_str_eq(g.rows[2], "2|c");
	ck_assert_uint_eq(g.line[1], 2);
	ck_assert_uint_eq(g.line[2], 4);
	ck_assert_str_eq(g.raw[2], "2,c");
}
END_TEST

START_TEST(reader_converts_windows_1252_and_latin_1)
{
	static const char text[] = "n\n\x80 \xe9t\xe9 \x9c\n";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	o.encoding = EDS_ENC_CP1252;
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), 0);
	ck_assert_str_eq(g.rows[1], "\xE2\x82\xAC \xC3\xA9t\xC3\xA9 \xC5\x93");
	/* the raw bytes stay as read */
	ck_assert_str_eq(g.raw[1], "\x80 \xe9t\xe9 \x9c");
	o.encoding = EDS_ENC_LATIN1;
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), 0);
	ck_assert_str_eq(g.rows[1], "\xC2\x80 \xC3\xA9t\xC3\xA9 \xC2\x9C");
}
END_TEST

START_TEST(reader_rejects_invalid_utf8_and_nul_but_goes_on)
{
	static const char text[] = "a,b\n1,ok\n2,bad\xC3\x28\n3,nul\0x\n4,fine\n";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), 0);
	ck_assert_int_eq(g.n, 5);
	ck_assert_ptr_null(g.reason[1]);
	ck_assert_str_eq(g.reason[2], "invalid-utf8");
	ck_assert_uint_eq(g.line[2], 3);
	ck_assert_str_eq(g.reason[3], "nul-byte");
	ck_assert_ptr_null(g.reason[4]);
	ck_assert_str_eq(g.rows[4], "4|fine");
}
END_TEST

START_TEST(reader_skips_blank_lines_but_counts_them_in_line_numbers)
{
	static const char text[] = "a\n\n1\n\r\n\n2";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), 0);
	ck_assert_int_eq(g.n, 3);
	ck_assert_uint_eq(g.line[1], 3);
	ck_assert_uint_eq(g.line[2], 6);	/* last line, no newline */
	ck_assert_str_eq(g.rows[2], "2");
}
END_TEST

/* --- malformed input ----------------------------------------------------- */

START_TEST(reader_rejects_bad_quoting_and_resumes_on_the_next_line)
{
	static const char text[] = "a,b\n1,x\"y\n2,\"z\"w\n3,ok\n";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), 0);
	ck_assert_int_eq(g.n, 4);
	ck_assert_str_eq(g.reason[1], "bad-quoting");
	ck_assert_str_eq(g.raw[1], "1,x\"y");
	ck_assert_str_eq(g.reason[2], "bad-quoting");
	ck_assert_str_eq(g.raw[2], "2,\"z\"w");
	ck_assert_ptr_null(g.reason[3]);
	ck_assert_uint_eq(g.line[3], 4);
}
END_TEST

START_TEST(reader_reports_an_unterminated_quote_with_its_line)
{
	static const char text[] = "a,b\n1,ok\n2,\"never closed\n3,x\n4,y\n";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_msg(strstr(err.msg, "unterminated") != NULL, "%s", err.msg);
	ck_assert_int_eq(g.n, 3);
	ck_assert_str_eq(g.reason[2], "unterminated-quote");
	/* the rejected row holds everything that was swallowed */
	ck_assert_str_eq(g.raw[2], "2,\"never closed\n3,x\n4,y");
}
END_TEST

START_TEST(an_unterminated_quote_names_the_true_last_line)
{
	static const char text[] = "a,b\n2,\"never closed\n3,x\n4,y";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), -1);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_msg(strstr(err.msg, "(to line 4)") != NULL, "%s", err.msg);
	ck_assert_str_eq(g.raw[1], "2,\"never closed\n3,x\n4,y");
}
END_TEST

/* Feed a file to the reader through a pipe, a few bytes per write. */
static int
read_trickled(const char *s, size_t len, size_t step,
    const struct eds_csv_options *o, struct got *g, struct eds_error *err)
{
	struct eds_input *in;
	struct eds_csv_reader *r;
	int fds[2], saved, rc;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		for (size_t i = 0; i < len; i += step) {
			if (write(fds[1], s + i, len - i < step ? len - i :
			    step) < 0)
				_exit(1);
			usleep(20000);
		}
		_exit(0);
	}
	close(fds[1]);
	saved = dup(0);
	dup2(fds[0], 0);
	close(fds[0]);
	memset(g, 0, sizeof *g);
	in = eds_input_open("-", err);
	r = eds_csv_reader_new(in, o);
	rc = eds_csv_reader_run(r, collect, g, err);
	eds_csv_reader_free(r);
	eds_input_close(in);
	dup2(saved, 0);
	close(saved);
	waitpid(pid, NULL, 0);
	return rc;
}

START_TEST(a_bom_and_separator_are_found_even_in_tiny_first_reads)
{
	static const char text[] = "\xEF\xBB\xBFid;name\n1;\xC3\xA9\n";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	o.sep = 0;			/* detect */
	o.encoding = EDS_ENC_CP1252;	/* the BOM says UTF-8 */
	ck_assert_int_eq(read_trickled(text, sizeof text - 1, 2, &o, &g,
	    &err), 0);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rows[0], "id|name");
	ck_assert_str_eq(g.rows[1], "1|\xC3\xA9");
}
END_TEST

START_TEST(reader_bounds_a_huge_row_and_resynchronises_after_it)
{
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;
	size_t big = 3 * 1024 * 1024, n;
	char *text = xmalloc(big + 64);

	/* a 3 MiB quoted field spanning lines, then a good row */
	n = (size_t)sprintf(text, "a,b\n1,\"");
	memset(text + n, 'x', big);
	n += big;
	text[n - 1000] = '\n';
	n += (size_t)sprintf(text + n, "\"\n2,ok\n");
	eds_csv_options_init(&o);
	ck_assert_int_eq(read_str(text, n, &o, &g, &err), 0);
	ck_assert_int_eq(g.n, 3);
	ck_assert_str_eq(g.reason[1], "row-too-large");
	ck_assert_uint_eq(g.max_raw, EDS_CSV_DEFAULT_MAX);
	ck_assert_str_eq(g.rows[2], "2|ok");
	ck_assert_uint_eq(g.line[2], 4);
	free(text);
}
END_TEST

START_TEST(reader_rejects_a_field_over_the_field_limit)
{
	static const char text[] = "a,b\n1,0123456789abcdef\n2,ok\n";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	o.max_field = 8;
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), 0);
	ck_assert_str_eq(g.reason[1], "field-too-large");
	ck_assert_ptr_null(g.reason[2]);
}
END_TEST

START_TEST(a_row_of_exactly_the_limit_passes_and_one_byte_more_does_not)
{
	static const char text[] = "a,b\n1,234567\n1,2345678\r\n1,23456\n"
	    "\"1\n3456\"\n";
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;

	eds_csv_options_init(&o);
	o.max_row = 8;
	o.max_field = 8;
	ck_assert_int_eq(read_str(text, sizeof text - 1, &o, &g, &err), 0);
	ck_assert_int_eq(g.n, 5);
	ck_assert_msg(g.reason[1] == NULL, "8 bytes fit a limit of 8");
	ck_assert_str_eq(g.rows[1], "1|234567");
	ck_assert_str_eq(g.reason[2], "row-too-large");
	ck_assert_ptr_null(g.reason[3]);
	ck_assert_uint_eq(g.line[3], 4);
	ck_assert_msg(g.reason[4] == NULL, "a quoted LF counts as a byte");
	ck_assert_str_eq(g.rows[4], "1\n3456");
}
END_TEST

START_TEST(reader_reads_gzip_detected_by_magic_and_refuses_truncation)
{
	static const char text[] = "a,b\n1,2\n3,4\n";
	const char *p = tu_path("data.bin");	/* no .gz suffix on purpose */
	struct eds_csv_options o;
	struct eds_error err;
	struct got g;
	gzFile z;
	char *bytes;
	size_t len;

	z = gzopen(p, "wb");
	ck_assert_ptr_nonnull(z);
	ck_assert_int_eq(gzwrite(z, text, sizeof text - 1), sizeof text - 1);
	ck_assert_int_eq(gzclose(z), Z_OK);
	eds_csv_options_init(&o);
	ck_assert_int_eq(read_file(p, &o, &g, &err), 0);
	ck_assert_int_eq(g.n, 3);
	ck_assert_str_eq(g.rows[2], "3|4");

	bytes = tu_read(p, &len);
	tu_write(p, bytes, len - 6);	/* cut the trailer and some data */
	ck_assert_int_eq(read_file(p, &o, &g, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "truncated gzip") != NULL, "%s", err.msg);
	ck_assert_str_eq(err.file, p);
	ck_assert_uint_ge(err.line, 1);
	free(bytes);
}
END_TEST

static int
stop_at_two(void *ctx, struct eds_record *r, struct eds_error *err)
{
	(void)ctx;
	if (r->index == 2)
		return eds_error_set(err, 99, "stop here");
	return 0;
}

START_TEST(reader_stops_when_the_callback_fails)
{
	const char *p = tu_path("stop.csv");
	struct eds_input *in;
	struct eds_csv_reader *r;
	struct eds_error err;

	tu_write_str(p, "a\n1\n2\n3\n");
	in = eds_input_open(p, &err);
	r = eds_csv_reader_new(in, NULL);
	ck_assert_int_eq(eds_csv_reader_run(r, stop_at_two, NULL, &err), -1);
	ck_assert_int_eq(err.status, 99);
	eds_csv_reader_free(r);
	eds_input_close(in);
}
END_TEST

/* Read bytes [s, e) of path after its first head bytes, as a piece. */
static int
read_piece(const char *path, uint64_t head, uint64_t s, uint64_t e,
    unsigned long skip, int cut, struct got *g, int *failed,
    struct eds_error *err)
{
	struct eds_input *in;
	struct eds_csv_reader *r;
	int rc;

	memset(g, 0, sizeof *g);
	eds_error_clear(err);
	in = eds_input_open_range(path, head, s, e, err);
	ck_assert_ptr_nonnull(in);
	r = eds_csv_reader_new(in, NULL);
	eds_csv_reader_piece(r, head, s, skip, cut);
	rc = eds_csv_reader_run(r, collect, g, err);
	*failed = eds_csv_reader_cut_failed(r);
	eds_csv_reader_free(r);
	eds_input_close(in);
	return rc;
}

START_TEST(a_piece_keeps_its_line_numbers_and_must_end_at_a_row_end)
{
	/* Lines: 1 header, 2 blank, 3-4 a quoted row, 5 row, 6 row. */
	static const char text[] = "a,b\n\n1,\"x\ny\"\n2,z\n3,w\n";
	const char *p = tu_path("piece.csv");
	struct eds_error err;
	struct got g;
	int failed;

	tu_write_str(p, text);
	/* After the header [0, 4): bytes [5, 17), lines 3 to 5. */
	ck_assert_int_eq(read_piece(p, 4, 5, 17, 1, 1, &g, &failed, &err), 0);
	ck_assert_int_eq(failed, 0);
	ck_assert_int_eq(g.n, 3);
	ck_assert_str_eq(g.rows[0], "a|b");
	ck_assert_uint_eq(g.line[0], 1);
	ck_assert_str_eq(g.rows[1], "1|x\ny");
	ck_assert_uint_eq(g.line[1], 3);
	ck_assert_str_eq(g.rows[2], "2|z");
	ck_assert_uint_eq(g.line[2], 5);

	/* No header: the lines before the piece are skipped at once. */
	ck_assert_int_eq(read_piece(p, 0, 17, 21, 5, 0, &g, &failed, &err), 0);
	ck_assert_int_eq(g.n, 1);
	ck_assert_str_eq(g.rows[0], "3|w");
	ck_assert_uint_eq(g.line[0], 6);

	/* A cut inside the quoted row: the row is not delivered, 65. */
	ck_assert_int_eq(read_piece(p, 0, 0, 11, 0, 1, &g, &failed, &err), -1);
	ck_assert_int_eq(failed, EDS_CUT_FAILED_END);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_int_eq(g.n, 1);
	/* The same bytes, not at a cut: the usual unterminated quote. */
	ck_assert_int_eq(read_piece(p, 0, 0, 11, 0, 0, &g, &failed, &err), -1);
	ck_assert_int_eq(failed, 0);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.reason[1], "unterminated-quote");
}
END_TEST

START_TEST(a_piece_after_the_file_start_has_no_bom_to_strip)
{
	static const char text[] = "\xEF\xBB\xBFh\n\xEF\xBB\xBFx\n";
	const char *p = tu_path("bom.csv");
	struct eds_error err;
	struct got g;
	int failed;

	tu_write_str(p, text);
	/* With its header, the file's BOM is stripped, the row's is kept. */
	ck_assert_int_eq(read_piece(p, 5, 5, 10, 0, 0, &g, &failed, &err), 0);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rows[0], "h");
	ck_assert_str_eq(g.rows[1], "\xEF\xBB\xBFx");
	/* Without a header, the same. */
	ck_assert_int_eq(read_piece(p, 0, 5, 10, 1, 0, &g, &failed, &err), 0);
	ck_assert_int_eq(g.n, 1);
	ck_assert_str_eq(g.rows[0], "\xEF\xBB\xBFx");
	ck_assert_uint_eq(g.line[0], 2);
}
END_TEST

Suite *
csvread_suite(void)
{
	Suite *s = suite_create("csvread");
	TCase *t = tcase_create("csvread");

	tcase_add_test(t, csv_spectrum_cases_parse_as_their_json_says);
	tcase_add_test(t, reader_detects_the_separator_from_the_first_line);
	tcase_add_test(t, reader_takes_every_listed_separator);
	tcase_add_test(t, reader_strips_a_bom_and_crlf_and_keeps_cr_inside_quotes);
	tcase_add_test(t, reader_converts_windows_1252_and_latin_1);
	tcase_add_test(t, reader_rejects_invalid_utf8_and_nul_but_goes_on);
	tcase_add_test(t, reader_skips_blank_lines_but_counts_them_in_line_numbers);
	tcase_add_test(t, reader_rejects_bad_quoting_and_resumes_on_the_next_line);
	tcase_add_test(t, reader_reports_an_unterminated_quote_with_its_line);
	tcase_add_test(t, an_unterminated_quote_names_the_true_last_line);
	tcase_add_test(t, a_bom_and_separator_are_found_even_in_tiny_first_reads);
	tcase_add_test(t, reader_bounds_a_huge_row_and_resynchronises_after_it);
	tcase_add_test(t, reader_rejects_a_field_over_the_field_limit);
	tcase_add_test(t, a_row_of_exactly_the_limit_passes_and_one_byte_more_does_not);
	tcase_add_test(t, reader_reads_gzip_detected_by_magic_and_refuses_truncation);
	tcase_add_test(t, reader_stops_when_the_callback_fails);
	tcase_add_test(t, a_piece_keeps_its_line_numbers_and_must_end_at_a_row_end);
	tcase_add_test(t, a_piece_after_the_file_start_has_no_bom_to_strip);
	suite_add_tcase(s, t);
	return s;
}
