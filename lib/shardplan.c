/*
 * shardplan.c: the shard plan and the row scanner (see shardplan.h).
 *
 * The plan is integer arithmetic: byte x (laid end to end) belongs to
 * shard floor(xN/T) + 1, so shard k's first byte is ceil(T(k-1)/N).  The
 * scanner reads the file in large blocks and runs a small state machine
 * over them (row start, field start, unquoted, quoted, after a quote in a
 * quoted field, and skipping a badly quoted line); inside quotes it jumps to the
 * next quote with memchr, counting the line ends it passed; elsewhere it
 * steps over ordinary bytes with a table.  Hashing, when asked, covers
 * exactly the bytes up to each cut, block by block.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "shardplan.h"
#include "xmalloc.h"

/* floor(a * b / c), and whether it was exact, for a <= c, b small. */
static uint64_t
mul_div(uint64_t a, uint64_t b, uint64_t c, int *exact)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 x = (unsigned __int128)a * b;

	*exact = x % c == 0;
	return (uint64_t)(x / c);
#else
	uint64_t q = 0, r = 0, i;

	for (i = 0; i < b; i++) {
		r += a;
		while (r >= c) {
			r -= c;
			q++;
		}
	}
	*exact = r == 0;
	return q;
#endif
}

void
eds_shard_plan_init(struct eds_shard_plan *p, unsigned nshards)
{
	memset(p, 0, sizeof *p);
	p->nshards = nshards > 0 ? nshards : 1;
}

size_t
eds_shard_plan_add(struct eds_shard_plan *p, uint64_t size, int whole)
{
	p->files = xreallocarray(p->files, p->n + 1, sizeof *p->files);
	memset(&p->files[p->n], 0, sizeof *p->files);
	p->files[p->n].size = size;
	p->files[p->n].whole = whole || size == 0;
	return p->n++;
}

/* The shard byte x (laid end to end) belongs to. */
static unsigned
shard_of(const struct eds_shard_plan *p, uint64_t x)
{
	int exact;
	uint64_t s = mul_div(x, p->nshards, p->total, &exact);

	return (unsigned)(s < p->nshards ? s + 1 : p->nshards);
}

void
eds_shard_plan_compute(struct eds_shard_plan *p)
{
	uint64_t cum = 0, w;
	size_t i;
	int exact;

	p->total = 0;
	for (i = 0; i < p->n; i++)
		p->total += p->files[i].size > 0 ? p->files[i].size : 1;
	for (i = 0; i < p->n; i++) {
		struct eds_shard_file *f = &p->files[i];

		w = f->size > 0 ? f->size : 1;
		f->at = cum;
		if (f->whole) {
			/* The shard its middle falls in (2x: halves exact). */
			uint64_t s = mul_div(2 * cum + w, p->nshards,
			    2 * p->total, &exact);

			f->first = f->last = (unsigned)(s < p->nshards ? s + 1 :
			    p->nshards);
		} else {
			f->first = shard_of(p, cum);
			f->last = shard_of(p, cum + w - 1);
		}
		cum += w;
	}
}

/* Where shard k starts, laid end to end: ceil(T(k-1)/N). */
static uint64_t
shard_start(const struct eds_shard_plan *p, unsigned k)
{
	int exact;
	uint64_t q = mul_div(p->total, k - 1, p->nshards, &exact);

	return exact ? q : q + 1;
}

void
eds_shard_plan_target(const struct eds_shard_plan *p, size_t i, unsigned k,
    uint64_t *from, uint64_t *to)
{
	const struct eds_shard_file *f = &p->files[i];

	*from = k <= f->first ? 0 : shard_start(p, k) - f->at;
	*to = k >= f->last ? f->size : shard_start(p, k + 1) - f->at;
}

void
eds_shard_plan_release(struct eds_shard_plan *p)
{
	free(p->files);
	memset(p, 0, sizeof *p);
}

/* --- the row scanner ------------------------------------------------------ */

#define SCAN_BUF (1024 * 1024)
#define SEP_SPAN (256 * 1024)	/* what the reader detects the separator in */

