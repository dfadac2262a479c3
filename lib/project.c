/*
 * project.c: loading project specifications through lib/yamlconf (see
 * project.h and man/eds-project.5).
 */
#include "config.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "consent.h"
#include "datetime.h"
#include "ingest.h"
#include "project.h"
#include "xmalloc.h"
#include "yamlconf.h"

static const char *const top_keys[] = {
	"project", "title", "organization", "approval", "purpose", "requester",
	"domain", "consent", "period", "datasets", "output", NULL
};
static const char *const approval_keys[] = { "body", "reference", "date",
	NULL };
static const char *const consent_keys[] = { "require", "regime", "at",
	"id_column", "registry", NULL };
static const char *const period_keys[] = { "from", "to", NULL };
static const char *const dataset_keys[] = { "name", "schema", "inputs",
	"policy", "date_column", "columns", "kanonymity", NULL };
static const char *const kanon_keys[] = { "quasi_identifiers", "k", "action",
	NULL };
static const char *const output_keys[] = { "gzip", "max_reject_rate", NULL };

struct ctx {
	const struct eds_yaml *y;
	char *dir;		/* directory of the spec, with trailing '/' */
	int flags;		/* EDS_PROJECT_* */
	struct eds_error *err;
};

/* A required or optional string; *out is a copy (NULL if absent). */
static int
str(struct ctx *c, const struct eds_ynode *m, const char *key, int required,
    char **out)
{
	const struct eds_ynode *v = eds_yaml_get(m, key);
	const char *s = NULL;

	if (v == NULL) {
		if (required)
			return eds_yaml_error(c->y, m, c->err,
			    "missing required key '%s'", key);
		*out = NULL;
		return 0;
	}
	if (eds_yaml_str(c->y, v, &s, c->err) == -1)
		return -1;
	if (required && *s == '\0')
		return eds_yaml_error(c->y, v, c->err, "'%s' is empty", key);
	*out = xstrdup(s);
	return 0;
}

static int
date(struct ctx *c, const struct eds_ynode *m, const char *key, int required,
    char **out)
{
	struct eds_tm t;

	if (str(c, m, key, required, out) == -1)
		return -1;
	if (*out != NULL && eds_date_parse_iso(*out, strlen(*out), &t) == -1)
		return eds_yaml_error(c->y, eds_yaml_get(m, key), c->err,
		    "'%s' is not a date (YYYY-MM-DD) or date-time", key);
	return 0;
}

static char *
resolve(struct ctx *c, const char *p)
{
	return p[0] == '/' ? xstrdup(p) : xasprintf("%s%s", c->dir, p);
}

static int
path(struct ctx *c, const struct eds_ynode *m, const char *key, char **out)
{
	char *s;

	if (str(c, m, key, 1, &s) == -1)
		return -1;
	*out = resolve(c, s);
	free(s);
	return 0;
}

/* A list of strings (a lone string is a list of one). */
static int
list(struct ctx *c, const struct eds_ynode *v, char ***out, size_t *n)
{
	size_t i;
	const char *s;

	*n = eds_yseq_len(v);
	*out = xcalloc(*n + 1, sizeof **out);
	for (i = 0; i < *n; i++) {
		if (eds_yaml_str(c->y, eds_yseq_item(v, i), &s, c->err) == -1)
			return -1;
		(*out)[i] = xstrdup(s);
	}
	return 0;
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || *s == '.')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		    *s == '.'))
			return 0;
	return 1;
}

