/*
 * csvread.c: the streaming CSV reader (see csvread.h).
 *
 * The input is cut into physical lines and each line is fed to libcsv, so
 * that a row always ends at the end of a fed line: that gives every row its
 * line number and its raw bytes (a pointer into the input chunk, or a copy in
 * `spill' when a row crosses chunks).  Only LF ends a row; a CR is a "space"
 * to libcsv, so CRLF works and a CR inside quotes is kept.  When a row grows
 * past max_row the reader stops feeding libcsv and skips to the row's end by
 * following quote parity, keeping memory bounded.
 *
 * Lines are fed whole: a line cut by the end of a chunk waits in `spill'
 * (it fits in max_row, or the row is already known to be too large) and is
 * fed with its end from the next chunk.  So every decision about a row
 * (too large, badly quoted) depends on its bytes only, never on how the
 * input happened to be cut into reads: a pipe and a file give the same rows.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csvread.h"
#include "xmalloc.h"

enum mode {
	FEED,		/* feed lines to libcsv */
	SKIP_QUOTED,	/* row too large: skip to LF at even quote parity */
	SKIP_LINE	/* bad quoting: skip to the end of the line */
};

struct eds_csv_reader {
	struct eds_input *in;
	struct eds_csv_options opt;
	struct csv_parser p;
	int p_init;
	enum mode mode;
	int parity;			/* quotes seen in a skipped row, mod 2 */

	struct eds_record rec;
	unsigned long index;		/* rows delivered */
	unsigned long lines;		/* LFs consumed */
	unsigned long blank;
	int row_open;			/* bytes of a row have been seen */
	unsigned long row_line;		/* line where the open row started */
	const char *chunk;		/* current input chunk */
	size_t line_end;		/* end of the line being fed, in chunk */
	size_t row_off;			/* where the open row starts in chunk */
	struct eds_buf spill;		/* open row's bytes from earlier chunks */
	size_t unfed;			/* of which, at its end, not yet fed */
	struct eds_buf conv;		/* encoding conversion scratch */
	struct eds_buf head;		/* first bytes, until a whole line */
	int started;			/* BOM and separator settled */
	int last_lf;			/* the input so far ends with LF */

	/* A piece of a file (eds_csv_reader_piece). */
	uint64_t consumed;		/* input bytes taken so far */
	uint64_t piece_head;		/* after which skip lines are counted */
	unsigned long skip;
	int skip_pending;
	int head_pending;		/* the header row must end at piece_head */
	int no_bom;
	int cut, cut_failed;

	eds_csv_row_fn fn;
	void *ctx;
	struct eds_error *err;
	int stopped;			/* fn returned -1 */
};

void
eds_csv_options_init(struct eds_csv_options *o)
{
	o->sep = ',';
	o->encoding = EDS_ENC_UTF8;
	o->max_field = EDS_CSV_DEFAULT_MAX;
	o->max_row = EDS_CSV_DEFAULT_MAX;
}

static int
is_space(unsigned char c)
{
	return c == '\r';
}

static int
is_term(unsigned char c)
{
	return c == '\n';
}

static void *
csv_xrealloc(void *p, size_t n)
{
	return xreallocarray(p, n, 1);
}

static void
parser_init(struct eds_csv_reader *r)
{
	if (r->p_init)
		csv_free(&r->p);
	csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
	csv_set_delim(&r->p, (unsigned char)r->opt.sep);
	csv_set_space_func(&r->p, is_space);
	csv_set_term_func(&r->p, is_term);
	csv_set_realloc_func(&r->p, csv_xrealloc);
	csv_set_free_func(&r->p, free);
	r->p_init = 1;
}

struct eds_csv_reader *
eds_csv_reader_new(struct eds_input *in, const struct eds_csv_options *o)
{
	struct eds_csv_reader *r = xcalloc(1, sizeof *r);

	r->in = in;
	if (o != NULL)
		r->opt = *o;
	else
		eds_csv_options_init(&r->opt);
	if (r->opt.max_field == 0)
		r->opt.max_field = EDS_CSV_DEFAULT_MAX;
	if (r->opt.max_row == 0)
		r->opt.max_row = EDS_CSV_DEFAULT_MAX;
	eds_record_init(&r->rec);
	r->rec.file = eds_input_name(in);
	return r;
}

