/*
 * pseudo.c: the pseudonymisation stage (see pseudo.h).  start() resolves
 * every rule to input field indices once; process() keeps a copy of the
 * row's original fields, so that rules reading other columns (the patient
 * id, an age's event date, a scrub's identifying values) always see true
 * values, then writes the output fields over the record.  Pseudonyms and
 * UIDs are reused when a column repeats the previous row's value and looked
 * up in a small direct-mapped cache of recent digests before any HMAC.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "csvwrite.h"
#include "datetime.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "pseudo.h"
#include "scrub.h"
#include "xmalloc.h"

#define CACHE_SLOTS 1024		/* power of two */
#define CACHE_VLEN 46
#define PROGRESS_EVERY 65536

struct centry {
	unsigned char len;		/* 0: empty slot */
	char v[CACHE_VLEN];
	unsigned char md[EDS_HMAC_LEN];
};

struct pcol {
	const struct eds_policy_col *rule;	/* NULL: unlisted, kept */
	enum eds_action action;
	size_t in;			/* input field */
	char *tagz;			/* namespace || 0x00 */
	size_t tlen;
	size_t at;			/* age: the event-date field */
	struct centry *cache;
	struct eds_buf last_in, last_out;
	int have_last;
	struct eds_buf last_ctx;	/* memo: the age's event date */
	int last_key;			/* memo: the row's offset */
	struct eds_scrubber *scr;
	size_t *ident;			/* scrub: fields of identifying values */
};

struct eds_pseudo {
	const struct eds_policy *pol;
	const struct eds_domain *dom;
	int started;
	size_t nin;
	struct pcol *cols;
	size_t nout;
	struct eds_field *orig;
	long patient;			/* field of the patient id, or -1 */
	int pnorm;
	struct eds_buf norm;		/* scratch */
	/* the row's offset */
	int row_off_done, row_off;
	struct eds_buf last_patient;
	int last_off, have_last_patient;
	struct centry *off_cache;
	/* counts */
	uint64_t n_pseudo, n_shift, n_gen, n_uid, n_scrub;
	uint64_t n_hmac, n_reuse, n_cached;
	size_t dropped, kept;
};

struct eds_pseudo *
eds_pseudo_new(const struct eds_policy *pol, const struct eds_domain *dom)
{
	struct eds_pseudo *p = xcalloc(1, sizeof *p);

	p->pol = pol;
	p->dom = dom;
	p->patient = -1;
	p->pnorm = eds_policy_patient_norm(pol);
	return p;
}

static void
wipe_buf(struct eds_buf *b)
{
	if (b->p != NULL)
		eds_wipe(b->p, b->cap);
	eds_buf_release(b);
}

static void
free_cols(struct eds_pseudo *p)
{
	size_t i;

	for (i = 0; i < p->nout; i++) {
		struct pcol *c = &p->cols[i];

		free(c->tagz);
		if (c->cache != NULL)
			eds_wipe(c->cache, CACHE_SLOTS * sizeof *c->cache);
		free(c->cache);
		wipe_buf(&c->last_in);
		wipe_buf(&c->last_out);
		wipe_buf(&c->last_ctx);
		eds_scrubber_free(c->scr);
		free(c->ident);
	}
	free(p->cols);
	p->cols = NULL;
	p->nout = 0;
}

void
eds_pseudo_free(struct eds_pseudo *p)
{
	if (p == NULL)
		return;
	free_cols(p);
	free(p->orig);
	wipe_buf(&p->norm);
	wipe_buf(&p->last_patient);
	if (p->off_cache != NULL)
		eds_wipe(p->off_cache, CACHE_SLOTS * sizeof *p->off_cache);
	free(p->off_cache);
	free(p);
}

/* --- start: the policy onto the header ------------------------------------ */

