/*
 * consentfilter.c: the consent filter stage and its run (see
 * consentfilter.h).  A row's identifier is trimmed, compared with the
 * previous row's (extracts are often grouped by patient, so the last
 * verdict is kept), else looked up in the registry; each required scope's
 * history gives a status through eds_consent_status and the regime turns
 * the statuses into a verdict through eds_consent_verdict.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentfilter.h"
#include "csvread.h"
#include "csvwrite.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "xmalloc.h"

#define PROGRESS_EVERY 65536
#define MEMO_MAX 128

/* --- rules --------------------------------------------------------------- */

void
eds_consent_rules_init(struct eds_consent_rules *r)
{
	memset(r, 0, sizeof *r);
	r->id_column = xstrdup(EDS_CONSENT_DEFAULT_ID_COLUMN);
}

static void
require_clear(struct eds_consent_rules *r)
{
	size_t i;

	for (i = 0; i < r->nrequire; i++)
		free(r->require[i]);
	r->nrequire = 0;
}

void
eds_consent_rules_release(struct eds_consent_rules *r)
{
	require_clear(r);
	free(r->at);
	free(r->id_column);
	free(r->registry);
	memset(r, 0, sizeof *r);
}

/* Add one scope s[0..len); message (without status) in why on failure. */
static int
require_add(struct eds_consent_rules *r, const char *s, size_t len,
    char *why, size_t whylen)
{
	size_t i;

	s = eds_consent_trim(s, &len);
	if (!eds_consent_scope_valid(s, len)) {
		snprintf(why, whylen, "'%.*s' is not a scope (primary, "
		    "secondary or study:ID)", (int)(len > 64 ? 64 : len), s);
		return -1;
	}
	for (i = 0; i < r->nrequire; i++)
		if (strlen(r->require[i]) == len &&
		    memcmp(r->require[i], s, len) == 0) {
			snprintf(why, whylen, "scope '%.*s' is required twice",
			    (int)len, s);
			return -1;
		}
	if (r->nrequire == EDS_CONSENT_MAX_REQUIRE) {
		snprintf(why, whylen, "more than %d required scopes",
		    EDS_CONSENT_MAX_REQUIRE);
		return -1;
	}
	r->require[r->nrequire++] = xstrndup(s, len);
	return 0;
}

