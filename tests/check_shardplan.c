/*
 * check_shardplan.c: the shard plan (intervals, whole files by their
 * middle, more shards than bytes) and the row scanner: on thousands of
 * small random inputs (quotes, separators, CR, LF, quotes out of place)
 * its cuts are exactly the row boundaries of the real reader, and reading
 * the pieces between its cuts (eds_input_open_range, eds_csv_reader_piece)
 * gives the same rows, lines, reasons and raw bytes as reading the whole
 * file; a cut the reader disagrees with (a row too large), at the end of
 * a piece or at the end of the header row read before it, is caught; the
 * hashes of the pieces and of the whole file are those of their bytes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "csvread.h"
#include "digest.h"
#include "input.h"
#include "shardplan.h"
#include "xmalloc.h"

START_TEST(plan_gives_each_shard_its_interval_and_cuts_files_inside_it)
{
	struct eds_shard_plan p;
	uint64_t from, to, next = 0;
	unsigned k;

	/* 100 + 300 bytes in 4 shards: intervals of 100. */
	eds_shard_plan_init(&p, 4);
	eds_shard_plan_add(&p, 100, 0);
	eds_shard_plan_add(&p, 300, 0);
	eds_shard_plan_compute(&p);
	ck_assert_uint_eq(p.total, 400);
	ck_assert_uint_eq(p.files[0].first, 1);
	ck_assert_uint_eq(p.files[0].last, 1);
	ck_assert_uint_eq(p.files[1].first, 2);
	ck_assert_uint_eq(p.files[1].last, 4);
	ck_assert_uint_eq(p.files[1].at, 100);
	for (k = 2; k <= 4; k++) {
		eds_shard_plan_target(&p, 1, k, &from, &to);
		ck_assert_msg(from == next && to == from + 100,
		    "shard %u reads [%llu, %llu) of the second file", k,
		    (unsigned long long)from, (unsigned long long)to);
		next = to;
	}
	eds_shard_plan_release(&p);

	/* A whole file goes to the shard its middle falls in. */
	eds_shard_plan_init(&p, 3);
	eds_shard_plan_add(&p, 10, 0);
	eds_shard_plan_add(&p, 80, 1);
	eds_shard_plan_add(&p, 10, 0);
	eds_shard_plan_add(&p, 0, 0);
	eds_shard_plan_compute(&p);
	ck_assert_uint_eq(p.total, 101);
	ck_assert_uint_eq(p.files[1].first, 2);
	ck_assert_uint_eq(p.files[1].last, 2);
	ck_assert_msg(p.files[3].whole, "an empty file is never cut");
	ck_assert_uint_eq(p.files[2].first, 3);
	eds_shard_plan_release(&p);
}
END_TEST

START_TEST(plan_with_more_shards_than_bytes_covers_the_file_once)
{
	struct eds_shard_plan p;
	uint64_t from, to, next = 0;
	unsigned k;

	eds_shard_plan_init(&p, 7);
	eds_shard_plan_add(&p, 3, 0);
	eds_shard_plan_compute(&p);
	ck_assert_uint_eq(p.files[0].first, 1);
	/* Byte 2 is in shard floor(2 * 7 / 3) + 1: shards 6 and 7 get none. */
	ck_assert_uint_eq(p.files[0].last, 5);
	for (k = 1; k <= 5; k++) {
		eds_shard_plan_target(&p, 0, k, &from, &to);
		ck_assert_msg(from == next && to >= from,
		    "shard %u's share follows the one before", k);
		next = to;
	}
	ck_assert_uint_eq(next, 3);
	eds_shard_plan_release(&p);
}
END_TEST

/* --- the scanner against the reader -------------------------------------- */

struct rows {
	struct eds_buf text;	/* every row: line, reason, fields, raw */
	unsigned long *first, *last;	/* lines each row spans */
	size_t n;
	int drop_header;	/* a piece after the file's header row */
};

static int
keep_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct rows *g = ctx;
	unsigned long nl = 0;
	size_t i;

	(void)err;
	if (g->drop_header && r->index == 0)
		return 0;	/* the file's header row, again */
	for (i = 0; i < r->raw_len; i++)
		nl += r->raw[i] == '\n';
	g->first = xreallocarray(g->first, g->n + 1, sizeof *g->first);
	g->last = xreallocarray(g->last, g->n + 1, sizeof *g->last);
	g->first[g->n] = r->line;
	g->last[g->n] = r->line + nl;
	g->n++;
	eds_buf_addf(&g->text, "%lu %s [", r->line, r->reason != NULL ?
	    r->reason : "-");
	for (i = 0; i < r->n && r->reason == NULL; i++) {
		eds_buf_add(&g->text, r->f[i].s, r->f[i].len);
		eds_buf_addch(&g->text, '|');
	}
	eds_buf_addstr(&g->text, "] ");
	eds_buf_add(&g->text, r->raw, r->raw_len);
	eds_buf_addch(&g->text, '\n');
	return 0;
}

