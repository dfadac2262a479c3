/*
 * generalise.c: date, age, département and bin generalisation (see
 * generalise.h).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generalise.h"
#include "xmalloc.h"

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
eds_departement(const char *s, size_t len, char out[4])
{
	int n3;

	if (len != 5 || !all_digits(s, 5))
		return -1;
	if (s[0] == '2' && s[1] == '0') {
		n3 = (s[2] - '0');
		if (n3 <= 1)
			memcpy(out, "2A", 3);
		else if (n3 <= 6)
			memcpy(out, "2B", 3);
		else
			memcpy(out, "20", 3);	/* 207xx-209xx do not exist */
		return 2;
	}
	if (s[0] == '9' && (s[1] == '7' || s[1] == '8')) {
		memcpy(out, s, 3);
		out[3] = '\0';
		return 3;
	}
	memcpy(out, s, 2);
	out[2] = '\0';
	return 2;
}

int
eds_gen_year(const char *s, size_t len, char out[5])
{
	struct eds_tm t;

	if (eds_date_parse_iso(s, len, &t) == -1)
		return -1;
	return snprintf(out, 5, "%04d", t.year);
}

int
eds_gen_month(const char *s, size_t len, char out[8])
{
	struct eds_tm t;

	if (eds_date_parse_iso(s, len, &t) == -1)
		return -1;
	return snprintf(out, 8, "%04d-%02d", t.year, t.month);
}

int
eds_gen_age(const struct eds_tm *birth, const struct eds_tm *at, int top,
    char out[16])
{
	int age = eds_age_years(birth, at);

	char d[12];
	int n = 0, k = 0, v;

	if (age < 0)
		return -1;
	v = top > 0 && age >= top ? top : age;
	do {
		d[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (k > 0)
		out[n++] = d[--k];
	if (top > 0 && age >= top)
		out[n++] = '+';
	out[n] = '\0';
	return n;
}

static char *
fmt_num(double v)
{
	return xasprintf("%.15g", v);
}

void
eds_bins_init(struct eds_bins *b, const double *edges, size_t n,
    char *const *labels)
{
	size_t i;
	char *lo, *hi;

	b->n = n;
	b->edges = xreallocarray(NULL, n > 0 ? n : 1, sizeof *b->edges);
	memcpy(b->edges, edges, n * sizeof *edges);
	b->labels = xcalloc(n + 1, sizeof *b->labels);
	for (i = 0; i <= n; i++) {
		if (labels != NULL) {
			b->labels[i] = xstrdup(labels[i]);
			continue;
		}
		if (i == 0) {
			lo = fmt_num(edges[0]);
			b->labels[i] = xasprintf("<%s", lo);
			free(lo);
		} else if (i == n) {
			lo = fmt_num(edges[n - 1]);
			b->labels[i] = xasprintf(">=%s", lo);
			free(lo);
		} else {
			lo = fmt_num(edges[i - 1]);
			hi = fmt_num(edges[i]);
			b->labels[i] = xasprintf("[%s,%s)", lo, hi);
			free(lo);
			free(hi);
		}
	}
}

void
eds_bins_release(struct eds_bins *b)
{
	size_t i;

	if (b->labels != NULL)
		for (i = 0; i <= b->n; i++)
			free(b->labels[i]);
	free(b->labels);
	free(b->edges);
	memset(b, 0, sizeof *b);
}

const char *
eds_bins_label(const struct eds_bins *b, const char *s, size_t len)
{
	char buf[64], *end;
	double v;
	size_t i;

	if (len == 0 || len >= sizeof buf)
		return NULL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* Plain decimal numbers only: no hex, inf, nan or blanks. */
	for (i = 0; i < len; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') || buf[i] == '.' ||
		    buf[i] == '-' || buf[i] == '+' || buf[i] == 'e' ||
		    buf[i] == 'E'))
			return NULL;
	errno = 0;
	v = strtod(buf, &end);
	if (end != buf + len || errno != 0 || !isfinite(v))
		return NULL;
	for (i = 0; i < b->n; i++)
		if (v < b->edges[i])
			return b->labels[i];
	return b->labels[b->n];
}