/* Add the scopes of a comma-separated list. */
static int
require_list(struct eds_consent_rules *r, const char *list, char *why,
    size_t whylen)
{
	const char *p = list, *comma;

	for (;;) {
		comma = strchr(p, ',');
		if (require_add(r, p, comma != NULL ? (size_t)(comma - p) :
		    strlen(p), why, whylen) == -1)
			return -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

int
eds_consent_rules_require(struct eds_consent_rules *r, const char *list,
    struct eds_error *err)
{
	char why[256];

	require_clear(r);
	if (require_list(r, list, why, sizeof why) == -1)
		return eds_error_set(err, EDS_EX_USAGE, "--require: %s", why);
	return 0;
}

int
eds_consent_rules_regime(struct eds_consent_rules *r, const char *s,
    struct eds_error *err)
{
	if ((r->regime = eds_consent_regime_parse(s)) == EDS_REGIME_NONE)
		return eds_error_set(err, EDS_EX_USAGE, "--regime takes opt-in "
		    "or opt-out, not '%s'", s);
	return 0;
}

int
eds_consent_rules_at(struct eds_consent_rules *r, const char *s,
    struct eds_error *err)
{
	char *copy;
	int64_t t;

	if (eds_consent_at_parse(s, &t) == -1)
		return eds_error_set(err, EDS_EX_USAGE, "--at takes now, a "
		    "date (YYYY-MM-DD, meaning the end of that day) or an ISO "
		    "8601 date-time, not '%s'", s);
	copy = xstrdup(s);	/* s may be r->at itself */
	free(r->at);
	r->at = copy;
	return 0;
}

void
eds_consent_rules_id_column(struct eds_consent_rules *r, const char *s)
{
	free(r->id_column);
	r->id_column = xstrdup(s);
}

void
eds_consent_rules_registry(struct eds_consent_rules *r, const char *s)
{
	free(r->registry);
	r->registry = xstrdup(s);
}

int
eds_consent_rules_from_yaml(struct eds_consent_rules *r,
    const struct eds_yaml *y, const struct eds_ynode *m,
    struct eds_error *err)
{
	static const char *const keys[] = { "registry", "regime", "require",
	    "at", "id_column", NULL };
	static const char *const regimes[] = { "opt-in", "opt-out", NULL };
	const struct eds_ynode *n;
	const char *s;
	char why[256];
	size_t i;
	int k;
	int64_t t;

	if (eds_yaml_check_map(y, m, "consent settings", keys, err) == -1)
		return -1;
	if ((n = eds_yaml_get(m, "regime")) != NULL) {
		if (eds_yaml_enum(y, n, regimes, &k, err) == -1)
			return -1;
		r->regime = k == 0 ? EDS_REGIME_OPT_IN : EDS_REGIME_OPT_OUT;
	}
	if ((n = eds_yaml_get(m, "require")) != NULL) {
		require_clear(r);
		for (i = 0; i < eds_yseq_len(n); i++) {
			const struct eds_ynode *it = eds_yseq_item(n, i);

			if (eds_yaml_str(y, it, &s, err) == -1)
				return -1;
			if (require_list(r, s, why, sizeof why) == -1)
				return eds_yaml_error(y, it, err, "%s", why);
		}
		if (r->nrequire == 0)
			return eds_yaml_error(y, n, err, "require lists no "
			    "scope");
	}
	if ((n = eds_yaml_get(m, "at")) != NULL) {
		if (eds_yaml_str(y, n, &s, err) == -1)
			return -1;
		if (eds_consent_at_parse(s, &t) == -1)
			return eds_yaml_error(y, n, err, "at takes now, a date "
			    "(YYYY-MM-DD, meaning the end of that day) or an "
			    "ISO 8601 date-time, not '%s'", s);
		free(r->at);
		r->at = xstrdup(s);
	}
	if ((n = eds_yaml_get(m, "id_column")) != NULL) {
		if (eds_yaml_str(y, n, &s, err) == -1)
			return -1;
		if (*s == '\0')
			return eds_yaml_error(y, n, err, "id_column is empty");
		eds_consent_rules_id_column(r, s);
	}
	if ((n = eds_yaml_get(m, "registry")) != NULL) {
		const char *slash = strrchr(y->path, '/');

		if (eds_yaml_str(y, n, &s, err) == -1)
			return -1;
		if (*s == '\0')
			return eds_yaml_error(y, n, err, "registry is empty");
		free(r->registry);
		/* Relative to the settings file's directory. */
		if (*s != '/' && slash != NULL)
			r->registry = xasprintf("%.*s/%s",
			    (int)(slash - y->path), y->path, s);
		else
			r->registry = xstrdup(s);
	}
	return 0;
}

int
eds_consent_rules_load(struct eds_consent_rules *r, const char *path,
    struct eds_error *err)
{
	struct eds_yaml *y;
	int rc;

	if ((y = eds_yaml_load(path, err)) == NULL)
		return -1;
	rc = eds_consent_rules_from_yaml(r, y, y->root, err);
	if (rc == 0)
		memcpy(r->config_sha256, y->sha256, EDS_SHA256_HEX);
	eds_yaml_free(y);
	return rc;
}

int
eds_consent_rules_check(const struct eds_consent_rules *r, int status,
    struct eds_error *err)
{
	if (r->nrequire == 0)
		return eds_error_set(err, status, "no required scope (give "
		    "--require SCOPE[,SCOPE] or require: in the settings)");
	if (r->regime == EDS_REGIME_NONE)
		return eds_error_set(err, status, "no regime (give --regime "
		    "opt-in|opt-out or regime: in the settings)");
	return 0;
}

/* --- the filter ---------------------------------------------------------- */

struct eds_consent_filter {
	const struct eds_registry *reg;
	enum eds_consent_regime regime;
	int64_t at;
	size_t n;				/* required scopes */
	char *names[EDS_CONSENT_MAX_REQUIRE];
	long scope[EDS_CONSENT_MAX_REQUIRE];	/* registry numbers or -1 */
	struct eds_consent_status st[EDS_CONSENT_MAX_REQUIRE];
	char *id_column;
	long col;				/* after start */
	struct eds_consent_item *items;		/* decoding scratch */
	size_t cap;
	/* The previous row's identifier and verdict. */
	char memo[MEMO_MAX];
	size_t memo_len;			/* 0: none */
	enum eds_consent_reason memo_verdict;
	uint64_t rows;
	uint64_t count[EDS_REASON_COUNT];
};

struct eds_consent_filter *
eds_consent_filter_new(const struct eds_registry *reg,
    const struct eds_consent_rules *r, struct eds_error *err)
{
	struct eds_consent_filter *f;
	size_t i;

	if (eds_consent_rules_check(r, EDS_EX_USAGE, err) == -1)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->reg = reg;
	f->regime = r->regime;
	f->at = eds_consent_now();
	if (r->at != NULL && eds_consent_at_parse(r->at, &f->at) == -1) {
		eds_error_set(err, EDS_EX_USAGE, "bad as-of time '%s'", r->at);
		free(f);
		return NULL;
	}
	f->n = r->nrequire;
	for (i = 0; i < f->n; i++) {
		f->names[i] = xstrdup(r->require[i]);
		f->scope[i] = eds_registry_scope_find(reg, r->require[i],
		    strlen(r->require[i]));
	}
	f->id_column = xstrdup(r->id_column != NULL ? r->id_column :
	    EDS_CONSENT_DEFAULT_ID_COLUMN);
	f->col = -1;
	return f;
}

void
eds_consent_filter_free(struct eds_consent_filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->id_column);
	free(f->items);
	free(f);
}

int64_t
eds_consent_filter_at(const struct eds_consent_filter *f)
{
	return f->at;
}

uint64_t
eds_consent_filter_rows(const struct eds_consent_filter *f)
{
	return f->rows;
}

uint64_t
eds_consent_filter_count(const struct eds_consent_filter *f,
    enum eds_consent_reason r)
{
	return (int)r >= 0 && r < EDS_REASON_COUNT ? f->count[r] : 0;
}

int
eds_consent_filter_verdict(struct eds_consent_filter *f, const char *id,
    size_t len, enum eds_consent_reason *out, struct eds_error *err)
{
	struct eds_registry_patient pt;
	struct eds_registry_entry e;
	size_t k;
	int rc;

	id = eds_consent_trim(id, &len);
	if (len == 0) {
		*out = EDS_REASON_EMPTY_ID;
		return 0;
	}
	if (len == f->memo_len && memcmp(id, f->memo, len) == 0) {
		*out = f->memo_verdict;
		return 0;
	}
	for (k = 0; k < f->n; k++)
		eds_consent_status(NULL, 0, f->at, &f->st[k]);
	if ((rc = eds_registry_find(f->reg, id, len, &pt, err)) == -1)
		return -1;
	if (rc == 1) {
		while ((rc = eds_registry_next_entry(&pt, &e, &f->items,
		    &f->cap, err)) == 1)
			for (k = 0; k < f->n; k++)
				if (f->scope[k] == (long)e.scope)
					eds_consent_status(f->items, e.nitems,
					    f->at, &f->st[k]);
		if (rc == -1)
			return -1;
	}
	*out = eds_consent_verdict(f->regime, f->st, f->n);
	if (len <= MEMO_MAX) {
		memcpy(f->memo, id, len);
		f->memo_len = len;
		f->memo_verdict = *out;
	}
	return 0;
}

static int
stage_start(void *ctx, const struct eds_header *in, struct eds_header *out,
    struct eds_error *err)
{
	struct eds_consent_filter *f = ctx;

	if ((f->col = eds_header_find(in, f->id_column)) == -1)
		return eds_error_set(err, EDS_EX_DATAERR, "the header has no "
		    "column '%s' holding the patient identifier (see "
		    "--id-column)", f->id_column);
	eds_header_copy(out, in);
	return 0;
}

static int
stage_process(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct eds_consent_filter *f = ctx;
	enum eds_consent_reason v;

	if ((size_t)f->col >= r->n)
		return eds_error_at(err, EDS_EX_DATAERR, r->file, r->line, 0,
		    "row has %zu fields, too few to hold the column '%s'",
		    r->n, f->id_column);
	if (eds_consent_filter_verdict(f, r->f[f->col].s, r->f[f->col].len,
	    &v, err) == -1) {
		err->line = r->line;
		return -1;
	}
	f->rows++;
	f->count[v]++;
	if (v == EDS_REASON_NONE)
		return EDS_PASS;
	r->reason = eds_consent_reason_name(v);
	r->column = f->id_column;
	r->detail[0] = '\0';
	return EDS_DROP;
}

void
eds_consent_filter_stage(struct eds_consent_filter *f, struct eds_stage *s)
{
	memset(s, 0, sizeof *s);
	s->name = "consent";
	s->ctx = f;
	s->start = stage_start;
	s->process = stage_process;
	s->finish = NULL;
}

void
eds_consent_filter_report(const struct eds_consent_filter *f,
    struct eds_run *run)
{
	struct eds_registry_info info;
	struct eds_buf b = EDS_BUF_INIT;
	char name[64], t[EDS_CONSENT_TIME_MAX];
	uint64_t dropped = 0;
	int k;
	size_t i;

	for (k = EDS_REASON_NO_RECORD; k < EDS_REASON_COUNT; k++)
		dropped += f->count[k];
	eds_run_set(run, "rows_in", f->rows);
	eds_run_set(run, "rows_out", f->count[EDS_REASON_NONE]);
	eds_run_set(run, "rows_dropped", dropped);
	for (k = EDS_REASON_NO_RECORD; k < EDS_REASON_COUNT; k++) {
		snprintf(name, sizeof name, "dropped.%s",
		    eds_consent_reason_name(k));
		eds_run_set(run, name, f->count[k]);
	}
	eds_registry_info(f->reg, &info);
	eds_buf_addf(&b, "%s/manifest", eds_registry_dir(f->reg));
	eds_run_input(run, b.p, info.manifest_sha256, info.manifest_bytes);
	eds_buf_reset(&b);
	eds_buf_addstr(&b, "{\"regime\":");
	eds_json_str(&b, eds_consent_regime_name(f->regime));
	eds_buf_addstr(&b, ",\"require\":[");
	for (i = 0; i < f->n; i++) {
		if (i > 0)
			eds_buf_addch(&b, ',');
		eds_json_str(&b, f->names[i]);
	}
	eds_consent_time_format(f->at, t);
	eds_buf_addstr(&b, "],\"at\":");
	eds_json_str(&b, t);
	eds_buf_addstr(&b, ",\"id_column\":");
	eds_json_str(&b, f->id_column);
	eds_buf_addstr(&b, ",\"registry\":");
	eds_json_str(&b, eds_registry_dir(f->reg));
	eds_buf_addf(&b, ",\"generation\":%llu}",
	    (unsigned long long)info.generation);
	eds_run_extra(run, "consent", b.p);
	eds_buf_release(&b);
}

/* --- the run of eds-consent filter -------------------------------------- */

struct frun {
	struct eds_consent_filter *f;
	const struct eds_consent_filter_options *o;
	struct eds_pipeline pl;
	struct eds_output *out, *exc;
	struct eds_input *in;
	struct eds_field *xf;		/* excluded row: fields + reason */
	size_t xcap;
	int started;
	uint64_t rows;
};

static int
write_excluded(struct frun *g, struct eds_record *r, struct eds_error *err)
{
	if (r->n + 1 > g->xcap) {
		g->xcap = 2 * (r->n + 1);
		g->xf = xreallocarray(g->xf, g->xcap, sizeof *g->xf);
	}
	memcpy(g->xf, r->f, r->n * sizeof *r->f);
	g->xf[r->n].s = r->reason;
	g->xf[r->n].len = strlen(r->reason);
	return eds_csv_write_fields(g->exc, g->xf, r->n + 1, err);
}

static int
on_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct frun *g = ctx;
	struct eds_header h, xh;
	size_t i;
	int v;

	if (r->reason != NULL)
		return eds_error_at(err, EDS_EX_DATAERR, r->file, r->line, 0,
		    "malformed CSV row (%s): %s", r->reason, r->detail);
	if (r->index == 0) {
		eds_header_init(&h);
		for (i = 0; i < r->n; i++)
			eds_header_add(&h, r->f[i].s);
		v = eds_pipeline_start(&g->pl, &h, err);
		eds_header_release(&h);
		if (v == -1) {
			snprintf(err->file, sizeof err->file, "%s", r->file);
			err->line = r->line;
			return -1;
		}
		g->started = 1;
		if (eds_csv_write_header(g->out, eds_pipeline_header(&g->pl),
		    err) == -1)
			return -1;
		if (g->exc == NULL)
			return 0;
		eds_header_init(&xh);
		eds_header_copy(&xh, eds_pipeline_header(&g->pl));
		eds_header_add(&xh, "consent_reason");
		v = eds_csv_write_header(g->exc, &xh, err);
		eds_header_release(&xh);
		return v;
	}
	if (++g->rows % PROGRESS_EVERY == 0 && g->o->progress != NULL)
		g->o->progress(g->o->ctx, g->rows,
		    eds_input_stored_bytes(g->in));
	v = eds_pipeline_push(&g->pl, r, NULL, err);
	if (v == EDS_PASS)
		return eds_csv_write_fields(g->out, r->f, r->n, err);
	if (v == EDS_DROP)
		return g->exc != NULL ? write_excluded(g, r, err) : 0;
	return -1;
}