static void
rows_release(struct rows *g)
{
	eds_buf_release(&g->text);
	free(g->first);
	free(g->last);
	memset(g, 0, sizeof *g);
}

static int
read_whole(const char *path, const struct eds_csv_options *o, struct rows *g)
{
	struct eds_error err;
	struct eds_input *in = eds_input_open(path, &err);
	struct eds_csv_reader *r;
	int rc;

	ck_assert_ptr_nonnull(in);
	r = eds_csv_reader_new(in, o);
	rc = eds_csv_reader_run(r, keep_row, g, &err);
	eds_csv_reader_free(r);
	eds_input_close(in);
	return rc;
}

/*
 * Read [s, e) of path as a shard does (with the header row when s > 0 and
 * header); -1 if it fails, *cut_failed when for the cut check.
 */
static int
read_piece(const char *path, const struct eds_csv_options *o, int header,
    uint64_t size, struct eds_rowscan *sc, uint64_t s, unsigned long line,
    uint64_t e, struct rows *g, int *cut_failed)
{
	struct eds_csv_options csv = *o;
	struct eds_error err;
	struct eds_input *in;
	struct eds_csv_reader *r;
	uint64_t head = s > 0 && header ? eds_rowscan_head(sc) : 0;
	unsigned long skip = line - 1 - (head > 0 ?
	    eds_rowscan_head_lines(sc) : 0);
	int rc;

	in = eds_input_open_range(path, head, s, e, &err);
	ck_assert_ptr_nonnull(in);
	if (s > 0) {
		csv.sep = eds_rowscan_sep(sc);
		if (eds_rowscan_bom(sc))
			csv.encoding = EDS_ENC_UTF8;
	}
	r = eds_csv_reader_new(in, &csv);
	eds_csv_reader_piece(r, head, s, skip, e < size);
	g->drop_header = head > 0;
	rc = eds_csv_reader_run(r, keep_row, g, &err);
	*cut_failed = eds_csv_reader_cut_failed(r);
	eds_csv_reader_free(r);
	eds_input_close(in);
	return rc;
}

/* The offset where each line starts; lines[k] for line k + 1. */
static size_t
line_starts(const char *s, size_t len, size_t *at)
{
	size_t i, n = 0;

	at[n++] = 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			at[n++] = i + 1;
	return n;
}

/*
 * The reader's row boundaries: the start of every line that no row
 * continues into, after the first row, and the end of the input.  bound[]
 * has len + 1 flags.
 */
static void
reader_bounds(const char *s, size_t len, const struct rows *g,
    unsigned char *bound)
{
	size_t *at = xcalloc(len + 2, sizeof *at), nlines, i;
	unsigned long l;

	nlines = line_starts(s, len, at);
	memset(bound, 0, len + 1);
	for (i = 1; i < nlines; i++)
		bound[at[i]] = 1;
	for (i = 0; i < g->n; i++)
		for (l = g->first[i] + 1; l <= g->last[i] && l <= nlines; l++)
			bound[at[l - 1]] = 0;
	/* Never inside or before the first row (blank lines before it). */
	l = g->n > 0 ? g->last[0] : nlines;
	for (i = 0; i < len && (l >= nlines || i < at[l]); i++)
		bound[i] = 0;
	bound[len] = 1;
	free(at);
}

/* A random small CSV-ish text over a hostile alphabet. */
static size_t
random_csv(unsigned *seed, char *out, size_t cap)
{
	static const char alpha[] = "aaaab,,;\"\"\"\n\n\r";
	size_t n = (size_t)(rand_r(seed) % (int)cap), i;

	for (i = 0; i < n; i++)
		out[i] = alpha[rand_r(seed) % (int)(sizeof alpha - 1)];
	return n;
}