static int __attribute__((format(printf, 4, 5)))
policy_error(const struct eds_pseudo *p, const struct eds_policy_col *c,
    struct eds_error *err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return eds_error_at(err, EDS_EX_CONFIG, p->pol->path,
	    c != NULL ? c->line : 0, c != NULL ? c->col : 0, "%s", msg);
}

static long
field_of(const struct eds_header *in, const char *name)
{
	return eds_header_find(in, name);
}

static int
start(void *ctx, const struct eds_header *in, struct eds_header *out,
    struct eds_error *err)
{
	struct eds_pseudo *p = ctx;
	const struct eds_policy *pol = p->pol;
	size_t i, j, k;

	free_cols(p);
	p->dropped = p->kept = 0;
	for (i = 0; i < in->n; i++)
		for (j = i + 1; j < in->n; j++)
			if (strcmp(in->names[i], in->names[j]) == 0)
				return eds_error_set(err, EDS_EX_DATAERR,
				    "column '%s' appears twice in the header",
				    in->names[i]);
	for (i = 0; i < pol->ncols; i++)
		if (field_of(in, pol->cols[i].name) < 0)
			return policy_error(p, &pol->cols[i], err,
			    "the policy names column '%s', which is not in the "
			    "input", pol->cols[i].name);
	p->nin = in->n;
	p->cols = xcalloc(in->n > 0 ? in->n : 1, sizeof *p->cols);
	p->orig = xreallocarray(p->orig, in->n > 0 ? in->n : 1,
	    sizeof *p->orig);
	p->patient = pol->patient_id != NULL ?
	    field_of(in, pol->patient_id) : -1;
	for (i = 0; i < in->n; i++) {
		const struct eds_policy_col *r = eds_policy_find(pol,
		    in->names[i]);
		struct pcol *c;

		if (r == NULL && pol->unlisted == EDS_UNLISTED_ERROR)
			return eds_error_at(err, EDS_EX_CONFIG, pol->path, 0, 0,
			    "input column '%s' is not listed in the policy: "
			    "add a rule for it (or set 'unlisted: drop' or "
			    "'unlisted: keep')", in->names[i]);
		if ((r == NULL && pol->unlisted == EDS_UNLISTED_DROP) ||
		    (r != NULL && r->action == EDS_ACT_DROP)) {
			p->dropped++;
			continue;
		}
		c = &p->cols[p->nout++];
		c->rule = r;
		c->action = r != NULL ? r->action : EDS_ACT_KEEP;
		c->in = i;
		if (c->action == EDS_ACT_KEEP)
			p->kept++;
		eds_header_add(out, r != NULL && r->rename != NULL ?
		    r->rename : in->names[i]);
		switch (c->action) {
		case EDS_ACT_PSEUDONYMISE:
		case EDS_ACT_UID:
			c->tagz = xstrdup(c->action == EDS_ACT_UID ? "uid" :
			    r->ns);
			c->tlen = strlen(c->tagz) + 1;
			c->cache = xcalloc(CACHE_SLOTS, sizeof *c->cache);
			break;
		case EDS_ACT_GENERALISE:
			if (r->gen == EDS_GEN_AGE)
				c->at = (size_t)field_of(in, r->at);
			break;
		case EDS_ACT_SCRUB:
			c->scr = eds_scrubber_new(r->dates);
			c->ident = xcalloc(r->nident + 1, sizeof *c->ident);
			for (k = 0; k < r->nident; k++)
				c->ident[k] = (size_t)field_of(in,
				    r->ident[k].column);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < out->n; i++)
		for (j = i + 1; j < out->n; j++)
			if (strcmp(out->names[i], out->names[j]) == 0)
				return policy_error(p, p->cols[j].rule, err,
				    "two output columns are named '%s' (check "
				    "'rename')", out->names[i]);
	if (p->off_cache == NULL)
		p->off_cache = xcalloc(CACHE_SLOTS, sizeof *p->off_cache);
	p->started = 1;
	return 0;
}

/* --- process: one row ---------------------------------------------------- */

static int
row_error(const struct eds_record *rec, size_t field, const char *col,
    struct eds_error *err, const char *what)
{
	return eds_error_at(err, EDS_EX_DATAERR, rec->file, rec->line,
	    field + 1, "column '%s': %s", col, what);
}

/* A quick hash of a short value (8 bytes at a time), for the cache. */
static inline uint32_t
hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	}
	h ^= h >> 32;
	return (uint32_t)h;
}