void
eds_csv_reader_free(struct eds_csv_reader *r)
{
	if (r == NULL)
		return;
	if (r->p_init)
		csv_free(&r->p);
	eds_record_release(&r->rec);
	eds_buf_release(&r->spill);
	eds_buf_release(&r->conv);
	eds_buf_release(&r->head);
	free(r);
}

void
eds_csv_reader_piece(struct eds_csv_reader *r, uint64_t head, uint64_t start,
    unsigned long skip, int cut)
{
	r->piece_head = head;
	r->skip = skip;
	r->skip_pending = skip > 0;
	r->head_pending = head > 0;
	r->no_bom = head == 0 && start > 0;
	r->cut = cut;
}

int
eds_csv_reader_cut_failed(const struct eds_csv_reader *r)
{
	return r->cut_failed;
}

char
eds_csv_reader_sep(const struct eds_csv_reader *r)
{
	return r->opt.sep;
}

unsigned long
eds_csv_reader_lines(const struct eds_csv_reader *r)
{
	return r->lines;
}

unsigned long
eds_csv_reader_blank_lines(const struct eds_csv_reader *r)
{
	return r->blank;
}

char
eds_csv_detect_sep(const char *line, size_t len)
{
	static const char cand[] = ";,\t|";
	size_t count[4] = { 0, 0, 0, 0 }, i, best = 0;
	int quoted = 0;

	for (i = 0; i < len && line[i] != '\n'; i++) {
		const char *c;

		if (line[i] == '"')
			quoted = !quoted;
		else if (!quoted && (c = memchr(cand, line[i], 4)) != NULL)
			count[c - cand]++;
	}
	for (i = 1; i < 4; i++)
		if (count[i] > count[best])
			best = i;
	return count[best] > 0 ? cand[best] : ',';
}

/* libcsv field callback: validate and copy the field into the record. */
static void
on_field(void *data, size_t len, void *ctx)
{
	struct eds_csv_reader *r = ctx;
	struct eds_record *rec = &r->rec;
	const char *s = data != NULL ? data : "";
	char *out;

	if (rec->reason != NULL) {
		rec->n++;	/* keep counting fields; values are not kept */
		return;
	}
	if (len > r->opt.max_field) {
		eds_record_reject(rec, "field-too-large", NULL,
		    "field %zu is larger than %zu bytes", rec->n + 1,
		    r->opt.max_field);
		return;
	}
	if (len > 0 && memchr(s, '\0', len) != NULL) {
		eds_record_reject(rec, "nul-byte", NULL,
		    "field %zu contains a NUL byte", rec->n + 1);
		return;
	}
	if (eds_is_ascii(s, len)) {
		eds_record_push(rec, s, len);
		return;
	}
	if (r->opt.encoding == EDS_ENC_UTF8) {
		if (!eds_utf8_valid(s, len)) {
			eds_record_reject(rec, "invalid-utf8", NULL,
			    "field %zu is not valid UTF-8", rec->n + 1);
			return;
		}
		eds_record_push(rec, s, len);
		return;
	}
	eds_record_reserve(rec, rec->n + 1);
	out = eds_arena_alloc(&rec->arena, 3 * len + 1);
	rec->f[rec->n].len = eds_to_utf8(r->opt.encoding, s, len, out);
	rec->f[rec->n].s = out;
	rec->n++;
}

/*
 * The head bytes before a piece are not exactly one row, the header
 * (blank lines aside): the header goes on into the piece (a row too
 * large, skipped by quote parity), or a line the scan took for blank is
 * a row (too large to be seen blank).  The piece's rows would be taken
 * for the header, or the header for one of its rows: fail as a cut does.
 */
static int
head_failed(struct eds_csv_reader *r, unsigned long line)
{
	r->cut_failed = EDS_CUT_FAILED_HEAD;
	return eds_error_at(r->err, EDS_EX_DATAERR, r->rec.file, line, 0,
	    "the header row does not end where the scan found (a row too "
	    "large?)");
}