START_TEST(scanner_cuts_where_the_reader_ends_rows_on_random_inputs)
{
	const char *path = tu_path("rand.csv");
	struct eds_csv_options o;
	struct eds_error err;
	struct eds_rowscan *sc;
	struct eds_cut c;
	struct rows g;
	unsigned char bound[81];
	char text[80];
	unsigned seed = 7;
	size_t len, t, want;
	int iter;

	eds_csv_options_init(&o);
	for (iter = 0; iter < 3000; iter++) {
		len = random_csv(&seed, text, sizeof text);
		tu_write(path, text, len);
		memset(&g, 0, sizeof g);
		(void)read_whole(path, &o, &g);
		reader_bounds(text, len, &g, bound);
		for (t = 1; t <= len; t++) {
			sc = eds_rowscan_open(path, ',', 0, &err);
			ck_assert_ptr_nonnull(sc);
			ck_assert_int_eq(eds_rowscan_cut(sc, t, &c, &err), 0);
			for (want = t; !bound[want]; want++)
				;
			ck_assert_msg(c.offset == want, "input %d (%.*s): "
			    "the cut for byte %zu is at %llu, the reader's "
			    "row boundary at %zu", iter, (int)len, text, t,
			    (unsigned long long)c.offset, want);
			eds_rowscan_free(sc);
		}
		rows_release(&g);
	}
}
END_TEST

/* Cut text into pieces at targets, read them, compare with the whole. */
static void
pieces_equal_whole(const char *text, size_t len, const uint64_t *targets,
    size_t nt, int header, const struct eds_csv_options *o)
{
	const char *path = tu_path("piece.csv");
	struct eds_error err;
	struct eds_rowscan *sc;
	struct eds_cut c;
	struct rows whole, parts;
	uint64_t s = 0;
	unsigned long line = 1;
	size_t i;
	int rcw, rc = 0, failed = 0;

	tu_write(path, text, len);
	memset(&whole, 0, sizeof whole);
	memset(&parts, 0, sizeof parts);
	rcw = read_whole(path, o, &whole);
	sc = eds_rowscan_open(path, o->sep, 0, &err);
	ck_assert_ptr_nonnull(sc);
	for (i = 0; i <= nt && rc == 0; i++) {
		if (i < nt)
			ck_assert_int_eq(eds_rowscan_cut(sc, targets[i], &c,
			    &err), 0);
		else
			c.offset = len;
		if (c.offset > s)
			rc = read_piece(path, o, header, len, sc, s, line,
			    c.offset, &parts, &failed);
		s = c.offset;
		line = c.line;
	}
	ck_assert_msg(rc == rcw && failed == 0, "reading '%.*s' in pieces "
	    "fails (%d) as the whole does (%d)", (int)len, text, rc, rcw);
	ck_assert_msg(whole.text.len == parts.text.len &&
	    memcmp(whole.text.p, parts.text.p, whole.text.len) == 0,
	    "the pieces of '%.*s' give\n%.*s\nnot\n%.*s", (int)len, text,
	    (int)parts.text.len, parts.text.p, (int)whole.text.len,
	    whole.text.p);
	eds_rowscan_free(sc);
	rows_release(&whole);
	rows_release(&parts);
}

START_TEST(pieces_read_as_the_whole_file_on_random_inputs)
{
	struct eds_csv_options o;
	char text[120];
	uint64_t targets[3];
	unsigned seed = 11;
	size_t len;
	int iter, k;

	eds_csv_options_init(&o);
	o.sep = 0;
	for (iter = 0; iter < 3000; iter++) {
		len = random_csv(&seed, text + 4, sizeof text - 4);
		memcpy(text, "h,i\n", 4);
		len += 4;
		for (k = 0; k < 3; k++)
			targets[k] = 1 + (uint64_t)rand_r(&seed) % len;
		if (targets[0] > targets[1]) {
			uint64_t x = targets[0];

			targets[0] = targets[1];
			targets[1] = x;
		}
		if (targets[1] > targets[2]) {
			uint64_t x = targets[1];

			targets[1] = targets[2];
			targets[2] = x;
		}
		if (targets[0] > targets[1]) {
			uint64_t x = targets[0];

			targets[0] = targets[1];
			targets[1] = x;
		}
		pieces_equal_whole(text, len, targets, 3, iter % 2, &o);
	}
}
END_TEST

START_TEST(pieces_keep_the_bom_encoding_crlf_and_blank_lines_of_the_file)
{
	static const char bom[] = "\xEF\xBB\xBF" "a;b\r\n1;\"x\r\ny\"\r\n"
	    "2;\xC3\xA9\r\n3;z\r\n";
	static const char latin[] = "a;b\n1;\xE9t\xE9\n2;\"\n\"\"\"\n3;ok\n";
	static const char blank[] = "\n\r\na;b\n1;2\n\n3;4\n";
	struct eds_csv_options o;
	uint64_t t[2];

	eds_csv_options_init(&o);
	o.sep = 0;
	o.encoding = EDS_ENC_CP1252;
	t[0] = 8;
	t[1] = 20;
	pieces_equal_whole(bom, sizeof bom - 1, t, 2, 1, &o);
	pieces_equal_whole(bom, sizeof bom - 1, t, 2, 0, &o);
	t[0] = 5;
	t[1] = 13;
	pieces_equal_whole(latin, sizeof latin - 1, t, 2, 1, &o);
	/* Blank lines before the header: they go with it. */
	t[0] = 1;
	t[1] = 9;
	pieces_equal_whole(blank, sizeof blank - 1, t, 2, 1, &o);
	pieces_equal_whole(blank, sizeof blank - 1, t, 2, 0, &o);
}
END_TEST