/* Digest of tag || 0 || v through the cache. */
static void
digest(struct eds_pseudo *p, struct centry *cache, const char *tagz,
    size_t tlen, const char *v, size_t n, unsigned char md[EDS_HMAC_LEN])
{
	struct centry *e = NULL;

	if (n <= CACHE_VLEN) {
		e = &cache[hash(v, n) & (CACHE_SLOTS - 1)];
		if (e->len == n && memcmp(e->v, v, n) == 0) {
			memcpy(md, e->md, EDS_HMAC_LEN);
			p->n_cached++;
			return;
		}
	}
	eds_pseudo_digest_z(p->dom, tagz, tlen, v, n, md);
	p->n_hmac++;
	if (e != NULL) {
		e->len = (unsigned char)n;
		memcpy(e->v, v, n);
		memcpy(e->md, md, EDS_HMAC_LEN);
	}
}

static const char *
normalised(struct eds_pseudo *p, int steps, const struct eds_field *v,
    size_t *n)
{
	/* Nothing to do for the usual value: no step, no blank at the ends. */
	if (steps == 0 && v->len > 0 && v->s[0] != ' ' && v->s[0] != '\t' &&
	    v->s[v->len - 1] != ' ' && v->s[v->len - 1] != '\t') {
		*n = v->len;
		return v->s;
	}
	p->norm.len = 0;
	eds_buf_grow(&p->norm, v->len + 1);
	*n = eds_normalise(steps, v->s, v->len, p->norm.p);
	return p->norm.p;
}

/* The row's date-shift offset; 0 when the row has no patient id. */
static int
row_offset(struct eds_pseudo *p)
{
	static const char tagz[] = "date-shift";
	const struct eds_field *v;
	unsigned char md[EDS_HMAC_LEN];
	const char *s;
	size_t n;

	if (p->row_off_done)
		return p->row_off;
	p->row_off_done = 1;
	p->row_off = 0;
	if (p->patient < 0)
		return 0;
	v = &p->orig[p->patient];
	if (p->have_last_patient && v->len == p->last_patient.len &&
	    memcmp(v->s, p->last_patient.p, v->len) == 0)
		return p->row_off = p->last_off;
	s = normalised(p, p->pnorm, v, &n);
	if (n > 0) {
		digest(p, p->off_cache, tagz, sizeof tagz, s, n, md);
		p->row_off = eds_offset_from_digest(md, p->pol->shift_days);
	}
	p->last_patient.len = 0;
	eds_buf_add(&p->last_patient, v->s, v->len);
	p->last_off = p->row_off;
	p->have_last_patient = 1;
	return p->row_off;
}

static int
do_pseudo(struct eds_pseudo *p, struct pcol *c, struct eds_record *rec,
    const struct eds_field *v, struct eds_field *out)
{
	unsigned char md[EDS_HMAC_LEN];
	const struct eds_policy_col *r = c->rule;
	char *o;
	const char *s;
	size_t n;

	if (c->have_last && v->len == c->last_in.len &&
	    memcmp(v->s, c->last_in.p, v->len) == 0) {
		out->s = c->last_out.p;
		out->len = c->last_out.len;
		p->n_reuse++;
		return 1;
	}
	if (c->action == EDS_ACT_UID) {
		digest(p, c->cache, c->tagz, c->tlen, v->s, v->len, md);
		o = eds_arena_alloc(&rec->arena, EDS_UID_MAX);
		n = eds_uid_from_digest(md, o);
	} else {
		s = normalised(p, r->norm, v, &n);
		if (n == 0) {
			out->s = "";
			out->len = 0;
			return 0;
		}
		digest(p, c->cache, c->tagz, c->tlen, s, n, md);
		o = eds_arena_alloc(&rec->arena, strlen(r->prefix) +
		    (size_t)r->length + 1);
		n = eds_pseudonym_format(md, r->prefix, (size_t)r->length, o);
	}
	out->s = o;
	out->len = n;
	c->last_in.len = 0;
	eds_buf_add(&c->last_in, v->s, v->len);
	c->last_out.len = 0;
	eds_buf_add(&c->last_out, o, n);
	c->have_last = 1;
	return 1;
}