enum {
	S_ROW,		/* at the start of a row */
	S_FIELD,	/* at the start of a field after a separator */
	S_UNQ,		/* in an unquoted field */
	S_QUO,		/* in a quoted field */
	S_QEND,		/* a quote in a quoted field: closing, or doubled */
	S_QEND_SP,	/* after a closing quote and spaces (CR) */
	S_SKIP		/* a quote out of place: skip to the end of the line */
};

struct eds_rowscan {
	int fd;
	char *name;
	char sep;
	int bom;
	unsigned char special[256];	/* bytes that end an unquoted run */
	unsigned char *buf;
	size_t pos, len;
	uint64_t off;			/* file offset of buf[0] */
	int eof;
	int state;
	int at_boundary;		/* the bytes so far end a row */
	unsigned long lines;		/* LFs passed */
	uint64_t head;
	unsigned long head_lines;
	int have_head;
	int hash;
	struct eds_sha256 whole, piece;
	int whole_live, piece_live;
	uint64_t hashed;		/* offset up to which bytes are hashed */
	char whole_hex[EDS_SHA256_HEX];
};

/* Hash the buffered bytes up to file offset upto. */
static void
hash_to(struct eds_rowscan *sc, uint64_t upto)
{
	size_t a, b;

	if (!sc->hash || upto <= sc->hashed)
		return;
	a = (size_t)(sc->hashed - sc->off);
	b = (size_t)(upto - sc->off);
	eds_sha256_update(&sc->whole, sc->buf + a, b - a);
	eds_sha256_update(&sc->piece, sc->buf + a, b - a);
	sc->hashed = upto;
}

/* Read the next block; 0 at the end of the file, -1 on error. */
static int
refill(struct eds_rowscan *sc, struct eds_error *err)
{
	ssize_t n;

	hash_to(sc, sc->off + sc->len);
	sc->off += sc->len;
	sc->pos = sc->len = 0;
	if (sc->eof)
		return 0;
	do
		n = read(sc->fd, sc->buf, SCAN_BUF);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot read '%s'", sc->name);
	if (n == 0) {
		sc->eof = 1;
		return 0;
	}
	sc->len = (size_t)n;
	return 1;
}

struct eds_rowscan *
eds_rowscan_open(const char *path, char sep, int hash, struct eds_error *err)
{
	struct eds_rowscan *sc;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot open '%s'",
		    path);
		return NULL;
	}
	sc = xcalloc(1, sizeof *sc);
	sc->fd = fd;
	sc->name = xstrdup(path);
	sc->buf = xmalloc(SCAN_BUF);
	sc->hash = hash;
	if (hash) {
		eds_sha256_init(&sc->whole);
		eds_sha256_init(&sc->piece);
		sc->whole_live = sc->piece_live = 1;
	}
	/* The first block: a BOM, the separator (as csvread.c's start). */
	if (refill(sc, err) == -1) {
		eds_rowscan_free(sc);
		return NULL;
	}
	if (sc->len >= 3 && memcmp(sc->buf, "\xEF\xBB\xBF", 3) == 0) {
		sc->bom = 1;
		sc->pos = 3;
	}
	if (sep == 0)
		sep = eds_csv_detect_sep((const char *)sc->buf + sc->pos,
		    (sc->len < SEP_SPAN ? sc->len : SEP_SPAN) - sc->pos);
	sc->sep = sep;
	sc->special['"'] = sc->special['\n'] = 1;
	sc->special[(unsigned char)sep] = 1;
	sc->state = S_ROW;
	return sc;
}