START_TEST(a_cut_the_reader_disagrees_with_fails_the_piece)
{
	/* A row larger than max_row is skipped by quote parity. */
	static const char text[] = "a,b\nx\"y,1\n2\n3\"\n4,5\n";
	const char *path = tu_path("big.csv");
	struct eds_csv_options o;
	struct eds_error err;
	struct eds_rowscan *sc;
	struct eds_cut c;
	struct rows g;
	int failed = 0;

	eds_csv_options_init(&o);
	o.max_row = 4;
	tu_write(path, text, sizeof text - 1);
	sc = eds_rowscan_open(path, ',', 0, &err);
	ck_assert_ptr_nonnull(sc);
	/* The scanner ends the badly quoted line at its LF. */
	ck_assert_int_eq(eds_rowscan_cut(sc, 5, &c, &err), 0);
	ck_assert_uint_eq(c.offset, 10);
	ck_assert_uint_eq(c.line, 3);
	memset(&g, 0, sizeof g);
	ck_assert_int_eq(read_piece(path, &o, 1, sizeof text - 1, sc, 0, 1,
	    c.offset, &g, &failed), -1);
	ck_assert_msg(failed, "the reader, skipping by parity, is inside "
	    "the row at the cut: the piece fails");
	ck_assert_str_eq(g.text.p, "1 - [a|b|] a,b\n");
	rows_release(&g);
	eds_rowscan_free(sc);
}
END_TEST

/*
 * Head bytes the reader does not read as exactly one row, the header
 * (found by fuzz_shardplan): the piece fails at the header (65, "header
 * row"), delivering no row, instead of reading otherwise than the whole
 * file.  bighead: the header is too large, the reader skips it by quote
 * parity to line 3 while the scanner ends it at its LF, so the piece from
 * line 3 would lose its first row into the header.  crhead: a line of CRs
 * is blank to the scanner but too large for the reader to see it blank,
 * so the head bytes hold two rows and the header would come again as a
 * data row.
 */
static const struct head_case {
	const char *name, *text;
	size_t max_row;
	uint64_t target, offset, head;
	unsigned long line, head_lines, err_line;
} head_cases[] = {
	{ "bighead.csv", "h\"xyz\n1,2\n3\"\n4,5\n", 4, 7, 10, 6, 3, 1, 1 },
	{ "crhead.csv", "\r\r\r\r\r\n\nh,i\n1,2\n", 3, 1, 11, 11, 4, 3, 3 },
};