/*
 * The previous row's result for this column when its inputs were the same
 * (the value, the row's offset key, and ctx, another field it depends on):
 * rows of one sample share their dates.
 */
static int
memo_get(struct pcol *c, const struct eds_field *v, const struct eds_field *ctx,
    int key, struct eds_field *out)
{
	if (!c->have_last || c->last_key != key || v->len != c->last_in.len ||
	    memcmp(v->s, c->last_in.p, v->len) != 0)
		return 0;
	if (ctx != NULL && (ctx->len != c->last_ctx.len ||
	    memcmp(ctx->s, c->last_ctx.p, ctx->len) != 0))
		return 0;
	out->s = c->last_out.p;
	out->len = c->last_out.len;
	return 1;
}

static void
memo_put(struct pcol *c, const struct eds_field *v, const struct eds_field *ctx,
    int key, const struct eds_field *out)
{
	c->last_in.len = c->last_out.len = c->last_ctx.len = 0;
	eds_buf_add(&c->last_in, v->s, v->len);
	eds_buf_add(&c->last_out, out->s, out->len);
	if (ctx != NULL)
		eds_buf_add(&c->last_ctx, ctx->s, ctx->len);
	c->last_key = key;
	c->have_last = 1;
}

/* YYYY-MM-DD into o[0..10), without printf (years 1..9999). */
static void
ymd(const struct eds_tm *t, char *o)
{
	o[0] = (char)('0' + t->year / 1000);
	o[1] = (char)('0' + t->year / 100 % 10);
	o[2] = (char)('0' + t->year / 10 % 10);
	o[3] = (char)('0' + t->year % 10);
	o[4] = '-';
	o[5] = (char)('0' + t->month / 10);
	o[6] = (char)('0' + t->month % 10);
	o[7] = '-';
	o[8] = (char)('0' + t->day / 10);
	o[9] = (char)('0' + t->day % 10);
}

static int
do_shift(struct eds_pseudo *p, struct pcol *c, struct eds_record *rec,
    const struct eds_field *v, struct eds_field *out, struct eds_error *err)
{
	const char *name = c->rule->name;
	struct eds_tm tm;
	char *o;
	int off;

	if (eds_date_parse_iso(v->s, v->len, &tm) == -1 ||
	    (c->rule->shift_type == 1 && tm.has_time) ||
	    (c->rule->shift_type == 2 && !tm.has_time))
		return row_error(rec, c->in, name, err,
		    c->rule->shift_type == 1 ? "not an ISO 8601 date "
		    "(YYYY-MM-DD)" : c->rule->shift_type == 2 ? "not an ISO "
		    "8601 date-time (YYYY-MM-DDTHH:MM:SS)" : "not an ISO "
		    "8601 date or date-time");
	if ((off = row_offset(p)) == 0) {
		char what[160];

		snprintf(what, sizeof what, "no patient id (column '%s' is "
		    "empty) to shift the date by", p->pol->patient_id);
		return row_error(rec, c->in, name, err, what);
	}
	eds_tm_add_days(&tm, off);
	if (tm.year < 1 || tm.year > 9999)
		return row_error(rec, c->in, name, err, "shifted by the "
		    "patient's offset, the date falls outside the years 1 to "
		    "9999");
	o = eds_arena_alloc(&rec->arena, v->len + 1);
	ymd(&tm, o);
	/* The time of day and any offset are kept as they were. */
	memcpy(o + 10, v->s + 10, v->len - 10);
	o[v->len] = '\0';
	out->s = o;
	out->len = v->len;
	return 0;
}

