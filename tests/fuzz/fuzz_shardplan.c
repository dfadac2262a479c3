/*
 * fuzz_shardplan.c: the row scanner of sharded exports (lib/shardplan.c)
 * against the real reader (lib/csvread.c reading pieces through
 * eds_input_open_range and eds_csv_reader_piece), on any bytes.
 *
 * The first 7 bytes of an input choose how it is read, the rest is the
 * file:
 *
 *   byte 0     bits 0-2 the separator (detected , ; tab |, modulo 5),
 *              bit 3 a header row (pieces after the first are read after
 *              it), bit 4 CP1252 rather than UTF-8, bit 5 a tiny max_row
 *              (the reader skips rows by quote parity, the scanner does
 *              not know), bits 6-7 the number of cuts (1 + v % 3);
 *   bytes 1-6  the cut targets, 16 bits each (big-endian), 1 + v % size,
 *              sorted.
 *
 * A file starting with the gzip magic is skipped: the plan never cuts it.
 *
 * Invariants, those of tests/check_shardplan.c over arbitrary bytes:
 * (1) every cut is a row boundary of the whole file's read, unless a
 * piece up to the one ending there reports cut_failed (the safety net);
 * (2) when no piece reports cut_failed, the pieces read in order give
 * exactly the rows of the whole file (values, lines, reasons, raw bytes)
 * and fail as it does; (3) the scanner hashes each piece and the whole
 * file as their bytes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csvread.h"
#include "digest.h"
#include "fuzz.h"
#include "input.h"
#include "shardplan.h"

#define PREFIX 7

struct rows {
	struct eds_buf text;	/* every row: line, reason, fields, raw */
	int drop_header;	/* a piece after the file's header row */
	/* The whole file's read only: its row boundaries. */
	const size_t *at;	/* where line k + 1 starts */
	size_t nlines;
	unsigned char *bound;	/* len + 1 flags, or NULL */
	unsigned long first_end;	/* last line of the first row */
	int truncated;		/* a row's raw bytes are not all there */
	unsigned long n;
};

static int
keep_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct rows *g = ctx;
	unsigned long nl = 0, l;
	size_t i;

	(void)err;
	if (g->drop_header && r->index == 0)
		return 0;	/* the file's header row, again */
	for (i = 0; i < r->raw_len; i++)
		nl += r->raw[i] == '\n';
	g->truncated |= r->raw_truncated;
	if (g->bound != NULL) {
		/* No row boundary at the lines a row continues into. */
		for (l = r->line + 1; l <= r->line + nl && l <= g->nlines; l++)
			g->bound[g->at[l - 1]] = 0;
		if (g->n == 0)
			g->first_end = r->line + nl;
	}
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

/* Run a reader over in into g; 0 or the failure's status. */
static int
run(struct eds_csv_reader *r, struct rows *g)
{
	struct eds_error err;

	eds_error_clear(&err);
	if (eds_csv_reader_run(r, keep_row, g, &err) == -1) {
		FUZZ_CHECK(err.status != 0);
		return err.status;
	}
	return 0;
}

/* Read [s, e) of path as a shard does; 0 or the failure's status. */
static int
read_piece(const char *path, const struct eds_csv_options *o, int header,
    uint64_t size, const struct eds_rowscan *sc, uint64_t s,
    unsigned long line, uint64_t e, struct rows *g, int *cut_failed)
{
	struct eds_csv_options csv = *o;
	struct eds_error err;
	struct eds_input *in;
	struct eds_csv_reader *r;
	uint64_t head = s > 0 && header ? eds_rowscan_head(sc) : 0;
	unsigned long skip = line - 1 - (head > 0 ?
	    eds_rowscan_head_lines(sc) : 0);
	int st;

	in = eds_input_open_range(path, head, s, e, &err);
	FUZZ_CHECK(in != NULL);
	if (s > 0) {
		csv.sep = eds_rowscan_sep(sc);
		if (eds_rowscan_bom(sc))
			csv.encoding = EDS_ENC_UTF8;
	}
	r = eds_csv_reader_new(in, &csv);
	eds_csv_reader_piece(r, head, s, skip, e < size);
	g->drop_header = head > 0;
	st = run(r, g);
	*cut_failed = eds_csv_reader_cut_failed(r);
	FUZZ_CHECK(!*cut_failed || st == EDS_EX_DATAERR);
	eds_csv_reader_free(r);
	eds_input_close(in);
	return st;
}

static void
check_sha256(const uint8_t *p, size_t n, const char *hex)
{
	unsigned char raw[EDS_SHA256_LEN];
	char want[EDS_SHA256_HEX];

	eds_sha256(p, n, raw);
	eds_hex(raw, EDS_SHA256_LEN, want);
	FUZZ_CHECK(strcmp(hex, want) == 0);
}

