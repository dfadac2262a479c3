/*
 * leakscan.c: the identifier leak scan (see leakscan.h).  Text is folded
 * to lower-case ASCII words (accents removed, œ and æ spelled out); a
 * value or a run of words is hashed with SipHash-2-4, keyed, over its
 * words joined by single spaces, so that "MARTIN-DUBOIS", "Martin Dubois"
 * and "martin  dubois" are the same; a run is hashed by extending a copy
 * of the state word by word.  The table is open addressing with linear
 * probing, at most half full.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "input.h"
#include "leakscan.h"
#include "siphash.h"
#include "output.h"
#include "xmalloc.h"

#define MIN_LEN 4		/* folded characters */
#define MIN_DIGIT_LEN 5		/* for a one-word value matched in text */
#define MAX_WORDS 6		/* longest run of words looked for */

/* How a value is looked for inside text (see add_value). */
enum { V_ANY, V_NAME, V_PAIR };

/*
 * What a slot is: a value (a leak when a field equals it), looked for
 * inside text too, or only the first word of a multi-word value looked
 * for inside text (so that runs of words starting elsewhere are not
 * looked up at all).
 */
enum { K_EXACT = 1, K_WORDS = 2, K_FIRST = 4 };

struct tok {
	size_t off, len;
	int digit;
};

struct slot {
	uint64_t h;		/* 0: empty */
	int32_t tag;
	uint32_t kinds;
};

struct eds_leakset {
	struct slot *t;
	size_t cap;		/* power of two */
	size_t n;		/* slots in use */
	size_t nvalues;		/* of them, values (K_EXACT) */
	/*
	 * A filter in front of the table: two bits per slot in a bitmap of
	 * 4 bits per table entry (so at least 8 per slot in use), that
	 * stays in the processor's cache when the table does not: most
	 * fields and words are not identifiers, and are turned away here.
	 */
	uint64_t *bits;
	size_t nbits;		/* power of two */
	struct eds_buf fold;	/* scratch */
	struct tok *toks;	/* scratch, one per word of the longest field */
	size_t ntoks;
	struct eds_siphash init;	/* the keyed state, nothing absorbed */
};

static uint64_t
hash(const struct eds_leakset *l, const char *s, size_t n)
{
	struct eds_siphash h = l->init;

	eds_siphash_update(&h, s, n);
	return eds_siphash_final(&h);
}

struct eds_leakset *
eds_leakset_new(const unsigned char key[EDS_SIPHASH_KEY_LEN])
{
	struct eds_leakset *l = xcalloc(1, sizeof *l);

	eds_siphash_init(&l->init, key);
	l->cap = 1024;
	l->t = xcalloc(l->cap, sizeof *l->t);
	l->nbits = 4 * l->cap;
	l->bits = xcalloc(l->nbits / 64, sizeof *l->bits);
	l->ntoks = 64;
	l->toks = xcalloc(l->ntoks, sizeof *l->toks);
	return l;
}

void
eds_leakset_free(struct eds_leakset *l)
{
	if (l == NULL)
		return;
	eds_wipe(&l->init, sizeof l->init);
	free(l->t);
	free(l->bits);
	free(l->toks);
	eds_buf_release(&l->fold);
	free(l);
}

size_t
eds_leakset_count(const struct eds_leakset *l)
{
	return l->nvalues;
}

size_t
eds_leakset_bytes(const struct eds_leakset *l)
{
	return l->cap * sizeof *l->t + l->nbits / 8;
}

static void
filter_set(struct eds_leakset *l, uint64_t h)
{
	size_t m = l->nbits - 1, a = h & m, b = (h >> 40 ^ h >> 20) & m;

	l->bits[a / 64] |= UINT64_C(1) << (a % 64);
	l->bits[b / 64] |= UINT64_C(1) << (b % 64);
}

static int
filter_has(const struct eds_leakset *l, uint64_t h)
{
	size_t m = l->nbits - 1, a = h & m, b = (h >> 40 ^ h >> 20) & m;

	return (l->bits[a / 64] >> (a % 64) & 1) &&
	    (l->bits[b / 64] >> (b % 64) & 1);
}

static void insert(struct eds_leakset *, uint64_t, int, unsigned);