/* Deliver the open row whose bytes end at chunk[end). */
static void
deliver(struct eds_csv_reader *r, size_t end)
{
	struct eds_record *rec = &r->rec;
	const char *raw;
	size_t len;

	if (r->spill.len > 0 || rec->raw_truncated) {
		if (!rec->raw_truncated && end > r->row_off)
			eds_buf_add(&r->spill, r->chunk + r->row_off,
			    end - r->row_off);
		raw = r->spill.p;
		len = r->spill.len;
	} else {
		raw = r->chunk + r->row_off;
		len = end - r->row_off;
	}
	if (!rec->raw_truncated) {
		if (len > 0 && raw[len - 1] == '\n')
			len--;
		if (len > 0 && raw[len - 1] == '\r')
			len--;
	}
	rec->raw = raw != NULL ? raw : "";
	rec->raw_len = len;
	rec->line = r->row_line;
	rec->index = r->index++;
	if (!r->stopped && r->head_pending && rec->index > 0) {
		/* A second row in a piece's head bytes: see head_failed. */
		(void)head_failed(r, r->row_line);
		r->stopped = 1;
	}
	if (!r->stopped && r->fn(r->ctx, rec, r->err) == -1)
		r->stopped = 1;
	eds_record_clear(rec);
	eds_buf_reset(&r->spill);
	r->unfed = 0;
	r->row_open = 0;
}

/* libcsv row callback: rows end only at the LF ending the fed line. */
static void
on_row(int c, void *ctx)
{
	struct eds_csv_reader *r = ctx;

	(void)c;
	if (r->rec.n == 0 && r->rec.reason == NULL) {
		/* An empty line, reported by CSV_REPALL_NL: not a row. */
		r->blank++;
		eds_record_clear(&r->rec);
		eds_buf_reset(&r->spill);
		r->row_open = 0;
		return;
	}
	deliver(r, r->line_end);
}

/* Leave skipping: the row ended at chunk[e). */
static void
end_skip(struct eds_csv_reader *r, size_t e)
{
	r->mode = FEED;
	deliver(r, e);
	parser_init(r);
}

/*
 * The open row would pass max_row with the line ending at chunk[e): keep
 * its first max_row bytes, reject it and skip to its end by quote parity.
 */
static void
start_skip_quoted(struct eds_csv_reader *r, size_t e, int has_lf)
{
	size_t take = e - r->row_off, room, i;

	room = r->spill.len < r->opt.max_row ? r->opt.max_row - r->spill.len : 0;
	if (take > room)
		take = room;
	eds_buf_add(&r->spill, r->chunk + r->row_off, take);
	r->rec.raw_truncated = 1;
	r->unfed = 0;	/* never to be fed: the row is skipped */
	r->parity = 0;
	for (i = 0; i < r->spill.len; i++)
		r->parity ^= r->spill.p[i] == '"';
	for (i = r->row_off + take; i < e; i++)
		r->parity ^= r->chunk[i] == '"';
	if (r->rec.reason == NULL || strcmp(r->rec.reason, "row-too-large"))
		eds_record_reject(&r->rec, "row-too-large", NULL,
		    "row is larger than %zu bytes (only its first %zu bytes "
		    "are kept)", r->opt.max_row, r->opt.max_row);
	r->mode = SKIP_QUOTED;
	if (has_lf && r->parity == 0)
		end_skip(r, e);
}

static void bad_quoting(struct eds_csv_reader *, size_t, int);