static int
inputs(struct ctx *c, const struct eds_ynode *m, struct eds_dataset_spec *d)
{
	const struct eds_ynode *v;
	const char *s;
	glob_t g;
	size_t i, j, k;
	char *pat;
	int r;

	if (eds_yaml_require(c->y, m, "inputs", &v, c->err) == -1)
		return -1;
	if (eds_yseq_len(v) == 0)
		return eds_yaml_error(c->y, v, c->err, "'inputs' is empty");
	for (i = 0; i < eds_yseq_len(v); i++) {
		const struct eds_ynode *item = eds_yseq_item(v, i);

		if (eds_yaml_str(c->y, item, &s, c->err) == -1)
			return -1;
		pat = resolve(c, s);
		if (c->flags & EDS_PROJECT_NO_GLOB) {
			d->inputs = xreallocarray(d->inputs, d->ninputs + 2,
			    sizeof *d->inputs);
			d->inputs[d->ninputs++] = pat;
			d->inputs[d->ninputs] = NULL;
			continue;
		}
		memset(&g, 0, sizeof g);
		r = glob(pat, GLOB_ERR, NULL, &g);
		if (r == GLOB_NOMATCH || (r == 0 && g.gl_pathc == 0)) {
			globfree(&g);
			eds_error_at(c->err, EDS_EX_NOINPUT, c->y->path,
			    item->line, item->column,
			    "no input file matches '%s'", pat);
			free(pat);
			return -1;
		}
		if (r != 0) {
			globfree(&g);
			eds_error_at(c->err, EDS_EX_NOINPUT, c->y->path,
			    item->line, item->column,
			    "cannot list input files for '%s'", pat);
			free(pat);
			return -1;
		}
		d->inputs = xreallocarray(d->inputs, d->ninputs + g.gl_pathc + 1,
		    sizeof *d->inputs);
		for (j = 0; j < g.gl_pathc; j++) {
			/* A file read twice would count its rows twice. */
			for (k = 0; k < d->ninputs; k++)
				if (strcmp(d->inputs[k], g.gl_pathv[j]) == 0)
					break;
			if (k < d->ninputs) {
				eds_error_at(c->err, EDS_EX_CONFIG, c->y->path,
				    item->line, item->column, "input file '%s' "
				    "is already an input of this dataset",
				    g.gl_pathv[j]);
				d->inputs[d->ninputs] = NULL;
				globfree(&g);
				free(pat);
				return -1;
			}
			d->inputs[d->ninputs++] = xstrdup(g.gl_pathv[j]);
		}
		d->inputs[d->ninputs] = NULL;
		globfree(&g);
		free(pat);
	}
	return 0;
}

/*
 * The required consent scopes: a list, each item one scope or several
 * separated by commas (as --require takes them).  Each must be a scope
 * (primary, secondary or study:ID) and appear once: under the opt-out
 * regime a misspelt scope would exclude nobody.
 */
static int
scopes(struct ctx *c, const struct eds_ynode *v, struct eds_project *p)
{
	const struct eds_ynode *item;
	const char *s, *e;
	size_t i, j, len;
	char *one;

	for (i = 0; i < eds_yseq_len(v); i++) {
		item = eds_yseq_item(v, i);
		if (eds_yaml_str(c->y, item, &s, c->err) == -1)
			return -1;
		for (; *s != '\0'; s = *e != '\0' ? e + 1 : e) {
			if ((e = strchr(s, ',')) == NULL)
				e = s + strlen(s);
			len = (size_t)(e - s);
			s = eds_consent_trim(s, &len);
			one = xstrndup(s, len);
			if (!eds_consent_scope_valid(one, len)) {
				eds_yaml_error(c->y, item, c->err, "'%s' is not "
				    "a consent scope (primary, secondary or "
				    "study:ID)", one);
				free(one);
				return -1;
			}
			for (j = 0; j < p->nrequire; j++)
				if (strcmp(p->require[j], one) == 0) {
					eds_yaml_error(c->y, item, c->err,
					    "scope '%s' is required twice", one);
					free(one);
					return -1;
				}
			p->require = xreallocarray(p->require, p->nrequire + 2,
			    sizeof *p->require);
			p->require[p->nrequire++] = one;
			p->require[p->nrequire] = NULL;
		}
	}
	if (p->nrequire == 0)
		return eds_yaml_error(c->y, v, c->err, "'require' is empty");
	return 0;
}

