/*
 * validate.c: validating and normalising rows against a schema (see
 * validate.h and man/eds-schema.5).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "datetime.h"
#include "nir.h"
#include "validate.h"
#include "xmalloc.h"

struct eds_validator {
	const struct eds_schema *s;
	long *map;		/* schema column -> input field, or -1 */
	size_t ninput;		/* fields expected per row */
	struct eds_field *tmp;	/* output fields, schema order */
};

struct eds_validator *
eds_validator_new(const struct eds_schema *s)
{
	struct eds_validator *v = xcalloc(1, sizeof *v);

	v->s = s;
	v->map = xcalloc(s->ncols, sizeof *v->map);
	v->tmp = xcalloc(s->ncols, sizeof *v->tmp);
	eds_validator_positional(v);
	return v;
}

void
eds_validator_free(struct eds_validator *v)
{
	if (v == NULL)
		return;
	free(v->map);
	free(v->tmp);
	free(v);
}

void
eds_validator_out_header(const struct eds_validator *v, struct eds_header *h)
{
	size_t i;

	eds_header_init(h);
	for (i = 0; i < v->s->ncols; i++)
		eds_header_add(h, v->s->cols[i].name);
}

void
eds_validator_positional(struct eds_validator *v)
{
	size_t i;

	for (i = 0; i < v->s->ncols; i++)
		v->map[i] = (long)i;
	v->ninput = v->s->ncols;
}

/* Trim ASCII blanks. */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int
name_eq(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && strncasecmp(a, b, alen) == 0;
}

int
eds_validator_header(struct eds_validator *v, const struct eds_record *h,
    struct eds_error *err)
{
	const struct eds_schema *s = v->s;
	size_t i, j, len;
	const char *name;

	for (i = 0; i < s->ncols; i++)
		v->map[i] = -1;
	for (j = 0; j < h->n; j++) {
		name = h->f[j].s;
		len = h->f[j].len;
		trim(&name, &len);
		for (i = 0; i < s->ncols; i++)
			if (name_eq(name, len, s->cols[i].input) ||
			    name_eq(name, len, s->cols[i].name))
				break;
		if (i == s->ncols) {
			if (s->drop_extra)
				continue;
			return eds_error_at(err, EDS_EX_DATAERR, h->file,
			    h->line, 0, "unknown column '%.*s' in the header "
			    "(not in schema '%s'; add it to the schema, or set "
			    "extra_columns: drop)", (int)(len > 64 ? 64 : len),
			    name, s->source);
		}
		if (v->map[i] != -1)
			return eds_error_at(err, EDS_EX_DATAERR, h->file,
			    h->line, 0, "column '%s' appears twice in the "
			    "header", s->cols[i].input);
		v->map[i] = (long)j;
	}
	for (i = 0; i < s->ncols; i++)
		if (v->map[i] == -1)
			return eds_error_at(err, EDS_EX_DATAERR, h->file,
			    h->line, 0, "missing column '%s' in the header "
			    "(schema '%s')", s->cols[i].input, s->source);
	v->ninput = h->n;
	return 0;
}

/* --- values ------------------------------------------------------------- */

static int __attribute__((format(printf, 5, 6)))
fail(const char **reason, const char *why, char *detail, size_t dlen,
    const char *fmt, ...)
{
	va_list ap;

	*reason = why;
	va_start(ap, fmt);
	vsnprintf(detail, dlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
parse_date(const struct eds_column *c, const char *s, size_t len,
    struct eds_tm *t)
{
	size_t i;

	for (i = 0; i < c->nformats; i++)
		if (eds_date_parse(s, len, c->formats[i], t) == 0)
			return 0;
	return eds_date_parse_iso(s, len, t);
}

/* Normalise a decimal or integer into a; NULL if malformed. */
static char *
number(const char *s, size_t len, int decimal, int comparators,
    struct eds_arena *a, size_t *outlen)
{
	char *o = eds_arena_alloc(a, len + 4), *p = o;
	const char *end = s + len;
	int digits = 0, frac = 0, point = 0, lead = 1;

	if (comparators && s < end && (*s == '<' || *s == '>')) {
		*p++ = *s++;
		if (s < end && *s == '=')
			*p++ = *s++;
		while (s < end && *s == ' ')
			s++;
	}
	if (s < end && (*s == '-' || *s == '+')) {
		if (*s == '-')
			*p++ = '-';
		s++;
	}
	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9') {
			if (lead && *s == '0' && !point) {
				digits++;
				continue;	/* leading zero */
			}
			if (lead && !point)
				lead = 0;
			*p++ = *s;
			digits++;
			frac += point;
		} else if (decimal && (*s == ',' || *s == '.') && !point) {
			if (lead)
				*p++ = '0';
			lead = 0;
			*p++ = '.';
			point = 1;
		} else
			return NULL;
	}
	if (digits == 0 || (point && frac == 0))
		return NULL;
	if (lead)		/* only zeros */
		*p++ = '0';
	*p = '\0';
	/* "-0" is "0" */
	if (o[0] == '-' && strspn(o + 1, "0.") == strlen(o + 1)) {
		memmove(o, o + 1, strlen(o));
		p--;
	}
	*outlen = (size_t)(p - o);
	return o;
}

static int
check_bounds(const struct eds_column *c, const char *v)
{
	double d;

	while (*v == '<' || *v == '>' || *v == '=')
		v++;
	d = strtod(v, NULL);
	if (c->has_min && d < c->min)
		return -1;
	if (c->has_max && d > c->max)
		return -1;
	return 0;
}