static int
do_gen(struct eds_pseudo *p, struct pcol *c, struct eds_record *rec,
    const struct eds_field *v, struct eds_field *out, struct eds_error *err)
{
	const struct eds_policy_col *r = c->rule;
	struct eds_tm birth, when;
	const struct eds_field *ev;
	const char *lab;
	char buf[16];
	int n = -1;

	(void)p;
	switch (r->gen) {
	case EDS_GEN_YEAR:
		if ((n = eds_gen_year(v->s, v->len, buf)) < 0)
			return row_error(rec, c->in, r->name, err,
			    "not an ISO 8601 date");
		break;
	case EDS_GEN_MONTH:
		if ((n = eds_gen_month(v->s, v->len, buf)) < 0)
			return row_error(rec, c->in, r->name, err,
			    "not an ISO 8601 date");
		break;
	case EDS_GEN_DEPARTEMENT:
		if ((n = eds_departement(v->s, v->len, buf)) < 0)
			return row_error(rec, c->in, r->name, err,
			    "not a five-digit French postcode");
		break;
	case EDS_GEN_BINS:
		if ((lab = eds_bins_label(&r->bins, v->s, v->len)) == NULL)
			return row_error(rec, c->in, r->name, err,
			    "not a number");
		out->s = lab;
		out->len = strlen(lab);
		return 0;
	case EDS_GEN_AGE:
		ev = &p->orig[c->at];
		if (ev->len == 0) {
			out->s = "";
			out->len = 0;
			return 0;
		}
		if (eds_date_parse_iso(v->s, v->len, &birth) == -1)
			return row_error(rec, c->in, r->name, err,
			    "not an ISO 8601 date");
		if (eds_date_parse_iso(ev->s, ev->len, &when) == -1)
			return row_error(rec, c->at, r->at, err,
			    "not an ISO 8601 date or date-time");
		if ((n = eds_gen_age(&birth, &when, r->top, buf)) < 0)
			return row_error(rec, c->in, r->name, err,
			    "the event date is before the birth date");
		break;
	}
	out->s = eds_arena_strndup(&rec->arena, buf, (size_t)n);
	out->len = (size_t)n;
	return 0;
}

static void
do_scrub(struct eds_pseudo *p, struct pcol *c, const struct eds_field *v,
    struct eds_record *rec, struct eds_field *out)
{
	const struct eds_policy_col *r = c->rule;
	const char *s;
	size_t k, n;
	int off = 0;

	eds_scrub_row_begin(c->scr);
	for (k = 0; k < r->nident; k++) {
		const struct eds_field *iv = &p->orig[c->ident[k]];

		eds_scrub_row_value(c->scr, iv->s, iv->len, r->ident[k].label);
	}
	if (r->dates == EDS_DATES_SHIFT)
		off = row_offset(p);
	eds_scrub(c->scr, v->s, v->len, off, &s, &n);
	if (s != v->s) {
		p->n_scrub++;
		out->s = eds_arena_strndup(&rec->arena, s, n);
		out->len = n;
	}
}

