/*
 * kanon.c: equivalence-class counting for k-anonymity (see kanon.h).  A
 * class is identified by 16 bytes of SHA-256 over its values, each
 * preceded by its length as 8 little-endian bytes (so ("ab","c") and
 * ("a","bc") differ); the table is open-addressed with linear probing and
 * doubles at 70% load.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "csvread.h"
#include "csvwrite.h"
#include "input.h"
#include "kanon.h"
#include "xmalloc.h"

#define KEY_LEN 16
#define INITIAL_SLOTS 1024

struct slot {
	unsigned char key[KEY_LEN];
	uint64_t count;		/* 0: empty */
};

struct eds_kanon {
	char **qi;
	size_t nqi;
	uint64_t max_classes;
	struct slot *slots;
	size_t nslots;		/* a power of two */
	size_t used;
	EVP_MD_CTX *md;
	/* stage state */
	size_t *cols;
};

struct eds_kanon *
eds_kanon_new(const char *const *qi, size_t nqi, uint64_t max_classes)
{
	struct eds_kanon *k = xcalloc(1, sizeof *k);
	size_t i;

	k->qi = xcalloc(nqi, sizeof *k->qi);
	for (i = 0; i < nqi; i++)
		k->qi[i] = xstrdup(qi[i]);
	k->nqi = nqi;
	k->max_classes = max_classes;
	k->nslots = INITIAL_SLOTS;
	k->slots = xcalloc(k->nslots, sizeof *k->slots);
	k->cols = xcalloc(nqi, sizeof *k->cols);
	if ((k->md = EVP_MD_CTX_new()) == NULL) {
		fprintf(stderr, "eds: cannot allocate a digest context\n");
		abort();
	}
	return k;
}

void
eds_kanon_free(struct eds_kanon *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nqi; i++)
		free(k->qi[i]);
	free(k->qi);
	free(k->slots);
	free(k->cols);
	EVP_MD_CTX_free(k->md);
	free(k);
}

static void
class_key(EVP_MD_CTX *md, const struct eds_field *v, size_t n,
    unsigned char key[KEY_LEN])
{
	unsigned char out[EVP_MAX_MD_SIZE], len[8];
	unsigned int outlen;
	size_t i, j;

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (i = 0; i < n; i++) {
		for (j = 0; j < 8; j++)
			len[j] = (unsigned char)((uint64_t)v[i].len >> (8 * j));
		EVP_DigestUpdate(md, len, sizeof len);
		EVP_DigestUpdate(md, v[i].s, v[i].len);
	}
	EVP_DigestFinal_ex(md, out, &outlen);
	memcpy(key, out, KEY_LEN);
}

static size_t
slot_of(const unsigned char key[KEY_LEN], size_t mask)
{
	uint64_t h;

	memcpy(&h, key, sizeof h);
	return (size_t)h & mask;
}

static struct slot *
find(struct slot *slots, size_t nslots, const unsigned char key[KEY_LEN])
{
	size_t mask = nslots - 1, i = slot_of(key, mask);

	while (slots[i].count != 0 && memcmp(slots[i].key, key, KEY_LEN) != 0)
		i = (i + 1) & mask;
	return &slots[i];
}

static void
grow(struct eds_kanon *k)
{
	size_t n = k->nslots * 2, i;
	struct slot *s = xcalloc(n, sizeof *s), *d;

	for (i = 0; i < k->nslots; i++) {
		if (k->slots[i].count == 0)
			continue;
		d = find(s, n, k->slots[i].key);
		*d = k->slots[i];
	}
	free(k->slots);
	k->slots = s;
	k->nslots = n;
}

int
eds_kanon_add(struct eds_kanon *k, const struct eds_field *v,
    struct eds_error *err)
{
	unsigned char key[KEY_LEN];
	struct slot *s;

	class_key(k->md, v, k->nqi, key);
	s = find(k->slots, k->nslots, key);
	if (s->count == 0) {
		if (k->max_classes > 0 && k->used >= k->max_classes)
			return eds_error_set(err, EDS_EX_DATAERR,
			    "more than %llu distinct quasi-identifier "
			    "combinations: generalise them further",
			    (unsigned long long)k->max_classes);
		memcpy(s->key, key, KEY_LEN);
		k->used++;
		if (k->used * 10 > k->nslots * 7) {
			s->count = 1;
			grow(k);
			return 0;
		}
	}
	s->count++;
	return 0;
}

uint64_t
eds_kanon_count(const struct eds_kanon *k, const struct eds_field *v)
{
	unsigned char key[KEY_LEN];

	class_key(k->md, v, k->nqi, key);
	return find(k->slots, k->nslots, key)->count;
}

size_t
eds_kanon_classes(const struct eds_kanon *k)
{
	return k->used;
}

