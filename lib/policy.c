/*
 * policy.c: loading and checking pseudonymisation policies (see policy.h
 * and man/eds-policy.5).  The YAML tree from yamlconf is walked once; every
 * rule is checked where it is read (keys allowed for its action, ranges,
 * reserved namespaces), then cross references (patient_id, at, identifying)
 * are checked against the list of columns.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "schema.h"
#include "pseudonym.h"
#include "xmalloc.h"
#include "yamlconf.h"

static const char *const top_keys[] = {
	"policy", "description", "patient_id", "domain", "shift_days",
	"unlisted", "columns", NULL
};

static const char *const action_names[] = {
	"keep", "drop", "pseudonymise", "shift", "generalise", "uid", "scrub",
	NULL
};

/* Keys each action takes, besides action, rename and description. */
static const char *const keys_none[] = { "action", "rename", "description",
    NULL };
static const char *const keys_pseudo[] = { "action", "rename",
    "description", "namespace", "length", "prefix", "normalise", NULL };
static const char *const keys_shift[] = { "action", "rename", "description",
    "type", NULL };
static const char *const keys_gen[] = { "action", "rename", "description",
    "to", "top", "at", "bins", "labels", NULL };
static const char *const keys_scrub[] = { "action", "rename",
    "description", "identifying", "dates", NULL };

static const char *const *const action_keys[] = {
	keys_none, keys_none, keys_pseudo, keys_shift, keys_gen, keys_none,
	keys_scrub
};

static const char *const gen_names[] = {
	"year", "month", "age", "departement", "bins", NULL
};

static const char *const unlisted_names[] = { "error", "drop", "keep", NULL };
static const char *const date_modes[] = { "keep", "shift", "redact", NULL };
static const char *const shift_types[] = { "auto", "date", "datetime", NULL };

const char *
eds_action_name(enum eds_action a)
{
	return action_names[a];
}