static int
process(void *ctx, struct eds_record *rec, struct eds_error *err)
{
	struct eds_pseudo *p = ctx;
	size_t j;

	if (rec->reason != NULL)
		return eds_error_at(err, EDS_EX_DATAERR, rec->file, rec->line, 0,
		    "cannot read the row (%s): %s", rec->reason, rec->detail);
	if (rec->n != p->nin)
		return eds_error_at(err, EDS_EX_DATAERR, rec->file, rec->line, 0,
		    "row has %zu fields, the header has %zu", rec->n, p->nin);
	memcpy(p->orig, rec->f, p->nin * sizeof *p->orig);
	p->row_off_done = 0;
	for (j = 0; j < p->nout; j++) {
		struct pcol *c = &p->cols[j];
		const struct eds_field *v = &p->orig[c->in], *dep;
		struct eds_field out = *v;
		int off;

		if (v->len > 0) {
			switch (c->action) {
			case EDS_ACT_PSEUDONYMISE:
			case EDS_ACT_UID:
				if (do_pseudo(p, c, rec, v, &out)) {
					if (c->action == EDS_ACT_UID)
						p->n_uid++;
					else
						p->n_pseudo++;
				}
				break;
			case EDS_ACT_SHIFT:
				off = row_offset(p);
				if (!memo_get(c, v, NULL, off, &out)) {
					if (do_shift(p, c, rec, v, &out, err) == -1)
						return -1;
					memo_put(c, v, NULL, off, &out);
				}
				p->n_shift++;
				break;
			case EDS_ACT_GENERALISE:
				dep = c->rule->gen == EDS_GEN_AGE ? &p->orig[c->at] :
				    NULL;
				if (!memo_get(c, v, dep, 0, &out)) {
					if (do_gen(p, c, rec, v, &out, err) == -1)
						return -1;
					memo_put(c, v, dep, 0, &out);
				}
				p->n_gen++;
				break;
			case EDS_ACT_SCRUB:
				do_scrub(p, c, v, rec, &out);
				break;
			default:
				break;
			}
		}
		rec->f[j] = out;
	}
	rec->n = p->nout;
	return EDS_PASS;
}

void
eds_pseudo_stage(struct eds_pseudo *p, struct eds_stage *s)
{
	memset(s, 0, sizeof *s);
	s->name = "pseudo";
	s->ctx = p;
	s->start = start;
	s->process = process;
	s->finish = NULL;
}

void
eds_pseudo_account(const struct eds_pseudo *p, struct eds_run *run)
{
	uint64_t kinds[EDS_SCRUB_NKINDS];
	char name[64], *json;
	size_t i, j;
	struct eds_buf b = EDS_BUF_INIT;

	memset(kinds, 0, sizeof kinds);
	for (i = 0; i < p->nout; i++)
		if (p->cols[i].scr != NULL)
			for (j = 0; j < EDS_SCRUB_NKINDS; j++)
				kinds[j] += eds_scrub_count(p->cols[i].scr,
				    (enum eds_scrub_kind)j);
	eds_run_set(run, "values.pseudonymised", p->n_pseudo);
	eds_run_set(run, "values.shifted", p->n_shift);
	eds_run_set(run, "values.generalised", p->n_gen);
	eds_run_set(run, "values.uid", p->n_uid);
	eds_run_set(run, "values.scrubbed", p->n_scrub);
	for (j = EDS_SCRUB_NKINDS; j-- > 0;) {
		snprintf(name, sizeof name, "scrubbed.%s",
		    eds_scrub_kind_name((enum eds_scrub_kind)j));
		eds_run_set(run, name, kinds[j]);
	}
	eds_run_set(run, "columns.dropped", p->dropped);
	eds_run_set(run, "columns.kept", p->kept);
	eds_run_set(run, "hmac.computed", p->n_hmac);
	eds_run_set(run, "hmac.cached", p->n_cached + p->n_reuse);
	eds_json_str(&b, eds_domain_name(p->dom));
	json = b.p;
	eds_run_extra(run, "domain", json != NULL ? json : "null");
	eds_buf_release(&b);
}

/* --- a whole file ----------------------------------------------------------- */

struct filerun {
	const struct eds_pseudo_options *o;
	struct eds_pipeline pl;
	struct eds_output *out;
	struct eds_input *in;
	uint64_t rows_in, rows_out, rows_dropped;
	int saw_header;
};