START_TEST(head_bytes_read_as_more_or_less_than_the_header_fail_the_piece)
{
	const struct head_case *k = &head_cases[_i];
	const char *path = tu_path(k->name);
	size_t size = strlen(k->text);
	struct eds_csv_options o;
	struct eds_error err;
	struct eds_rowscan *sc;
	struct eds_input *in;
	struct eds_csv_reader *r;
	struct eds_cut c;
	struct rows g;

	eds_csv_options_init(&o);
	o.max_row = k->max_row;
	tu_write(path, k->text, size);
	sc = eds_rowscan_open(path, ',', 0, &err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(eds_rowscan_cut(sc, k->target, &c, &err), 0);
	ck_assert_uint_eq(c.offset, k->offset);
	ck_assert_uint_eq(c.line, k->line);
	ck_assert_uint_eq(eds_rowscan_head(sc), k->head);
	ck_assert_uint_eq(eds_rowscan_head_lines(sc), k->head_lines);
	in = eds_input_open_range(path, k->head, k->offset, size, &err);
	ck_assert_ptr_nonnull(in);
	r = eds_csv_reader_new(in, &o);
	eds_csv_reader_piece(r, k->head, k->offset,
	    k->line - 1 - k->head_lines, 0);
	memset(&g, 0, sizeof g);
	g.drop_header = 1;
	ck_assert_int_eq(eds_csv_reader_run(r, keep_row, &g, &err), -1);
	ck_assert_msg(eds_csv_reader_cut_failed(r) == EDS_CUT_FAILED_HEAD,
	    "%s: the header cut fails", k->name);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_uint_eq(err.line, k->err_line);
	ck_assert_ptr_nonnull(strstr(err.msg, "header row"));
	ck_assert_uint_eq(g.n, 0);
	eds_csv_reader_free(r);
	eds_input_close(in);
	rows_release(&g);
	eds_rowscan_free(sc);
}
END_TEST

START_TEST(a_hashing_scan_hashes_each_piece_and_the_whole_file)
{
	static const char text[] = "h\n\"a\nb\"\nc\nd\n";
	const char *path = tu_path("hash.csv");
	unsigned char raw[EDS_SHA256_LEN];
	char want[EDS_SHA256_HEX], hex[EDS_SHA256_HEX];
	struct eds_error err;
	struct eds_rowscan *sc;
	struct eds_input *in;
	struct eds_cut c1, c2;
	char buf[64];
	ssize_t n;

	tu_write(path, text, sizeof text - 1);
	sc = eds_rowscan_open(path, 0, 1, &err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(eds_rowscan_cut(sc, 3, &c1, &err), 0);
	ck_assert_uint_eq(c1.offset, 8);	/* after the quoted row */
	ck_assert_uint_eq(c1.line, 4);
	ck_assert_uint_eq(eds_rowscan_head(sc), 2);
	ck_assert_uint_eq(eds_rowscan_head_lines(sc), 1);
	ck_assert_int_eq(eds_rowscan_cut(sc, 8, &c2, &err), 0);
	ck_assert_uint_eq(c2.offset, 8);	/* at a boundary: stays */
	eds_sha256(text, 8, raw);
	eds_hex(raw, EDS_SHA256_LEN, want);
	ck_assert_str_eq(c1.sha256, want);
	eds_sha256("", 0, raw);
	eds_hex(raw, EDS_SHA256_LEN, want);
	ck_assert_str_eq(c2.sha256, want);

	/* The rest, through a range input that also feeds the whole digest. */
	in = eds_input_open_range(path, 2, 8, sizeof text - 1, &err);
	ck_assert_ptr_nonnull(in);
	eds_input_hash_also(in, eds_rowscan_digest(sc));
	n = eds_input_read(in, buf, sizeof buf, &err);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(memcmp(buf, "h\n", 2), 0);
	n = eds_input_read(in, buf, sizeof buf, &err);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(memcmp(buf, "c\nd\n", 4), 0);
	ck_assert_int_eq(eds_input_read(in, buf, sizeof buf, &err), 0);
	ck_assert_uint_eq(eds_input_stored_bytes(in), 4);
	eds_input_sha256(in, hex);
	eds_sha256(text + 8, 4, raw);
	eds_hex(raw, EDS_SHA256_LEN, want);
	ck_assert_str_eq(hex, want);
	eds_input_close(in);
	eds_rowscan_sha256(sc, hex);
	eds_sha256(text, sizeof text - 1, raw);
	eds_hex(raw, EDS_SHA256_LEN, want);
	ck_assert_str_eq(hex, want);
	eds_rowscan_free(sc);

	/* A file shorter than the range: it changed (65). */
	in = eds_input_open_range(path, 0, 8, 100, &err);
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(eds_input_read(in, buf, sizeof buf, &err), 4);
	ck_assert_int_eq(eds_input_read(in, buf, sizeof buf, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(err.msg, "changed"));
	eds_input_close(in);
	ck_assert_ptr_null(eds_rowscan_open(tu_path("none.csv"), 0, 0, &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
}
END_TEST

Suite *
shardplan_suite(void)
{
	Suite *s = suite_create("shardplan");
	TCase *t = tcase_create("shardplan");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, plan_gives_each_shard_its_interval_and_cuts_files_inside_it);
	tcase_add_test(t, plan_with_more_shards_than_bytes_covers_the_file_once);
	tcase_add_test(t, scanner_cuts_where_the_reader_ends_rows_on_random_inputs);
	tcase_add_test(t, pieces_read_as_the_whole_file_on_random_inputs);
	tcase_add_test(t, pieces_keep_the_bom_encoding_crlf_and_blank_lines_of_the_file);
	tcase_add_test(t, a_cut_the_reader_disagrees_with_fails_the_piece);
	tcase_add_loop_test(t,
	    head_bytes_read_as_more_or_less_than_the_header_fail_the_piece, 0,
	    (int)(sizeof head_cases / sizeof head_cases[0]));
	tcase_add_test(t, a_hashing_scan_hashes_each_piece_and_the_whole_file);
	suite_add_tcase(s, t);
	return s;
}