static int
valid_label(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int
load_pseudo(const struct eds_yaml *y, const struct eds_ynode *n,
    struct eds_policy_col *c, struct eds_error *err)
{
	const struct eds_ynode *v;
	const char *s = NULL;
	long len = EDS_PSEUDO_LEN_DEFAULT;
	size_t k;
	int step;

	if (eds_yaml_require(y, n, "namespace", &v, err) == -1 ||
	    eds_yaml_str(y, v, &s, err) == -1)
		return -1;
	if (*s == '\0' || strlen(s) > EDS_NS_MAX || !printable(s))
		return eds_yaml_error(y, v, err, "namespace must be 1 to %d "
		    "printable characters", EDS_NS_MAX);
	if (strcmp(s, "date-shift") == 0 || strcmp(s, "uid") == 0)
		return eds_yaml_error(y, v, err, "namespace '%s' is reserved "
		    "(its digests drive %s)", s, strcmp(s, "uid") == 0 ?
		    "DICOM UIDs" : "date-shift offsets");
	c->ns = xstrdup(s);
	if (eds_yaml_long(y, eds_yaml_get(n, "length"), EDS_PSEUDO_LEN_MIN,
	    EDS_PSEUDO_LEN_MAX, &len, err) == -1)
		return -1;
	c->length = (int)len;
	s = "";
	v = eds_yaml_get(n, "prefix");
	if (eds_yaml_str(y, v, &s, err) == -1)
		return -1;
	if (strlen(s) > EDS_PREFIX_MAX || !printable(s))
		return eds_yaml_error(y, v, err, "prefix must be at most %d "
		    "printable characters", EDS_PREFIX_MAX);
	free(c->prefix);
	c->prefix = xstrdup(s);
	v = eds_yaml_get(n, "normalise");
	for (k = 0; k < eds_yseq_len(v); k++) {
		const struct eds_ynode *w = eds_yseq_item(v, k);

		if (eds_yaml_str(y, w, &s, err) == -1)
			return -1;
		if (eds_norm_step(s, &step) == -1)
			return eds_yaml_error(y, w, err, "unknown normalise step "
			    "'%s' (expected trim, remove-spaces, upper or "
			    "strip-leading-zeros)", s);
		c->norm |= step;
	}
	return 0;
}

static int
load_gen(const struct eds_yaml *y, const struct eds_ynode *n,
    struct eds_policy_col *c, struct eds_error *err)
{
	const struct eds_ynode *v, *lab;
	const char *s = NULL;
	long top = EDS_AGE_TOP_DEFAULT;
	double *edges;
	char **labels = NULL;
	size_t k, ne;
	int g = 0;

	if (eds_yaml_require(y, n, "to", &v, err) == -1 ||
	    eds_yaml_enum(y, v, gen_names, &g, err) == -1)
		return -1;
	c->gen = (enum eds_gen)g;
	if (c->gen != EDS_GEN_AGE) {
		if ((v = eds_yaml_get(n, "top")) != NULL ||
		    (v = eds_yaml_get(n, "at")) != NULL)
			return eds_yaml_error(y, v, err, "'top' and 'at' apply "
			    "only to 'to: age'");
	}
	if (c->gen != EDS_GEN_BINS) {
		if ((v = eds_yaml_get(n, "bins")) != NULL ||
		    (v = eds_yaml_get(n, "labels")) != NULL)
			return eds_yaml_error(y, v, err, "'bins' and 'labels' "
			    "apply only to 'to: bins'");
	}
	if (c->gen == EDS_GEN_AGE) {
		if (eds_yaml_long(y, eds_yaml_get(n, "top"), 0, 150, &top,
		    err) == -1)
			return -1;
		c->top = (int)top;
		if (eds_yaml_require(y, n, "at", &v, err) == -1 ||
		    eds_yaml_str(y, v, &s, err) == -1)
			return -1;
		c->at = xstrdup(s);
	}
	if (c->gen == EDS_GEN_BINS) {
		if (eds_yaml_require(y, n, "bins", &v, err) == -1)
			return -1;
		if (v->type != EDS_YSEQ || v->n == 0)
			return eds_yaml_error(y, v, err, "'bins' must be a list "
			    "of increasing numbers (the edges)");
		ne = v->n;
		edges = xcalloc(ne, sizeof *edges);
		for (k = 0; k < ne; k++) {
			if (eds_yaml_double(y, v->items[k], &edges[k],
			    err) == -1) {
				free(edges);
				return -1;
			}
			if (k > 0 && !(edges[k] > edges[k - 1])) {
				free(edges);
				return eds_yaml_error(y, v->items[k], err,
				    "bin edges must increase");
			}
		}
		lab = eds_yaml_get(n, "labels");
		if (lab != NULL) {
			if (lab->type != EDS_YSEQ || lab->n != ne + 1) {
				free(edges);
				return eds_yaml_error(y, lab, err, "'labels' must "
				    "list %zu labels (one more than the edges)",
				    ne + 1);
			}
			labels = xcalloc(ne + 1, sizeof *labels);
			for (k = 0; k <= ne; k++)
				if (eds_yaml_str(y, lab->items[k],
				    (const char **)&labels[k], err) == -1) {
					free(labels);
					free(edges);
					return -1;
				}
		}
		eds_bins_init(&c->bins, edges, ne, labels);
		free(labels);
		free(edges);
	}
	return 0;
}

static int
load_scrub(const struct eds_yaml *y, const struct eds_ynode *n,
    struct eds_policy_col *c, struct eds_error *err)
{
	const struct eds_ynode *v;
	const char *s = NULL;
	size_t k;
	int d = 0;

	if (eds_yaml_enum(y, eds_yaml_get(n, "dates"), date_modes, &d,
	    err) == -1)
		return -1;
	c->dates = (enum eds_scrub_dates)d;
	v = eds_yaml_get(n, "identifying");
	if (v == NULL)
		return 0;
	if (v->type != EDS_YMAP)
		return eds_yaml_error(y, v, err, "'identifying' must map "
		    "columns to labels, e.g. {last_name: NOM, ipp: IPP}");
	if (eds_ymap_len(v) > 32)
		return eds_yaml_error(y, v, err, "at most 32 identifying "
		    "columns");
	c->nident = eds_ymap_len(v);
	c->ident = xcalloc(c->nident, sizeof *c->ident);
	for (k = 0; k < c->nident; k++) {
		c->ident[k].column = xstrdup(eds_ymap_key(v, k)->str);
		if (eds_yaml_str(y, eds_ymap_value(v, k), &s, err) == -1)
			return -1;
		if (!valid_label(s))
			return eds_yaml_error(y, eds_ymap_value(v, k), err,
			    "label '%s' must be 1 to 32 capital letters, "
			    "digits or underscores", s);
		c->ident[k].label = xstrdup(s);
	}
	return 0;
}

static int
load_col(const struct eds_yaml *y, const struct eds_ynode *key,
    const struct eds_ynode *n, struct eds_policy_col *c,
    struct eds_error *err)
{
	const struct eds_ynode *v;
	const char *s = NULL;
	int a = 0, t = 0;

	c->name = xstrdup(key->str);
	c->line = key->line;
	c->col = key->column;
	c->length = EDS_PSEUDO_LEN_DEFAULT;
	c->prefix = xstrdup("");
	if (*c->name == '\0')
		return eds_yaml_error(y, key, err, "empty column name");
	if (n->type == EDS_YSCALAR) {
		/* Short form: "col: keep". */
		if (eds_yaml_enum(y, n, action_names, &a, err) == -1)
			return -1;
		c->action = (enum eds_action)a;
		if (c->action == EDS_ACT_PSEUDONYMISE ||
		    c->action == EDS_ACT_GENERALISE)
			return eds_yaml_error(y, n, err, "'%s' needs settings: "
			    "write it as a mapping with 'action: %s'", n->str,
			    n->str);
		if (c->action == EDS_ACT_SCRUB)
			c->dates = EDS_DATES_KEEP;
		return 0;
	}
	if (n->type != EDS_YMAP)
		return eds_yaml_error(y, n, err, "the rule for column '%s' must "
		    "be an action or a mapping", c->name);
	if (eds_yaml_require(y, n, "action", &v, err) == -1 ||
	    eds_yaml_enum(y, v, action_names, &a, err) == -1)
		return -1;
	c->action = (enum eds_action)a;
	if (eds_yaml_check_map(y, n, "this action's rule",
	    action_keys[c->action], err) == -1)
		return -1;
	v = eds_yaml_get(n, "rename");
	if (v != NULL) {
		if (c->action == EDS_ACT_DROP)
			return eds_yaml_error(y, v, err, "a dropped column "
			    "cannot be renamed");
		if (eds_yaml_str(y, v, &s, err) == -1)
			return -1;
		if (!eds_column_name_valid(s))
			return eds_yaml_error(y, v, err, "new name '%s' must be "
			    "lower-case letters, digits and underscores", s);
		c->rename = xstrdup(s);
	}
	switch (c->action) {
	case EDS_ACT_PSEUDONYMISE:
		return load_pseudo(y, n, c, err);
	case EDS_ACT_SHIFT:
		if (eds_yaml_enum(y, eds_yaml_get(n, "type"), shift_types, &t,
		    err) == -1)
			return -1;
		c->shift_type = t;
		return 0;
	case EDS_ACT_GENERALISE:
		return load_gen(y, n, c, err);
	case EDS_ACT_SCRUB:
		return load_scrub(y, n, c, err);
	default:
		return 0;
	}
}

static const struct eds_ynode *
ymap_node_for(const struct eds_ynode *m, const char *key, int want_key)
{
	size_t i;

	for (i = 0; i + 1 < m->n; i += 2)
		if (strcmp(m->items[i]->str, key) == 0)
			return m->items[i + (want_key ? 0 : 1)];
	return NULL;
}

/* Cross references: every column a rule names must be a listed column. */
static int
check_refs(const struct eds_yaml *y, const struct eds_ynode *cols,
    struct eds_policy *p, struct eds_error *err)
{
	const struct eds_ynode *rule, *v;
	size_t i, k;

	for (i = 0; i < p->ncols; i++) {
		struct eds_policy_col *c = &p->cols[i];

		rule = ymap_node_for(cols, c->name, 0);
		if ((c->action == EDS_ACT_SHIFT || (c->action == EDS_ACT_SCRUB &&
		    c->dates == EDS_DATES_SHIFT)) && p->patient_id == NULL)
			return eds_yaml_error(y, rule, err, "column '%s' shifts "
			    "dates by the patient's offset: set 'patient_id' "
			    "to the column holding the patient", c->name);
		if (c->action == EDS_ACT_GENERALISE && c->gen == EDS_GEN_AGE &&
		    eds_policy_find(p, c->at) == NULL)
			return eds_yaml_error(y, eds_yaml_get(rule, "at"), err,
			    "'at' names column '%s', which the policy does not "
			    "list", c->at);
		for (k = 0; k < c->nident; k++)
			if (eds_policy_find(p, c->ident[k].column) == NULL) {
				v = eds_yaml_get(rule, "identifying");
				return eds_yaml_error(y, ymap_node_for(v,
				    c->ident[k].column, 1), err, "identifying "
				    "column '%s' is not listed in the policy",
				    c->ident[k].column);
			}
	}
	return 0;
}

static int
load(const struct eds_yaml *y, struct eds_policy *p, struct eds_error *err)
{
	const struct eds_ynode *root = y->root, *v, *cols;
	const char *s = NULL;
	long days = EDS_SHIFT_DAYS_DEFAULT;
	int u = 0;
	size_t i;

	if (root == NULL)
		return eds_yaml_error(y, NULL, err, "policy is empty");
	if (eds_yaml_check_map(y, root, "a policy", top_keys, err) == -1)
		return -1;
	if (eds_yaml_str(y, eds_yaml_get(root, "policy"), &s, err) == -1)
		return -1;
	p->name = s != NULL ? xstrdup(s) : NULL;
	s = NULL;
	if (eds_yaml_str(y, eds_yaml_get(root, "description"), &s, err) == -1)
		return -1;
	p->description = s != NULL ? xstrdup(s) : NULL;
	s = NULL;
	v = eds_yaml_get(root, "domain");
	if (eds_yaml_str(y, v, &s, err) == -1)
		return -1;
	if (s != NULL && !eds_domain_valid(s))
		return eds_yaml_error(y, v, err, "invalid domain (1 to %d "
		    "bytes of UTF-8 without control characters)",
		    EDS_DOMAIN_MAX);
	p->domain = s != NULL ? xstrdup(s) : NULL;
	if (eds_yaml_long(y, eds_yaml_get(root, "shift_days"), 1,
	    EDS_SHIFT_DAYS_MAX, &days, err) == -1)
		return -1;
	p->shift_days = (int)days;
	if (eds_yaml_enum(y, eds_yaml_get(root, "unlisted"), unlisted_names,
	    &u, err) == -1)
		return -1;
	p->unlisted = (enum eds_unlisted)u;
	if (eds_yaml_require(y, root, "columns", &cols, err) == -1)
		return -1;
	if (cols->type != EDS_YMAP)
		return eds_yaml_error(y, cols, err, "'columns' must map column "
		    "names to rules");
	p->ncols = eds_ymap_len(cols);
	p->cols = xcalloc(p->ncols, sizeof *p->cols);
	for (i = 0; i < p->ncols; i++)
		if (load_col(y, eds_ymap_key(cols, i), eds_ymap_value(cols, i),
		    &p->cols[i], err) == -1)
			return -1;
	s = NULL;
	v = eds_yaml_get(root, "patient_id");
	if (eds_yaml_str(y, v, &s, err) == -1)
		return -1;
	if (s != NULL) {
		if (eds_policy_find(p, s) == NULL)
			return eds_yaml_error(y, v, err, "patient_id names column "
			    "'%s', which the policy does not list", s);
		p->patient_id = xstrdup(s);
	}
	return check_refs(y, cols, p, err);
}

static struct eds_policy *
from_yaml(struct eds_yaml *y, struct eds_error *err)
{
	struct eds_policy *p;

	if (y == NULL)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->path = xstrdup(y->path);
	memcpy(p->sha256, y->sha256, sizeof p->sha256);
	if (load(y, p, err) == -1) {
		eds_policy_free(p);
		p = NULL;
	}
	eds_yaml_free(y);
	return p;
}

struct eds_policy *
eds_policy_load(const char *path, struct eds_error *err)
{
	return from_yaml(eds_yaml_load(path, err), err);
}

struct eds_policy *
eds_policy_parse(const char *name, const char *text, size_t len,
    struct eds_error *err)
{
	return from_yaml(eds_yaml_parse(name, text, len, err), err);
}

void
eds_policy_free(struct eds_policy *p)
{
	size_t i, k;

	if (p == NULL)
		return;
	for (i = 0; i < p->ncols; i++) {
		struct eds_policy_col *c = &p->cols[i];

		free(c->name);
		free(c->rename);
		free(c->ns);
		free(c->prefix);
		free(c->at);
		eds_bins_release(&c->bins);
		for (k = 0; k < c->nident; k++) {
			free(c->ident[k].column);
			free(c->ident[k].label);
		}
		free(c->ident);
	}
	free(p->cols);
	free(p->path);
	free(p->name);
	free(p->description);
	free(p->patient_id);
	free(p->domain);
	free(p);
}

const struct eds_policy_col *
eds_policy_find(const struct eds_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncols; i++)
		if (strcmp(p->cols[i].name, name) == 0)
			return &p->cols[i];
	return NULL;
}

int
eds_policy_patient_norm(const struct eds_policy *p)
{
	const struct eds_policy_col *c;

	if (p->patient_id == NULL ||
	    (c = eds_policy_find(p, p->patient_id)) == NULL ||
	    c->action != EDS_ACT_PSEUDONYMISE)
		return 0;
	return c->norm;
}