static int
dataset(struct ctx *c, const struct eds_ynode *m, struct eds_dataset_spec *d)
{
	const struct eds_ynode *v, *kn;
	static const char *const actions[] = { "refuse", "suppress", NULL };
	int a = 0;

	if (eds_yaml_check_map(c->y, m, "a dataset", dataset_keys, c->err) == -1)
		return -1;
	if (str(c, m, "name", 1, &d->name) == -1)
		return -1;
	if (!valid_name(d->name))
		return eds_yaml_error(c->y, eds_yaml_get(m, "name"), c->err,
		    "dataset name '%s' must be letters, digits, '.', '_' or "
		    "'-' (it names a file in the bundle)", d->name);
	if (path(c, m, "schema", &d->schema) == -1 ||
	    path(c, m, "policy", &d->policy) == -1 ||
	    inputs(c, m, d) == -1 ||
	    str(c, m, "date_column", 0, &d->date_column) == -1)
		return -1;
	if ((v = eds_yaml_get(m, "columns")) != NULL) {
		if (list(c, v, &d->columns, &d->ncolumns) == -1)
			return -1;
		if (d->ncolumns == 0)
			return eds_yaml_error(c->y, v, c->err,
			    "'columns' is empty");
	}
	if ((kn = eds_yaml_get(m, "kanonymity")) != NULL) {
		if (eds_yaml_check_map(c->y, kn, "kanonymity", kanon_keys,
		    c->err) == -1 ||
		    eds_yaml_require(c->y, kn, "quasi_identifiers", &v,
		    c->err) == -1 || list(c, v, &d->quasi, &d->nquasi) == -1)
			return -1;
		if (d->nquasi == 0)
			return eds_yaml_error(c->y, v, c->err,
			    "'quasi_identifiers' is empty");
		d->k = 5;
		if (eds_yaml_long(c->y, eds_yaml_get(kn, "k"), 2, 1000000,
		    &d->k, c->err) == -1 ||
		    eds_yaml_enum(c->y, eds_yaml_get(kn, "action"), actions,
		    &a, c->err) == -1)
			return -1;
		d->kanon_action = (enum eds_kanon_action)a;
	}
	return 0;
}

static int
load(struct ctx *c, struct eds_project *p)
{
	const struct eds_ynode *root = c->y->root, *v, *m;
	static const char *const regimes[] = { "opt-in", "opt-out", NULL };
	size_t i, j;
	int r = 0;

	if (eds_yaml_check_map(c->y, root, "a project specification",
	    top_keys, c->err) == -1)
		return -1;
	if (str(c, root, "project", 1, &p->id) == -1)
		return -1;
	if (!valid_name(p->id))
		return eds_yaml_error(c->y, eds_yaml_get(root, "project"),
		    c->err, "project id '%s' must be letters, digits, '.', "
		    "'_' or '-'", p->id);
	if (str(c, root, "title", 1, &p->title) == -1 ||
	    str(c, root, "organization", 1, &p->organization) == -1 ||
	    str(c, root, "purpose", 0, &p->purpose) == -1 ||
	    str(c, root, "requester", 0, &p->requester) == -1 ||
	    str(c, root, "domain", 0, &p->domain) == -1)
		return -1;
	if (p->domain == NULL)
		p->domain = xstrdup(p->id);

	if (eds_yaml_require(c->y, root, "approval", &m, c->err) == -1 ||
	    eds_yaml_check_map(c->y, m, "approval", approval_keys,
	    c->err) == -1 ||
	    str(c, m, "body", 1, &p->approval_body) == -1 ||
	    str(c, m, "reference", 1, &p->approval_reference) == -1 ||
	    date(c, m, "date", 1, &p->approval_date) == -1)
		return -1;

	if (eds_yaml_require(c->y, root, "consent", &m, c->err) == -1 ||
	    eds_yaml_check_map(c->y, m, "consent", consent_keys, c->err) == -1)
		return -1;
	if (eds_yaml_require(c->y, m, "require", &v, c->err) == -1 ||
	    scopes(c, v, p) == -1)
		return -1;
	if (eds_yaml_require(c->y, m, "regime", &v, c->err) == -1 ||
	    eds_yaml_enum(c->y, v, regimes, &r, c->err) == -1)
		return -1;
	p->opt_out = r == 1;
	if (eds_yaml_get(m, "at") != NULL &&
	    eds_yaml_get(m, "at")->type == EDS_YSCALAR &&
	    strcmp(eds_yaml_get(m, "at")->str, "now") == 0)
		p->consent_at = NULL;	/* the time of the run */
	else if (date(c, m, "at", 0, &p->consent_at) == -1)
		return -1;
	if (str(c, m, "id_column", 0, &p->id_column) == -1)
		return -1;
	if (eds_yaml_get(m, "registry") != NULL &&
	    path(c, m, "registry", &p->registry) == -1)
		return -1;

	if ((m = eds_yaml_get(root, "period")) != NULL) {
		if (eds_yaml_check_map(c->y, m, "period", period_keys,
		    c->err) == -1 ||
		    date(c, m, "from", 0, &p->period_from) == -1 ||
		    date(c, m, "to", 0, &p->period_to) == -1)
			return -1;
		if (p->period_from != NULL && p->period_to != NULL &&
		    strcmp(p->period_from, p->period_to) > 0)
			return eds_yaml_error(c->y, m, c->err,
			    "the period ends before it starts");
	}

	p->max_reject_rate = EDS_INGEST_DEFAULT_MAX_REJECT_RATE;
	if ((m = eds_yaml_get(root, "output")) != NULL) {
		if (eds_yaml_check_map(c->y, m, "output", output_keys,
		    c->err) == -1 ||
		    eds_yaml_bool(c->y, eds_yaml_get(m, "gzip"), &p->gzip,
		    c->err) == -1 ||
		    eds_yaml_double(c->y, eds_yaml_get(m, "max_reject_rate"),
		    &p->max_reject_rate, c->err) == -1)
			return -1;
		if (p->max_reject_rate < 0 || p->max_reject_rate > 1)
			return eds_yaml_error(c->y, eds_yaml_get(m,
			    "max_reject_rate"), c->err,
			    "'max_reject_rate' must be between 0 and 1");
	}

	if (eds_yaml_require(c->y, root, "datasets", &v, c->err) == -1)
		return -1;
	if (v->type != EDS_YSEQ || v->n == 0)
		return eds_yaml_error(c->y, v, c->err,
		    "'datasets' must be a non-empty list");
	p->ndatasets = v->n;
	p->datasets = xcalloc(p->ndatasets, sizeof *p->datasets);
	for (i = 0; i < p->ndatasets; i++) {
		if (dataset(c, v->items[i], &p->datasets[i]) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(p->datasets[j].name,
			    p->datasets[i].name) == 0)
				return eds_yaml_error(c->y, v->items[i],
				    c->err, "duplicate dataset name '%s'",
				    p->datasets[i].name);
		if (strcmp(p->datasets[i].name, "dictionary") == 0 ||
		    strcmp(p->datasets[i].name, "provenance") == 0)
			return eds_yaml_error(c->y, v->items[i], c->err,
			    "dataset name '%s' is reserved",
			    p->datasets[i].name);
	}
	return 0;
}

