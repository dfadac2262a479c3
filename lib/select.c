/*
 * select.c: the column-selection stage (see select.h).  Fields are moved
 * by pointer; no value is copied.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "select.h"
#include "xmalloc.h"

struct eds_select {
	char **names;
	size_t n;
	long *index;
	struct eds_field *tmp;
};

struct eds_select *
eds_select_new(char *const *names, size_t n)
{
	struct eds_select *s = xcalloc(1, sizeof *s);
	size_t i;

	s->n = n;
	s->names = xcalloc(n + 1, sizeof *s->names);
	for (i = 0; i < n; i++)
		s->names[i] = xstrdup(names[i]);
	s->index = xcalloc(n + 1, sizeof *s->index);
	s->tmp = xcalloc(n + 1, sizeof *s->tmp);
	return s;
}

void
eds_select_free(struct eds_select *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	free(s->index);
	free(s->tmp);
	free(s);
}

static int
start(void *ctx, const struct eds_header *in, struct eds_header *out,
    struct eds_error *err)
{
	struct eds_select *s = ctx;
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		if ((s->index[i] = eds_header_find(in, s->names[i])) < 0)
			return eds_error_set(err, EDS_EX_CONFIG, "selected "
			    "column '%s' is not in the data after "
			    "pseudonymisation", s->names[i]);
		for (j = 0; j < i; j++)
			if (s->index[j] == s->index[i])
				return eds_error_set(err, EDS_EX_CONFIG,
				    "column '%s' is selected twice",
				    s->names[i]);
		eds_header_add(out, s->names[i]);
	}
	return 0;
}

static int
process(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct eds_select *s = ctx;
	size_t i;

	(void)err;
	for (i = 0; i < s->n; i++)
		s->tmp[i] = r->f[s->index[i]];
	memcpy(r->f, s->tmp, s->n * sizeof *r->f);
	r->n = s->n;
	return EDS_PASS;
}

void
eds_select_stage(struct eds_select *s, struct eds_stage *st)
{
	memset(st, 0, sizeof *st);
	st->name = "select";
	st->ctx = s;
	st->start = start;
	st->process = process;
}