/* Process one line segment chunk[s, e); has_lf when it ends a line. */
static void
segment(struct eds_csv_reader *r, size_t s, size_t e, int has_lf)
{
	size_t i, fed;

	if (!r->row_open) {
		r->row_open = 1;
		r->row_off = s;
		r->row_line = r->lines + 1;
	}
	switch (r->mode) {
	case SKIP_QUOTED:
		for (i = s; i < e; i++)
			r->parity ^= r->chunk[i] == '"';
		if (has_lf && r->parity == 0)
			end_skip(r, e);
		return;
	case SKIP_LINE:
		if (has_lf)
			end_skip(r, e);
		return;
	case FEED:
		break;
	}
	/* The row so far, its line end aside, must fit in max_row. */
	if (r->spill.len + (e - r->row_off) - (has_lf ? 1 : 0) >
	    r->opt.max_row) {
		start_skip_quoted(r, e, has_lf);
		return;
	}
	r->line_end = e;
	if (r->unfed > 0) {
		/* The start of this line, kept from the chunk before. */
		size_t u = r->unfed;

		r->unfed = 0;
		if (csv_parse(&r->p, r->spill.p + r->spill.len - u, u,
		    on_field, on_row, r) < u) {
			bad_quoting(r, e, has_lf);
			return;
		}
	}
	fed = csv_parse(&r->p, r->chunk + s, e - s, on_field, on_row, r);
	if (fed < e - s)
		bad_quoting(r, e, has_lf);
}

/* libcsv refused the line ending at chunk[e): reject, skip to its end. */
static void
bad_quoting(struct eds_csv_reader *r, size_t e, int has_lf)
{
	eds_record_reject(&r->rec, "bad-quoting", NULL,
	    "malformed quotes: a quote inside an unquoted field, "
	    "or text after a closing quote");
	r->mode = SKIP_LINE;
	if (has_lf)
		end_skip(r, e);
}

/* At the end of a chunk, keep the open row's bytes (bounded) for later. */
static void
keep_open_row(struct eds_csv_reader *r, size_t n)
{
	size_t take, room;

	if (!r->row_open || r->rec.raw_truncated)
		return;
	take = n - r->row_off;
	room = r->spill.len < r->opt.max_row ? r->opt.max_row - r->spill.len : 0;
	if (take > room) {
		take = room;
		r->rec.raw_truncated = 1;
	}
	eds_buf_add(&r->spill, r->chunk + r->row_off, take);
}

/* End of input: flush the last row, if any. */
static int
finish(struct eds_csv_reader *r)
{
	int unterminated = 0;
	unsigned long start = r->row_line;

	if (r->cut && r->row_open) {
		/* The piece ends inside a row: it must not be delivered. */
		r->cut_failed = EDS_CUT_FAILED_END;
		return eds_error_at(r->err, EDS_EX_DATAERR, r->rec.file, start,
		    0, "the input ends inside the row starting here");
	}
	r->chunk = "";
	r->row_off = r->line_end = 0;
	if (r->mode == FEED && r->unfed > 0) {
		/* The last line, without a line end, kept from the last chunk. */
		size_t u = r->unfed;

		r->unfed = 0;
		if (csv_parse(&r->p, r->spill.p + r->spill.len - u, u,
		    on_field, on_row, r) < u)
			bad_quoting(r, 0, 0);
	}
	switch (r->mode) {
	case FEED:
		if (csv_fini(&r->p, on_field, on_row, r) != 0) {
			eds_record_reject(&r->rec, "unterminated-quote", NULL,
			    "a quoted field is never closed");
			unterminated = 1;
			deliver(r, 0);
		}
		break;
	case SKIP_QUOTED:
		if (r->parity) {
			eds_record_reject(&r->rec, "unterminated-quote", NULL,
			    "a quoted field is never closed");
			unterminated = 1;
		}
		/* FALLTHROUGH */
	case SKIP_LINE:
		if (r->row_open)
			deliver(r, 0);
		break;
	}
	if (r->stopped)
		return -1;
	if (unterminated)
		return eds_error_at(r->err, EDS_EX_DATAERR, r->rec.file, start,
		    0, "unterminated quoted field: the quote opened in the row "
		    "starting here is never closed, so the rest of the input "
		    "(to line %lu) was rejected as one row", r->lines +
		    (r->last_lf ? 0 : 1));
	return 0;
}

/*
 * The line chunk[s, e) is cut by the end of the chunk: if the row still
 * fits, keep the line for the next chunk (keep_open_row copies it) and
 * return 1; if the row is too large already, return 0 to process it now.
 */