static int
on_row(void *ctx, struct eds_record *rec, struct eds_error *err)
{
	struct filerun *f = ctx;
	struct eds_header h;
	size_t i;
	int v;

	if (rec->index == 0) {
		f->saw_header = 1;
		if (rec->reason != NULL)
			return eds_error_at(err, EDS_EX_DATAERR, rec->file,
			    rec->line, 0, "cannot read the header row: %s",
			    rec->detail);
		eds_header_init(&h);
		for (i = 0; i < rec->n; i++)
			eds_header_add(&h, rec->f[i].s);
		v = eds_pipeline_start(&f->pl, &h, err);
		eds_header_release(&h);
		if (v == -1)
			return -1;
		return eds_csv_write_header(f->out, eds_pipeline_header(&f->pl),
		    err);
	}
	f->rows_in++;
	if (f->o->progress != NULL && f->rows_in % PROGRESS_EVERY == 0)
		f->o->progress(f->o->ctx, f->rows_in,
		    eds_input_stored_bytes(f->in));
	v = eds_pipeline_push(&f->pl, rec, NULL, err);
	if (v == -1)
		return -1;
	if (v == EDS_DROP) {
		f->rows_dropped++;
		return 0;
	}
	f->rows_out++;
	return eds_csv_write_fields(f->out, rec->f, rec->n, err);
}

int
eds_pseudo_file(const struct eds_pseudo_options *o, const char *path,
    struct eds_run *run, struct eds_error *err)
{
	struct eds_csv_options co;
	struct eds_csv_reader *r = NULL;
	struct eds_pseudo *p;
	struct eds_stage st;
	struct filerun f;
	char sha[EDS_SHA256_HEX];
	uint64_t bytes;
	int rc = -1;

	memset(&f, 0, sizeof f);
	f.o = o;
	snprintf(run->config_sha256, sizeof run->config_sha256, "%s",
	    o->policy->sha256);
	eds_run_set(run, "rows_in", 0);
	eds_run_set(run, "rows_out", 0);
	p = eds_pseudo_new(o->policy, o->domain);
	eds_pseudo_stage(p, &st);
	eds_pipeline_init(&f.pl);
	eds_pipeline_add(&f.pl, &st);
	if ((f.in = eds_input_open(path, err)) == NULL)
		goto done;
	if ((f.out = eds_output_open(o->output, o->gzip ? EDS_OUT_GZIP : 0,
	    err)) == NULL)
		goto done;
	eds_csv_options_init(&co);
	co.sep = ',';
	r = eds_csv_reader_new(f.in, &co);
	if (eds_csv_reader_run(r, on_row, &f, err) == -1)
		goto done;
	if (!f.saw_header) {
		eds_error_at(err, EDS_EX_DATAERR, eds_input_name(f.in), 0, 0,
		    "file is empty (expected a header row)");
		goto done;
	}
	if (eds_pipeline_finish(&f.pl, err) == -1)
		goto done;
	rc = eds_output_commit_sha(f.out, sha, &bytes, err);
	f.out = NULL;
	if (rc == 0)
		eds_run_output(run, o->output != NULL ? o->output : "-", sha,
		    bytes);
done:
	if (f.in != NULL) {
		/* What was read, also when the run failed part-way. */
		eds_input_sha256(f.in, sha);
		eds_run_input(run, eds_input_name(f.in), sha,
		    eds_input_stored_bytes(f.in));
	}
	eds_csv_reader_free(r);
	eds_input_close(f.in);
	eds_output_abort(f.out);
	eds_run_set(run, "rows_in", f.rows_in);
	eds_run_set(run, "rows_out", f.rows_out);
	if (f.rows_dropped > 0)
		eds_run_set(run, "rows_dropped", f.rows_dropped);
	eds_pseudo_account(p, run);
	eds_pipeline_release(&f.pl);
	eds_pseudo_free(p);
	return rc;
}