static void
grow(struct eds_leakset *l)
{
	struct slot *old = l->t;
	size_t i, oldcap = l->cap;

	l->cap *= 2;
	l->t = xcalloc(l->cap, sizeof *l->t);
	l->n = 0;
	l->nvalues = 0;
	free(l->bits);
	l->nbits = 4 * l->cap;
	l->bits = xcalloc(l->nbits / 64, sizeof *l->bits);
	for (i = 0; i < oldcap; i++)
		if (old[i].h != 0)
			insert(l, old[i].h, old[i].tag, old[i].kinds);
	free(old);
}

static void
insert(struct eds_leakset *l, uint64_t h, int tag, unsigned kinds)
{
	size_t i;

	if (h == 0)
		h = 1;
	if (2 * (l->n + 1) > l->cap)
		grow(l);
	for (i = h & (l->cap - 1); l->t[i].h != 0; i = (i + 1) & (l->cap - 1))
		if (l->t[i].h == h) {
			if ((kinds & K_EXACT) && !(l->t[i].kinds & K_EXACT)) {
				/* A first word that is also a value. */
				l->t[i].tag = tag;
				l->nvalues++;
			}
			l->t[i].kinds |= kinds;
			return;
		}
	l->t[i].h = h;
	l->t[i].tag = tag;
	l->t[i].kinds = kinds;
	l->n++;
	if (kinds & K_EXACT)
		l->nvalues++;
	filter_set(l, h);
}

static const struct slot *
lookup(const struct eds_leakset *l, uint64_t h)
{
	size_t i;

	if (h == 0)
		h = 1;
	if (!filter_has(l, h))
		return NULL;
	for (i = h & (l->cap - 1); l->t[i].h != 0; i = (i + 1) & (l->cap - 1))
		if (l->t[i].h == h)
			return &l->t[i];
	return NULL;
}

/* Latin-1 supplement U+00C0..U+00FF folded: a letter, two, or 0 (a separator). */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", NULL, "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", NULL, "y"
};

/*
 * Fold s into l->fold as words separated by single spaces; the words'
 * positions in l->toks (grown as needed: every word of a field is looked
 * at, however long the text).  Returns the number of words.  The output
 * is never longer than the input (a separator byte becomes at most one
 * space, a two-byte letter at most two letters), so it is written
 * straight into a buffer grown once: this runs on every field of every
 * payload file.
 */
static size_t
fold(struct eds_leakset *l, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	struct eds_buf *b = &l->fold;
	char *o;
	size_t n = 0, k;
	int in = 0, digit;
	const char *add;

	eds_buf_reset(b);
	eds_buf_grow(b, len + 1);
	o = b->p;
	while (p < end) {
		unsigned char c = *p;

		/* The common case: an ASCII letter or digit. */
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c >= 'A' && c <= 'Z')) {
			if (!in) {
				if (n == l->ntoks) {
					l->ntoks *= 2;
					l->toks = xreallocarray(l->toks,
					    l->ntoks, sizeof *l->toks);
				}
				if (n > 0)
					*o++ = ' ';
				l->toks[n].off = (size_t)(o - b->p);
				l->toks[n].digit = 0;
				n++;
				in = 1;
			}
			digit = c <= '9';
			*o++ = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			l->toks[n - 1].digit |= digit;
			p++;
			continue;
		}
		add = NULL;
		k = 1;
		if (c == 0xC3 && end - p >= 2 && p[1] >= 0x80 && p[1] <= 0xBF) {
			add = latin1[p[1] - 0x80];
			k = 2;
		} else if (c == 0xC5 && end - p >= 2 &&
		    (p[1] == 0x92 || p[1] == 0x93)) {
			add = "oe";
			k = 2;
		} else if (c == 0xC2) {
			/* U+0080..U+00BF: NBSP, quotes, signs */
			k = end - p >= 2 ? 2 : 1;
		} else if (c >= 0xC0) {
			/* another letter of another script: keep its bytes */
			k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			if ((size_t)(end - p) < k)
				k = (size_t)(end - p);
			if (c != 0xE2)	/* U+2000.. punctuation */
				add = "";
		}
		if (add == NULL) {		/* separator */
			in = 0;
			p += k;
			continue;
		}
		if (!in) {
			if (n == l->ntoks) {
				l->ntoks *= 2;
				l->toks = xreallocarray(l->toks, l->ntoks,
				    sizeof *l->toks);
			}
			if (n > 0)
				*o++ = ' ';
			l->toks[n].off = (size_t)(o - b->p);
			l->toks[n].digit = 0;
			n++;
			in = 1;
		}
		if (*add == '\0') {
			memcpy(o, p, k);
			o += k;
		} else
			while (*add != '\0')
				*o++ = *add++;
		p += k;
	}
	*o = '\0';
	b->len = (size_t)(o - b->p);
	/* Word lengths, now that they are written. */
	for (k = 0; k < n; k++) {
		size_t e = k + 1 < n ? l->toks[k + 1].off - 1 : b->len;

		l->toks[k].len = e - l->toks[k].off;
	}
	return n;
}