static int
defer(struct eds_csv_reader *r, size_t s, size_t e)
{
	if (!r->row_open) {
		r->row_open = 1;
		r->row_off = s;
		r->row_line = r->lines + 1;
	}
	if (r->spill.len + (e - r->row_off) > r->opt.max_row)
		return 0;
	r->unfed += e - s;
	return 1;
}

/* Cut chunk[s, n) into lines and process them. */
static void
feed_chunk(struct eds_csv_reader *r, const char *chunk, size_t s, size_t n)
{
	const char *nl;
	size_t e;

	r->chunk = chunk;
	if (s < n)
		r->last_lf = chunk[n - 1] == '\n';
	while (s < n) {
		nl = memchr(chunk + s, '\n', n - s);
		e = nl != NULL ? (size_t)(nl - chunk) + 1 : n;
		if (nl == NULL && r->mode == FEED && defer(r, s, e))
			break;
		segment(r, s, e, nl != NULL);
		if (nl != NULL)
			r->lines++;
		if (r->stopped)
			return;
		s = e;
	}
	keep_open_row(r, n);
	r->row_off = 0;
}

/*
 * The first bytes, holding at least a whole line (or HEAD_MAX bytes, or
 * the whole input): strip a UTF-8 BOM (which forces UTF-8), detect the
 * separator if asked, and start parsing.
 */
static void
start(struct eds_csv_reader *r, const char *p, size_t n)
{
	size_t s = 0;

	if (!r->no_bom && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		s = 3;
		r->opt.encoding = EDS_ENC_UTF8;
	}
	if (r->opt.sep == 0)
		r->opt.sep = eds_csv_detect_sep(p + s, n - s);
	parser_init(r);
	r->started = 1;
	feed_chunk(r, p, s, n);
}

#define HEAD_MAX (64 * 1024)

/* Take the input bytes p[0, n). */
static void
take(struct eds_csv_reader *r, const unsigned char *p, size_t n)
{
	r->consumed += n;
	if (r->started)
		feed_chunk(r, (const char *)p, 0, n);
	else if (r->head.len == 0 && (n >= HEAD_MAX ||
	    memchr(p, '\n', n) != NULL))
		start(r, (const char *)p, n);	/* the usual case */
	else {
		/* A short first read (a pipe): gather a whole line. */
		eds_buf_add(&r->head, p, n);
		if (r->head.len >= HEAD_MAX || memchr(p, '\n', n) != NULL)
			start(r, r->head.p, r->head.len);
	}
}

int
eds_csv_reader_run(struct eds_csv_reader *r, eds_csv_row_fn fn, void *ctx,
    struct eds_error *err)
{
	const unsigned char *p;
	ssize_t got;
	size_t n, k;

	r->fn = fn;
	r->ctx = ctx;
	r->err = err;
	for (;;) {
		if ((got = eds_input_next(r->in, &p, err)) < 0) {
			/* Say which line the damage was reached at. */
			if (err->line == 0 &&
			    strcmp(err->file, r->rec.file) == 0)
				err->line = r->lines + 1;
			return -1;
		}
		if (got == 0)
			break;
		n = (size_t)got;
		if ((r->skip_pending || r->head_pending) &&
		    r->consumed + n > r->piece_head) {
			/* A piece: its lines follow the header's after a gap. */
			k = (size_t)(r->piece_head - r->consumed);
			if (k > 0)
				take(r, p, k);
			if (r->stopped)
				return -1;
			if (r->head_pending && (!r->started ||
			    r->row_open || r->index != 1))
				return head_failed(r, r->started &&
				    r->row_open ? r->row_line : 1);
			r->head_pending = 0;
			r->lines += r->skip;
			r->skip_pending = 0;
			p += k;
			n -= k;
		}
		take(r, p, n);
		if (r->stopped)
			return -1;
	}
	if (!r->started) {
		if (r->head.len == 0)
			return 0;	/* empty input: no rows */
		start(r, r->head.p, r->head.len);
		if (r->stopped)
			return -1;
	}
	return finish(r);
}