/* Load the specification parsed into y, named path. */
static struct eds_project *
from_yaml(const char *path_, struct eds_yaml *y, int flags,
    struct eds_error *err)
{
	struct eds_project *p;
	struct ctx c;
	const char *slash;

	p = xcalloc(1, sizeof *p);
	p->path = xstrdup(path_);
	memcpy(p->sha256, y->sha256, sizeof p->sha256);
	slash = strrchr(path_, '/');
	c.y = y;
	c.err = err;
	c.flags = flags;
	c.dir = slash != NULL ? xstrndup(path_, (size_t)(slash - path_ + 1)) :
	    xstrdup("");
	if (load(&c, p) == -1) {
		eds_project_free(p);
		p = NULL;
	}
	free(c.dir);
	eds_yaml_free(y);
	return p;
}

struct eds_project *
eds_project_load(const char *path_, struct eds_error *err)
{
	struct eds_yaml *y;

	if ((y = eds_yaml_load(path_, err)) == NULL)
		return NULL;
	return from_yaml(path_, y, 0, err);
}

struct eds_project *
eds_project_parse(const char *path_, const char *text, size_t len,
    int flags, struct eds_error *err)
{
	struct eds_yaml *y;

	if ((y = eds_yaml_parse(path_, text, len, err)) == NULL)
		return NULL;
	return from_yaml(path_, y, flags, err);
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
eds_project_free(struct eds_project *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ndatasets; i++) {
		struct eds_dataset_spec *d = &p->datasets[i];

		free(d->name);
		free(d->schema);
		free(d->policy);
		strv_free(d->inputs, d->ninputs);
		free(d->date_column);
		strv_free(d->columns, d->ncolumns);
		strv_free(d->quasi, d->nquasi);
	}
	free(p->datasets);
	strv_free(p->require, p->nrequire);
	free(p->path);
	free(p->id);
	free(p->title);
	free(p->organization);
	free(p->approval_body);
	free(p->approval_reference);
	free(p->approval_date);
	free(p->purpose);
	free(p->requester);
	free(p->domain);
	free(p->consent_at);
	free(p->id_column);
	free(p->registry);
	free(p->period_from);
	free(p->period_to);
	free(p);
}