int
eds_normalise_value(const struct eds_column *c, const char *s, size_t len,
    struct eds_arena *a, struct eds_field *out, const char **reason,
    char *detail, size_t dlen)
{
	struct eds_tm t;
	char *o;
	size_t i, n;

	if (c->type != EDS_T_TEXT)
		trim(&s, &len);
	else {
		const char *ts = s;
		size_t tl = len;

		trim(&ts, &tl);
		if (tl == 0)
			len = 0;
	}
	if (len == 0) {
		if (c->required)
			return fail(reason, "missing-required", detail, dlen,
			    "required column '%s' is empty", c->name);
		out->s = "";
		out->len = 0;
		return 0;
	}
	out->s = s;
	out->len = len;
	switch (c->type) {
	case EDS_T_TEXT:
		return 0;
	case EDS_T_ID:
	case EDS_T_CODE:
		if (c->letter_case != EDS_CASE_KEEP) {
			o = eds_arena_alloc(a, len + 1);
			for (i = 0; i < len; i++) {
				char ch = s[i];

				if (c->letter_case == EDS_CASE_UPPER &&
				    ch >= 'a' && ch <= 'z')
					ch = (char)(ch - 'a' + 'A');
				else if (c->letter_case == EDS_CASE_LOWER &&
				    ch >= 'A' && ch <= 'Z')
					ch = (char)(ch - 'A' + 'a');
				o[i] = ch;
			}
			o[len] = '\0';
			out->s = o;
		} else if (s[len] != '\0')
			out->s = eds_arena_strndup(a, s, len);
		break;
	case EDS_T_NIR:
		o = eds_arena_alloc(a, EDS_NIR_LEN + 1);
		switch (eds_nir_normalise(s, len, o)) {
		case -1:
			return fail(reason, "bad-nir", detail, dlen,
			    "column '%s' is not a well-formed NIR", c->name);
		case -2:
			return fail(reason, "bad-nir", detail, dlen,
			    "column '%s': the NIR check key does not match",
			    c->name);
		}
		out->s = o;
		out->len = EDS_NIR_LEN;
		break;
	case EDS_T_DATE:
	case EDS_T_DATETIME:
		if (parse_date(c, s, len, &t) == -1)
			return fail(reason, c->type == EDS_T_DATE ? "bad-date" :
			    "bad-datetime", detail, dlen, "column '%s' is not "
			    "a real date in an accepted format", c->name);
		if (c->type == EDS_T_DATE) {
			if (t.has_time)
				return fail(reason, "bad-date", detail, dlen,
				    "column '%s' has a time of day but is a "
				    "date column", c->name);
			o = eds_arena_alloc(a, 11);
			out->len = eds_date_format(&t, o);
		} else {
			if (t.has_tz) {
				int64_t e = eds_tm_to_epoch(&t);
				int64_t d = e >= 0 ? e / 86400 :
				    -((-e + 86399) / 86400);
				int64_t sec = e - d * 86400;

				eds_civil_from_days(d, &t.year, &t.month,
				    &t.day);
				t.hour = (int)(sec / 3600);
				t.min = (int)(sec / 60 % 60);
				t.sec = (int)(sec % 60);
			}
			o = eds_arena_alloc(a, 21);
			n = eds_datetime_format(&t, o);
			if (t.has_tz) {
				o[n++] = 'Z';
				o[n] = '\0';
			}
			out->len = n;
		}
		out->s = o;
		break;
	case EDS_T_INTEGER:
	case EDS_T_DECIMAL:
		o = number(s, len, c->type == EDS_T_DECIMAL, c->comparators,
		    a, &n);
		if (o == NULL)
			return fail(reason, c->type == EDS_T_DECIMAL ?
			    "bad-decimal" : "bad-integer", detail, dlen,
			    c->type == EDS_T_DECIMAL ? "column '%s' is not a "
			    "decimal number" : "column '%s' is not a whole "
			    "number", c->name);
		if ((c->has_min || c->has_max) && check_bounds(c, o) == -1)
			return fail(reason, "out-of-range", detail, dlen,
			    "column '%s' is out of its allowed range", c->name);
		out->s = o;
		out->len = n;
		break;
	}
	if (c->nvalues > 0) {
		for (i = 0; i < c->nvalues; i++)
			if (strcmp(out->s, c->values[i]) == 0)
				break;
		if (i == c->nvalues)
			return fail(reason, "not-allowed", detail, dlen,
			    "column '%s' has a value outside its allowed list",
			    c->name);
	}
	if (c->pattern_src != NULL &&
	    regexec(&c->pattern, out->s, 0, NULL, 0) != 0)
		return fail(reason, "pattern-mismatch", detail, dlen,
		    "column '%s' does not match its pattern", c->name);
	return 0;
}

int
eds_validator_row(struct eds_validator *v, struct eds_record *rec)
{
	const struct eds_schema *s = v->s;
	const char *reason;
	size_t i;

	if (rec->n != v->ninput) {
		eds_record_reject(rec, "column-count", NULL,
		    "expected %zu fields, found %zu", v->ninput, rec->n);
		return 1;
	}
	for (i = 0; i < s->ncols; i++) {
		const struct eds_field *in = &rec->f[v->map[i]];

		if (eds_normalise_value(&s->cols[i], in->s, in->len,
		    &rec->arena, &v->tmp[i], &reason, rec->detail,
		    sizeof rec->detail) == -1) {
			rec->reason = reason;
			rec->column = s->cols[i].name;
			return 1;
		}
	}
	eds_record_reserve(rec, s->ncols);
	memcpy(rec->f, v->tmp, s->ncols * sizeof *rec->f);
	rec->n = s->ncols;
	return 0;
}
