/*
 * schema.c: loading and checking source schemas (see schema.h and
 * man/eds-schema.5).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "xmalloc.h"

static const char *const type_names[] = {
	"id", "nir", "date", "datetime", "integer", "decimal", "code", "text",
	NULL
};

static const char *const role_names[] = {
	"clinical", "patient_id", "stay_id", "direct_identifier",
	"quasi_identifier", "free_text", NULL
};

static const char *const top_keys[] = {
	"source", "description", "separator", "encoding", "header",
	"extra_columns", "max_field_bytes", "max_row_bytes", "columns", NULL
};

static const char *const col_keys[] = {
	"name", "input", "description", "type", "role", "required", "format",
	"values", "pattern", "case", "min", "max", "comparators", NULL
};

const char *
eds_ctype_name(enum eds_ctype t)
{
	return type_names[t];
}

const char *
eds_role_name(enum eds_role r)
{
	return role_names[r];
}

int
eds_role_parse(const char *s, enum eds_role *out)
{
	int i;

	for (i = 0; role_names[i] != NULL; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum eds_role)i;
			return 0;
		}
	return -1;
}

int
eds_column_name_valid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

/* Check a date format: only the conversions eds_date_parse knows. */
static int
check_format(const char *fmt)
{
	int has_d = 0, has_m = 0, has_y = 0;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%')
			continue;
		switch (*++fmt) {
		case 'd': has_d = 1; break;
		case 'm': has_m = 1; break;
		case 'Y': case 'y': has_y = 1; break;
		case 'H': case 'M': case 'S': case 'f': case '%': break;
		default: return -1;
		}
	}
	if (!has_d || !has_m || !has_y)
		return -1;
	return 0;
}

/*
 * glibc's regcomp copies a group once per count of a bounded repetition,
 * so nested counts multiply: "(((a{1,100}){1,100}){1,100})" takes more
 * than a gigabyte.  Estimate the size of the pattern once repetitions are
 * expanded (an atom is 1, a group the sum of what it holds, x{m,n} is x
 * times n, x+ twice x) and refuse beyond PATTERN_MAX_WEIGHT (about 10 MB
 * of compiled pattern), or beyond PATTERN_MAX_DEPTH nested groups.
 * Returns the weight, or PATTERN_MAX_WEIGHT + 1 when too big.
 */
#define PATTERN_MAX_WEIGHT 4096
#define PATTERN_MAX_DEPTH 32

static unsigned long
pattern_weight(const char *p)
{
	unsigned long sum[PATTERN_MAX_DEPTH + 1], last = 0, k, m;
	const unsigned long big = PATTERN_MAX_WEIGHT + 1;
	int depth = 0;

	sum[0] = 0;
	while (*p != '\0') {
		switch (*p) {
		case '(':
			if (depth == PATTERN_MAX_DEPTH)
				return big;
			sum[++depth] = 0;
			last = 0;
			p++;
			continue;
		case ')':
			if (depth == 0) {	/* glibc: a lone ) is itself */
				p++;
				last = 1;
				break;
			}
			last = sum[depth] ? sum[depth] : 1;
			sum[--depth] += last;
			p++;
			continue;
		case '{':
			/* x{m}, x{m,}, x{m,n}: x counts max(m, n) (+1 if open) */
			for (k = 0, m = 0, p++; *p >= '0' && *p <= '9'; p++)
				if ((m = m * 10 + (unsigned long)(*p - '0')) >
				    big)
					return big;
			if (*p == ',') {
				for (k = 0, p++; *p >= '0' && *p <= '9'; p++)
					if ((k = k * 10 + (unsigned long)(*p -
					    '0')) > big)
						return big;
				if (k == 0)
					k = m + 1;
			}
			if (k < m)
				k = m;
			if (k > 1 && last > 0) {
				if (last > big / k)
					return big;
				sum[depth] += last * (k - 1);
				last *= k;
			}
			if (*p == '}')
				p++;
			break;
		case '+':
			sum[depth] += last;
			last *= 2;
			p++;
			break;
		case '*':
		case '?':
		case '|':
		case '^':
		case '$':
			p++;
			break;
		case '[':
			/* A bracket expression is one atom: find its end. */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']') {
				if (*p == '[' && (p[1] == ':' || p[1] == '.' ||
				    p[1] == '=')) {
					char c = p[1];

					for (p += 2; *p != '\0' && !(*p == c &&
					    p[1] == ']'); p++)
						;
					if (*p != '\0')
						p += 2;
					continue;
				}
				p++;
			}
			if (*p == ']')
				p++;
			last = 1;
			sum[depth]++;
			break;
		case '\\':
			p += p[1] != '\0' ? 2 : 1;
			last = 1;
			sum[depth]++;
			break;
		default:
			p++;
			last = 1;
			sum[depth]++;
			break;
		}
		if (sum[depth] > PATTERN_MAX_WEIGHT)
			return big;
	}
	while (depth > 0) {	/* unclosed groups: regcomp will say so */
		sum[depth - 1] += sum[depth];
		depth--;
	}
	return sum[0] > PATTERN_MAX_WEIGHT ? big : sum[0];
}