/*
 * Add one value.  Every value is a leak when a whole field equals it; it is
 * also looked for inside text (K_WORDS) when it has at most MAX_WORDS words
 * and holds a digit (at least MIN_DIGIT_LEN characters), or, for V_ANY,
 * several words.  A person name alone (V_NAME) without a digit is never
 * looked for inside text, however many words it has: "Marie-Thérèse" or
 * "Le Gall" is one name, as common in text as "Martin"; a pair of names
 * (V_PAIR) always is.
 */
static void
add_value(struct eds_leakset *l, const char *s, size_t len, int tag,
    int how)
{
	size_t n, i;
	int digit = 0;
	unsigned kinds = K_EXACT;

	n = fold(l, s, len);
	if (n == 0 || l->fold.len < MIN_LEN)
		return;
	for (i = 0; i < n; i++)
		digit |= l->toks[i].digit;
	if (n <= MAX_WORDS && ((digit && l->fold.len >= MIN_DIGIT_LEN) ||
	    (n >= 2 && how != V_NAME)))
		kinds |= K_WORDS;
	insert(l, hash(l, l->fold.p, l->fold.len), tag, kinds);
	if ((kinds & K_WORDS) && n >= 2)
		insert(l, hash(l, l->fold.p + l->toks[0].off, l->toks[0].len),
		    -1, K_FIRST);
}

void
eds_leakset_add(struct eds_leakset *l, const char *s, size_t len, int tag)
{
	add_value(l, s, len, tag, V_ANY);
}

void
eds_leakset_add_row(struct eds_leakset *l, const struct eds_field *f,
    const int *tags, const unsigned char *is_name, size_t n)
{
	struct eds_buf pair = EDS_BUF_INIT;
	size_t i, j;

	for (i = 0; i < n; i++)
		if (tags[i] >= 0 && f[i].len > 0)
			add_value(l, f[i].s, f[i].len, tags[i],
			    is_name[i] ? V_NAME : V_ANY);
	/* Person names of the row, two by two, in both orders. */
	for (i = 0; i < n; i++) {
		if (tags[i] < 0 || !is_name[i] || f[i].len == 0)
			continue;
		for (j = 0; j < n; j++) {
			if (j == i || tags[j] < 0 || !is_name[j] ||
			    f[j].len == 0)
				continue;
			eds_buf_reset(&pair);
			eds_buf_add(&pair, f[i].s, f[i].len);
			eds_buf_addch(&pair, ' ');
			eds_buf_add(&pair, f[j].s, f[j].len);
			add_value(l, pair.p, pair.len, tags[i], V_PAIR);
		}
	}
	eds_buf_release(&pair);
}

int
eds_leakset_check(const struct eds_leakset *cl, const char *s, size_t len,
    int *tag)
{
	struct eds_leakset *l = (struct eds_leakset *)cl;	/* scratch only */
	struct tok *toks;
	const struct slot *hit;
	struct eds_siphash st;
	size_t n, i, j;
	uint64_t h;

	if (len < MIN_LEN)
		return 0;
	n = fold(l, s, len);
	toks = l->toks;
	if (n == 0)
		return 0;
	/* The whole value. */
	if ((hit = lookup(l, hash(l, l->fold.p, l->fold.len))) != NULL &&
	    (hit->kinds & K_EXACT)) {
		*tag = hit->tag;
		return 1;
	}
	/*
	 * Runs of 1..MAX_WORDS words inside it, from the words that are a
	 * value or start one (whose hash is in the filter) only.
	 */
	for (i = 0; i < n; i++) {
		st = l->init;
		eds_siphash_update(&st, l->fold.p + toks[i].off, toks[i].len);
		h = eds_siphash_final(&st);
		if (!filter_has(l, h == 0 ? 1 : h))
			continue;
		for (j = i; j < n && j < i + MAX_WORDS; j++) {
			if (j > i) {
				eds_siphash_update(&st, " ", 1);
				eds_siphash_update(&st, l->fold.p +
				    toks[j].off, toks[j].len);
				h = eds_siphash_final(&st);
			}
			if ((hit = lookup(l, h)) != NULL &&
			    (hit->kinds & K_WORDS)) {
				*tag = hit->tag;
				return 1;
			}
		}
	}
	return 0;
}