size_t
eds_kanon_bytes(const struct eds_kanon *k)
{
	return k->nslots * sizeof *k->slots;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void
eds_kanon_summarise(const struct eds_kanon *k, uint64_t kk, int flags,
    struct eds_kanon_summary *s)
{
	uint64_t *sizes, c;
	size_t i, n = 0;

	memset(s, 0, sizeof *s);
	s->k = kk;
	sizes = xcalloc(k->used + 1, sizeof *sizes);
	for (i = 0; i < k->nslots; i++) {
		c = k->slots[i].count;
		if (c == 0 || ((flags & EDS_KANON_KEPT) && c < kk))
			continue;
		sizes[n++] = c;
	}
	qsort(sizes, n, sizeof *sizes, cmp_u64);
	for (i = 0; i < n; i++) {
		s->rows += sizes[i];
		if (sizes[i] < kk) {
			s->classes_below_k++;
			s->rows_below_k += sizes[i];
		}
		if (s->nhist == 0 || s->hist[s->nhist - 1].size != sizes[i]) {
			s->hist = xreallocarray(s->hist, s->nhist + 1,
			    sizeof *s->hist);
			s->hist[s->nhist].size = sizes[i];
			s->hist[s->nhist].classes = 0;
			s->nhist++;
		}
		s->hist[s->nhist - 1].classes++;
	}
	s->classes = n;
	s->min_k = n > 0 ? sizes[0] : 0;
	free(sizes);
}

void
eds_kanon_summary_release(struct eds_kanon_summary *s)
{
	free(s->hist);
	s->hist = NULL;
	s->nhist = 0;
}

/* --- the counting stage ---------------------------------------------------- */

static int
resolve(struct eds_kanon *k, const struct eds_header *h, const char *what,
    struct eds_error *err)
{
	size_t i;
	long c;

	for (i = 0; i < k->nqi; i++) {
		if ((c = eds_header_find(h, k->qi[i])) < 0)
			return eds_error_set(err, EDS_EX_CONFIG,
			    "quasi-identifier '%s' is not a column of %s",
			    k->qi[i], what);
		k->cols[i] = (size_t)c;
	}
	return 0;
}

static int
stage_start(void *ctx, const struct eds_header *in, struct eds_header *out,
    struct eds_error *err)
{
	eds_header_copy(out, in);
	return resolve(ctx, in, "the dataset", err);
}

/* The quasi-identifier values of a row, in the arena of the record. */
static struct eds_field *
row_values(const struct eds_kanon *k, struct eds_record *r)
{
	struct eds_field *v;
	size_t i;

	v = eds_arena_alloc(&r->arena, k->nqi * sizeof *v);
	for (i = 0; i < k->nqi; i++) {
		if (k->cols[i] < r->n)
			v[i] = r->f[k->cols[i]];
		else {
			v[i].s = "";
			v[i].len = 0;
		}
	}
	return v;
}

static int
stage_process(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct eds_kanon *k = ctx;

	if (eds_kanon_add(k, row_values(k, r), err) == -1)
		return -1;
	return EDS_PASS;
}

void
eds_kanon_stage(struct eds_kanon *k, struct eds_stage *st)
{
	memset(st, 0, sizeof *st);
	st->name = "k-anonymity";
	st->ctx = k;
	st->start = stage_start;
	st->process = stage_process;
}

/* --- the filtering pass ---------------------------------------------------- */

struct filter {
	struct eds_kanon *k;
	uint64_t kk;
	struct eds_output *out;
	struct eds_header h;
	uint64_t kept, suppressed;
};

static int
filter_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct filter *f = ctx;
	uint64_t c;
	size_t i;

	if (r->reason != NULL)
		return eds_error_at(err, EDS_EX_DATAERR, r->file, r->line, 0,
		    "malformed row in scratch file (%s)", r->reason);
	if (r->index == 0) {
		for (i = 0; i < r->n; i++)
			eds_header_add(&f->h, r->f[i].s);
		if (resolve(f->k, &f->h, "the scratch file", err) == -1)
			return -1;
		return eds_csv_write_fields(f->out, r->f, r->n, err);
	}
	c = eds_kanon_count(f->k, row_values(f->k, r));
	if (c == 0)
		return eds_error_at(err, EDS_EX_SOFTWARE, r->file, r->line, 0,
		    "row of a class that was never counted: the file is not "
		    "the one counted in pass 1");
	if (c < f->kk) {
		f->suppressed++;
		return 0;
	}
	f->kept++;
	return eds_csv_write_fields(f->out, r->f, r->n, err);
}

int
eds_kanon_filter(const struct eds_kanon *k, uint64_t kk, const char *path,
    struct eds_output *out, uint64_t *kept, uint64_t *suppressed,
    struct eds_error *err)
{
	struct eds_csv_options o;
	struct eds_csv_reader *r;
	struct eds_input *in;
	struct filter f;
	int rc;

	if ((in = eds_input_open(path, err)) == NULL)
		return -1;
	eds_csv_options_init(&o);
	o.sep = ',';
	memset(&f, 0, sizeof f);
	f.k = (struct eds_kanon *)(uintptr_t)k;	/* cols is scratch */
	f.kk = kk;
	f.out = out;
	eds_header_init(&f.h);
	r = eds_csv_reader_new(in, &o);
	rc = eds_csv_reader_run(r, filter_row, &f, err);
	eds_csv_reader_free(r);
	eds_input_close(in);
	eds_header_release(&f.h);
	if (kept != NULL)
		*kept = f.kept;
	if (suppressed != NULL)
		*suppressed = f.suppressed;
	return rc;
}