static int
load_column(const struct eds_yaml *y, const struct eds_ynode *n,
    struct eds_column *c, struct eds_error *err)
{
	const struct eds_ynode *v;
	const char *s = NULL;
	int t = 0, i;
	size_t k;

	if (eds_yaml_check_map(y, n, "a column", col_keys, err) == -1)
		return -1;
	if (eds_yaml_require(y, n, "name", &v, err) == -1 ||
	    eds_yaml_str(y, v, &s, err) == -1)
		return -1;
	if (!eds_column_name_valid(s))
		return eds_yaml_error(y, v, err, "column name '%s' must be "
		    "lower-case letters, digits and underscores", s);
	c->name = xstrdup(s);
	s = c->name;
	if (eds_yaml_str(y, eds_yaml_get(n, "input"), &s, err) == -1)
		return -1;
	c->input = xstrdup(s);
	s = NULL;
	if (eds_yaml_str(y, eds_yaml_get(n, "description"), &s, err) == -1)
		return -1;
	c->description = s != NULL ? xstrdup(s) : NULL;
	if (eds_yaml_require(y, n, "type", &v, err) == -1 ||
	    eds_yaml_enum(y, v, type_names, &t, err) == -1)
		return -1;
	c->type = (enum eds_ctype)t;
	t = 0;
	if (eds_yaml_enum(y, eds_yaml_get(n, "role"), role_names, &t, err) == -1)
		return -1;
	c->role = (enum eds_role)t;
	if (eds_yaml_bool(y, eds_yaml_get(n, "required"), &c->required,
	    err) == -1)
		return -1;

	v = eds_yaml_get(n, "format");
	if (v != NULL && c->type != EDS_T_DATE && c->type != EDS_T_DATETIME)
		return eds_yaml_error(y, v, err,
		    "'format' applies only to date and datetime columns");
	c->nformats = eds_yseq_len(v);
	c->formats = xcalloc(c->nformats + 1, sizeof *c->formats);
	for (k = 0; k < c->nformats; k++) {
		const struct eds_ynode *f = eds_yseq_item(v, k);

		if (eds_yaml_str(y, f, &s, err) == -1)
			return -1;
		if (check_format(s) == -1)
			return eds_yaml_error(y, f, err, "bad date format "
			    "'%s': use %%d %%m %%Y (or %%y) and optionally "
			    "%%H %%M %%S %%f", s);
		c->formats[k] = xstrdup(s);
	}

	v = eds_yaml_get(n, "values");
	c->nvalues = eds_yseq_len(v);
	c->values = xcalloc(c->nvalues + 1, sizeof *c->values);
	for (k = 0; k < c->nvalues; k++) {
		if (eds_yaml_str(y, eds_yseq_item(v, k), &s, err) == -1)
			return -1;
		c->values[k] = xstrdup(s);
	}