int
eds_leakset_scan_text(const struct eds_leakset *l, const char *s, size_t len,
    struct eds_leak *leak)
{
	int tag;

	if (!eds_leakset_check(l, s, len, &tag))
		return 0;
	leak->line = 0;
	leak->field = 0;
	leak->tag = tag;
	return 1;
}

struct scan {
	const struct eds_leakset *l;
	struct eds_leak *leak;
	int found;
};

static int
scan_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct scan *sc = ctx;
	size_t i;
	int tag;

	if (sc->found)
		return 0;
	/* Our own payload files are canonical CSV: a row we cannot read
	 * could hide anything, so the file is not passed as clean. */
	if (r->reason != NULL)
		return eds_error_at(err, EDS_EX_DATAERR, r->file, r->line, 0,
		    "cannot read the row to scan it for identifiers: %s",
		    r->detail);
	for (i = 0; i < r->n; i++)
		if (eds_leakset_check(sc->l, r->f[i].s, r->f[i].len, &tag)) {
			sc->found = 1;
			sc->leak->line = r->line;
			sc->leak->field = i;
			sc->leak->tag = tag;
			return 0;
		}
	return 0;
}

int
eds_leakset_scan_csv(const struct eds_leakset *l, const char *path,
    struct eds_leak *leak, struct eds_error *err)
{
	struct eds_input *in;
	struct eds_csv_reader *r;
	struct scan sc = { l, leak, 0 };
	int rc;

	if ((in = eds_input_open(path, err)) == NULL)
		return -1;
	r = eds_csv_reader_new(in, NULL);
	rc = eds_csv_reader_run(r, scan_row, &sc, err);
	eds_csv_reader_free(r);
	eds_input_close(in);
	if (rc == -1)
		return -1;
	return sc.found;
}

/* --- files: "EDSLEAK1", count, then (hash, tag, kinds) little-endian ---- */

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int
eds_leakset_save(const struct eds_leakset *l, const char *path,
    struct eds_error *err)
{
	struct eds_output *o;
	unsigned char rec[16];
	size_t i;

	if ((o = eds_output_open(path, EDS_OUT_PRIVATE, err)) == NULL)
		return -1;
	put64(rec, UINT64_C(0x314b41454c534445));	/* "EDSLEAK1" */
	put64(rec + 8, l->n);
	if (eds_output_write(o, rec, 16, err) == -1)
		goto fail;
	for (i = 0; i < l->cap; i++) {
		if (l->t[i].h == 0)
			continue;
		put64(rec, l->t[i].h);
		put64(rec + 8, (uint64_t)(uint32_t)l->t[i].tag |
		    (uint64_t)l->t[i].kinds << 32);
		if (eds_output_write(o, rec, 16, err) == -1)
			goto fail;
	}
	return eds_output_commit(o, err);
fail:
	eds_output_abort(o);
	return -1;
}

int
eds_leakset_load(struct eds_leakset *l, const char *path,
    struct eds_error *err)
{
	struct eds_input *in;
	unsigned char rec[16];
	uint64_t n, i, v;
	ssize_t got;
	size_t have;

	if ((in = eds_input_open(path, err)) == NULL)
		return -1;
	for (i = 0, n = 1; i <= n; i++) {
		for (have = 0; have < 16; have += (size_t)got) {
			got = eds_input_read(in, rec + have, 16 - have, err);
			if (got <= 0) {
				if (got == 0)
					eds_error_at(err, EDS_EX_DATAERR, path,
					    0, 0, "truncated identifier set");
				eds_input_close(in);
				return -1;
			}
		}
		if (i == 0) {
			if (get64(rec) != UINT64_C(0x314b41454c534445)) {
				eds_input_close(in);
				return eds_error_at(err, EDS_EX_DATAERR, path,
				    0, 0, "not an identifier set");
			}
			n = get64(rec + 8);
			if (n == 0)
				break;
			continue;
		}
		v = get64(rec + 8);
		insert(l, get64(rec), (int)(int32_t)(uint32_t)v,
		    (unsigned)(v >> 32));
	}
	/* Exactly the records the header announced, nothing after them. */
	got = eds_input_read(in, rec, 1, err);
	eds_input_close(in);
	if (got != 0)
		return got < 0 ? -1 : eds_error_at(err, EDS_EX_DATAERR, path,
		    0, 0, "identifier set longer than its header says");
	return 0;
}