FUZZ_TARGET(shardplan)
{
	static const char seps[] = { 0, ',', ';', '\t', '|' };
	uint8_t pre[PREFIX] = { 0 };
	const uint8_t *text = data + (size < PREFIX ? size : PREFIX);
	size_t len = size - (size_t)(text - data), nt, i, nlines;
	struct eds_csv_options o;
	struct eds_error err;
	struct eds_rowscan *sc;
	struct eds_cut cuts[3];
	struct rows whole, parts;
	uint64_t targets[3], x, s;
	unsigned long line;
	size_t *at;
	char hex[EDS_SHA256_HEX];
	const char *path;
	int header, stw, st = 0, failed = 0, failed_at = -1, bad_at = -1;

	memcpy(pre, data, size < PREFIX ? size : PREFIX);
	if (len == 0)
		return 0;	/* nothing to cut */
	if (len >= 2 && text[0] == 0x1f && text[1] == 0x8b)
		return 0;	/* gzip: the plan never cuts it (export.c) */
	eds_csv_options_init(&o);
	o.sep = seps[(pre[0] & 7) % sizeof seps];
	header = (pre[0] >> 3) & 1;
	if (pre[0] & 0x10)
		o.encoding = EDS_ENC_CP1252;
	if (pre[0] & 0x20)
		o.max_row = 1 + pre[1] % 16;
	nt = 1 + (size_t)(pre[0] >> 6) % 3;
	for (i = 0; i < nt; i++)
		targets[i] = 1 + ((uint64_t)pre[1 + 2 * i] << 8 |
		    pre[2 + 2 * i]) % len;
	for (i = 1; i < nt; i++)	/* sort: targets never decrease */
		for (s = i; s > 0 && targets[s - 1] > targets[s]; s--) {
			x = targets[s];
			targets[s] = targets[s - 1];
			targets[s - 1] = x;
		}
	path = fuzz_file("in.csv", text, len);

	/* The whole file, and its row boundaries. */
	memset(&whole, 0, sizeof whole);
	memset(&parts, 0, sizeof parts);
	at = malloc((len + 2) * sizeof *at);
	whole.bound = calloc(len + 1, 1);
	FUZZ_CHECK(at != NULL && whole.bound != NULL);
	nlines = 0;
	at[nlines++] = 0;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			at[nlines++] = i + 1;
	for (i = 1; i < nlines; i++)
		whole.bound[at[i]] = 1;
	whole.at = at;
	whole.nlines = nlines;
	{
		struct eds_input *in = eds_input_open(path, &err);
		struct eds_csv_reader *r;

		FUZZ_CHECK(in != NULL);
		r = eds_csv_reader_new(in, &o);
		stw = run(r, &whole);
		eds_csv_reader_free(r);
		eds_input_close(in);
	}
	/* Never inside or before the first row (blank lines before it). */
	line = whole.n > 0 ? whole.first_end : nlines;
	for (i = 0; i < len && (line >= nlines || i < at[line]); i++)
		whole.bound[i] = 0;
	whole.bound[len] = 1;

	/* The cuts, then the pieces between them, in order. */
	sc = eds_rowscan_open(path, o.sep, 1, &err);
	FUZZ_CHECK(sc != NULL);
	for (i = 0; i < nt; i++) {
		FUZZ_CHECK(eds_rowscan_cut(sc, targets[i], &cuts[i], &err)
		    == 0);
		FUZZ_CHECK(cuts[i].offset >= targets[i] &&
		    cuts[i].offset <= len);
		FUZZ_CHECK(i == 0 || cuts[i].offset >= cuts[i - 1].offset);
		check_sha256(text + (i > 0 ? cuts[i - 1].offset : 0),
		    cuts[i].offset - (i > 0 ? cuts[i - 1].offset : 0),
		    cuts[i].sha256);
		/* The line that starts at the cut. */
		FUZZ_CHECK(cuts[i].offset == len || cuts[i].line >= 1);
		if (cuts[i].offset < len)
			FUZZ_CHECK(cuts[i].line <= nlines &&
			    at[cuts[i].line - 1] == cuts[i].offset);
		if (bad_at == -1 && !whole.bound[cuts[i].offset])
			bad_at = (int)i;
	}
	s = 0;
	line = 1;
	for (i = 0; i <= nt && st == 0; i++) {
		uint64_t e = i < nt ? cuts[i].offset : len;

		if (e > s)
			st = read_piece(path, &o, header, len, sc, s, line, e,
			    &parts, &failed);
		if (failed && failed_at == -1)
			failed_at = (int)i;
		s = e;
		line = i < nt ? cuts[i].line : line;
	}
	/* (3) The whole file's digest: the scan's, then the rest. */
	{
		uint64_t last = cuts[nt - 1].offset;
		struct eds_input *in = eds_input_open_range(path, 0, last, len,
		    &err);
		char buf[512];
		ssize_t n;

		FUZZ_CHECK(in != NULL);
		eds_input_hash_also(in, eds_rowscan_digest(sc));
		while ((n = eds_input_read(in, buf, sizeof buf, &err)) > 0)
			;
		FUZZ_CHECK(n == 0);
		eds_input_close(in);
		eds_rowscan_sha256(sc, hex);
		check_sha256(text, len, hex);
	}

	/* (1) A cut off the reader's boundaries makes a piece fail. */
	if (bad_at != -1 && !whole.truncated)
		FUZZ_CHECK(failed_at != -1 && failed_at <= bad_at);
	/* (2) Without a failed cut, the pieces are the whole file. */
	if (failed_at == -1) {
		FUZZ_CHECK(st == stw);
		FUZZ_CHECK(whole.text.len == parts.text.len);
		FUZZ_CHECK(whole.text.len == 0 || memcmp(whole.text.p,
		    parts.text.p, whole.text.len) == 0);
	}

	eds_rowscan_free(sc);
	eds_buf_release(&whole.text);
	eds_buf_release(&parts.text);
	free(whole.bound);
	free(at);
	return 0;
}