int
eds_consent_filter_run(struct eds_consent_filter *f,
    const struct eds_consent_filter_options *o, const char *input,
    struct eds_run *run, struct eds_error *err)
{
	struct eds_csv_options opt;
	struct eds_csv_reader *rd = NULL;
	struct eds_stage st;
	struct frun g;
	char sha[EDS_SHA256_HEX];
	uint64_t bytes;
	int rc = -1;

	memset(&g, 0, sizeof g);
	g.f = f;
	g.o = o;
	eds_pipeline_init(&g.pl);
	eds_consent_filter_stage(f, &st);
	eds_pipeline_add(&g.pl, &st);
	if ((g.in = eds_input_open(input, err)) == NULL)
		goto done;
	if ((g.out = eds_output_open(o->output, 0, err)) == NULL)
		goto done;
	if (o->excluded != NULL &&
	    (g.exc = eds_output_open(o->excluded, 0, err)) == NULL)
		goto done;
	eds_csv_options_init(&opt);
	rd = eds_csv_reader_new(g.in, &opt);
	if (eds_csv_reader_run(rd, on_row, &g, err) == -1)
		goto done;
	if (!g.started) {
		eds_error_at(err, EDS_EX_DATAERR, eds_input_name(g.in), 0, 0,
		    "input is empty (expected a header row)");
		goto done;
	}
	if (eds_pipeline_finish(&g.pl, err) == -1)
		goto done;
	eds_input_sha256(g.in, sha);
	eds_run_input(run, eds_input_name(g.in), sha,
	    eds_input_stored_bytes(g.in));
	if (g.exc != NULL) {
		rc = eds_output_commit_sha(g.exc, sha, &bytes, err);
		g.exc = NULL;
		if (rc == -1)
			goto done;
		eds_run_output(run, o->excluded, sha, bytes);
		rc = -1;
	}
	rc = eds_output_commit_sha(g.out, sha, &bytes, err);
	g.out = NULL;
	if (rc == 0)
		eds_run_output(run, o->output != NULL ? o->output : "-", sha,
		    bytes);
done:
	eds_consent_filter_report(f, run);
	eds_csv_reader_free(rd);
	if (g.in != NULL)
		eds_input_close(g.in);
	eds_output_abort(g.out);
	eds_output_abort(g.exc);
	eds_pipeline_release(&g.pl);
	free(g.xf);
	return rc;
}