/* LFs in p[0, n). */
static unsigned long
count_lf(const unsigned char *p, size_t n)
{
	unsigned long c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/*
 * Run the machine over buf[pos, len) until a row ends at or after file
 * offset target; 1 if it did (pos is then just past that row's LF).
 */
static int
scan_block(struct eds_rowscan *sc, uint64_t target)
{
	const unsigned char *b = sc->buf, *q;
	const unsigned char *special = sc->special;
	const unsigned char sep = (unsigned char)sc->sep;
	size_t i = sc->pos, n = sc->len;
	unsigned long lines = sc->lines;
	int st = sc->state, hit = 0;
	unsigned char c;

	if (i < n)
		sc->at_boundary = 0;
	while (i < n) {
		switch (st) {
		case S_QUO:
			q = memchr(b + i, '"', n - i);
			if (q == NULL) {
				lines += count_lf(b + i, n - i);
				i = n;
				continue;
			}
			lines += count_lf(b + i, (size_t)(q - b) - i);
			i = (size_t)(q - b) + 1;
			st = S_QEND;
			continue;
		case S_SKIP:
			q = memchr(b + i, '\n', n - i);
			if (q == NULL) {
				i = n;
				continue;
			}
			i = (size_t)(q - b);
			break;	/* the LF, below */
		case S_UNQ:
			while (i < n && !special[b[i]])
				i++;
			if (i == n)
				continue;
			break;
		default:
			break;
		}
		c = b[i];
		if (c == '\n' && st != S_QUO) {
			/* A row ends (or a blank line: a boundary too). */
			lines++;
			i++;
			if (!sc->have_head && st != S_ROW) {
				sc->have_head = 1;
				sc->head = sc->off + i;
				sc->head_lines = lines;
			}
			st = S_ROW;
			if (sc->have_head && sc->off + i >= target) {
				hit = 1;
				break;
			}
			continue;
		}
		switch (st) {
		case S_ROW:
		case S_FIELD:
			if (c == '"')
				st = S_QUO;
			else if (c == sep)
				st = S_FIELD;
			else if (c != '\r')
				st = S_UNQ;
			break;
		case S_UNQ:
			if (c == '"')
				st = S_SKIP;
			else if (c == sep)
				st = S_FIELD;
			break;
		case S_QEND:
		case S_QEND_SP:
			if (c == sep)
				st = S_FIELD;
			else if (c == '\r')
				st = S_QEND_SP;
			else if (c == '"' && st == S_QEND)
				st = S_QUO;
			else
				st = S_SKIP;
			break;
		default:
			break;
		}
		i++;
	}
	sc->pos = i;
	sc->lines = lines;
	sc->state = st;
	if (hit)
		sc->at_boundary = 1;
	return hit;
}

int
eds_rowscan_cut(struct eds_rowscan *sc, uint64_t target, struct eds_cut *cut,
    struct eds_error *err)
{
	int r;

	for (;;) {
		if (sc->at_boundary && sc->off + sc->pos >= target)
			break;
		if (sc->pos < sc->len && scan_block(sc, target))
			break;
		if ((r = refill(sc, err)) == -1)
			return -1;
		if (r == 0) {
			/* The end of the file ends the last row. */
			sc->at_boundary = 1;
			if (!sc->have_head) {
				sc->have_head = 1;
				sc->head = sc->off;
				sc->head_lines = sc->lines;
			}
			break;
		}
	}
	cut->offset = sc->off + sc->pos;
	cut->line = sc->lines + 1;
	cut->sha256[0] = '\0';
	if (sc->hash) {
		hash_to(sc, cut->offset);
		eds_sha256_final_hex(&sc->piece, cut->sha256);
		eds_sha256_init(&sc->piece);
	}
	return 0;
}

uint64_t
eds_rowscan_head(const struct eds_rowscan *sc)
{
	return sc->head;
}

unsigned long
eds_rowscan_head_lines(const struct eds_rowscan *sc)
{
	return sc->head_lines;
}

char
eds_rowscan_sep(const struct eds_rowscan *sc)
{
	return sc->sep;
}

int
eds_rowscan_bom(const struct eds_rowscan *sc)
{
	return sc->bom;
}

struct eds_sha256 *
eds_rowscan_digest(struct eds_rowscan *sc)
{
	return sc->hash ? &sc->whole : NULL;
}

void
eds_rowscan_sha256(struct eds_rowscan *sc, char hex[EDS_SHA256_HEX])
{
	if (sc->whole_live) {
		eds_sha256_final_hex(&sc->whole, sc->whole_hex);
		sc->whole_live = 0;
	}
	memcpy(hex, sc->whole_hex, EDS_SHA256_HEX);
}

void
eds_rowscan_free(struct eds_rowscan *sc)
{
	if (sc == NULL)
		return;
	if (sc->whole_live)
		eds_sha256_release(&sc->whole);
	if (sc->piece_live)
		eds_sha256_release(&sc->piece);
	close(sc->fd);
	free(sc->buf);
	free(sc->name);
	free(sc);
}