	v = eds_yaml_get(n, "pattern");
	if (v != NULL) {
		char msg[128];

		if (eds_yaml_str(y, v, &s, err) == -1)
			return -1;
		if (pattern_weight(s) > PATTERN_MAX_WEIGHT)
			return eds_yaml_error(y, v, err, "pattern too complex: "
			    "once its repetitions are expanded it exceeds %d "
			    "elements (nested counts such as (x{1,100}){1,100} "
			    "multiply)", PATTERN_MAX_WEIGHT);
		c->pattern_src = xstrdup(s);
		if ((i = regcomp(&c->pattern, s, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(i, &c->pattern, msg, sizeof msg);
			free(c->pattern_src);
			c->pattern_src = NULL;
			return eds_yaml_error(y, v, err, "bad pattern: %s", msg);
		}
	}

	v = eds_yaml_get(n, "case");
	if (v != NULL) {
		static const char *const cases[] = { "keep", "upper", "lower",
		    NULL };

		if (c->type != EDS_T_ID && c->type != EDS_T_CODE)
			return eds_yaml_error(y, v, err,
			    "'case' applies only to id and code columns");
		t = 0;
		if (eds_yaml_enum(y, v, cases, &t, err) == -1)
			return -1;
		c->letter_case = (enum eds_case)t;
	}

	if ((v = eds_yaml_get(n, "min")) != NULL || eds_yaml_get(n, "max")) {
		if (c->type != EDS_T_INTEGER && c->type != EDS_T_DECIMAL)
			return eds_yaml_error(y, v != NULL ? v :
			    eds_yaml_get(n, "max"), err, "'min' and 'max' apply "
			    "only to integer and decimal columns");
		c->has_min = v != NULL;
		if (eds_yaml_double(y, v, &c->min, err) == -1)
			return -1;
		v = eds_yaml_get(n, "max");
		c->has_max = v != NULL;
		if (eds_yaml_double(y, v, &c->max, err) == -1)
			return -1;
	}
	v = eds_yaml_get(n, "comparators");
	if (v != NULL && c->type != EDS_T_DECIMAL)
		return eds_yaml_error(y, v, err,
		    "'comparators' applies only to decimal columns");
	if (eds_yaml_bool(y, v, &c->comparators, err) == -1)
		return -1;
	return 0;
}

static int
load(struct eds_schema *s, const struct eds_yaml *y, struct eds_error *err)
{
	const struct eds_ynode *root = y->root, *v, *cols;
	const char *str;
	long n;
	size_t i, j;
	int t;

	if (eds_yaml_check_map(y, root, "a schema", top_keys, err) == -1)
		return -1;
	if (eds_yaml_require(y, root, "source", &v, err) == -1 ||
	    eds_yaml_str(y, v, &str, err) == -1)
		return -1;
	s->source = xstrdup(str);
	str = NULL;
	if (eds_yaml_str(y, eds_yaml_get(root, "description"), &str, err) == -1)
		return -1;
	s->description = str != NULL ? xstrdup(str) : NULL;

	eds_csv_options_init(&s->csv);
	if ((v = eds_yaml_get(root, "separator")) != NULL) {
		static const char *const seps[] = { ",", ";", "\t", "|", "tab",
		    "auto", NULL };
		static const char sepc[] = { ',', ';', '\t', '|', '\t', 0 };

		if (eds_yaml_enum(y, v, seps, &t, err) == -1)
			return -1;
		s->csv.sep = sepc[t];
	}
	if ((v = eds_yaml_get(root, "encoding")) != NULL) {
		if (eds_yaml_str(y, v, &str, err) == -1)
			return -1;
		if (eds_encoding_parse(str, &s->csv.encoding) == -1)
			return eds_yaml_error(y, v, err, "unknown encoding '%s' "
			    "(expected utf-8, windows-1252 or latin-1)", str);
	}
	s->header = 1;
	if (eds_yaml_bool(y, eds_yaml_get(root, "header"), &s->header,
	    err) == -1)
		return -1;
	if ((v = eds_yaml_get(root, "extra_columns")) != NULL) {
		static const char *const extra[] = { "error", "drop", NULL };

		t = 0;
		if (eds_yaml_enum(y, v, extra, &t, err) == -1)
			return -1;
		s->drop_extra = t == 1;
	}
	n = EDS_CSV_DEFAULT_MAX;
	if (eds_yaml_long(y, eds_yaml_get(root, "max_field_bytes"), 1,
	    1L << 30, &n, err) == -1)
		return -1;
	s->csv.max_field = (size_t)n;
	n = EDS_CSV_DEFAULT_MAX;
	if (eds_yaml_long(y, eds_yaml_get(root, "max_row_bytes"), 1,
	    1L << 30, &n, err) == -1)
		return -1;
	s->csv.max_row = (size_t)n;

	if (eds_yaml_require(y, root, "columns", &cols, err) == -1)
		return -1;
	if (cols->type != EDS_YSEQ || cols->n == 0)
		return eds_yaml_error(y, cols, err,
		    "'columns' must be a non-empty list");
	s->ncols = cols->n;
	s->cols = xcalloc(s->ncols, sizeof *s->cols);
	for (i = 0; i < s->ncols; i++) {
		if (load_column(y, cols->items[i], &s->cols[i], err) == -1)
			return -1;
		for (j = 0; j < i; j++) {
			if (strcmp(s->cols[j].name, s->cols[i].name) == 0)
				return eds_yaml_error(y, cols->items[i], err,
				    "duplicate column name '%s'",
				    s->cols[i].name);
			if (strcasecmp(s->cols[j].input, s->cols[i].input) == 0)
				return eds_yaml_error(y, cols->items[i], err,
				    "duplicate input column '%s'",
				    s->cols[i].input);
		}
	}
	return 0;
}

struct eds_schema *
eds_schema_load(const char *path, struct eds_error *err)
{
	struct eds_yaml *y;
	struct eds_schema *s;

	if ((y = eds_yaml_load(path, err)) == NULL)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	memcpy(s->sha256, y->sha256, sizeof s->sha256);
	if (load(s, y, err) == -1) {
		eds_schema_free(s);
		s = NULL;
	}
	eds_yaml_free(y);
	return s;
}

void
eds_schema_free(struct eds_schema *s)
{
	size_t i, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncols; i++) {
		struct eds_column *c = &s->cols[i];

		free(c->name);
		free(c->input);
		free(c->description);
		for (k = 0; k < c->nformats; k++)
			free(c->formats[k]);
		free(c->formats);
		for (k = 0; k < c->nvalues; k++)
			free(c->values[k]);
		free(c->values);
		if (c->pattern_src != NULL) {
			regfree(&c->pattern);
			free(c->pattern_src);
		}
	}
	free(s->cols);
	free(s->path);
	free(s->source);
	free(s->description);
	free(s);
}

long
eds_schema_find(const struct eds_schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ncols; i++)
		if (strcmp(s->cols[i].name, name) == 0)
			return (long)i;
	return -1;
}
