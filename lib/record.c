/*
 * record.c: rows and headers (see record.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "xmalloc.h"

void
eds_record_init(struct eds_record *r)
{
	memset(r, 0, sizeof *r);
}

void
eds_record_release(struct eds_record *r)
{
	free(r->f);
	eds_arena_release(&r->arena);
	memset(r, 0, sizeof *r);
}

void
eds_record_clear(struct eds_record *r)
{
	r->n = 0;
	eds_arena_reset(&r->arena);
	r->raw = NULL;
	r->raw_len = 0;
	r->raw_truncated = 0;
	r->reason = NULL;
	r->column = NULL;
	r->detail[0] = '\0';
}

void
eds_record_reserve(struct eds_record *r, size_t n)
{
	if (n <= r->cap)
		return;
	r->cap = n < 16 ? 16 : n * 2;
	r->f = xreallocarray(r->f, r->cap, sizeof *r->f);
}

void
eds_record_push(struct eds_record *r, const char *s, size_t len)
{
	eds_record_reserve(r, r->n + 1);
	r->f[r->n].s = eds_arena_strndup(&r->arena, s, len);
	r->f[r->n].len = len;
	r->n++;
}

void
eds_record_set(struct eds_record *r, size_t i, const char *s, size_t len)
{
	r->f[i].s = eds_arena_strndup(&r->arena, s, len);
	r->f[i].len = len;
}

void
eds_record_reject(struct eds_record *r, const char *reason,
    const char *column, const char *fmt, ...)
{
	va_list ap;

	r->reason = reason;
	r->column = column;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
}

void
eds_header_init(struct eds_header *h)
{
	h->names = NULL;
	h->n = 0;
}

void
eds_header_release(struct eds_header *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->names[i]);
	free(h->names);
	h->names = NULL;
	h->n = 0;
}

void
eds_header_add(struct eds_header *h, const char *name)
{
	h->names = xreallocarray(h->names, h->n + 1, sizeof *h->names);
	h->names[h->n++] = xstrdup(name);
}

void
eds_header_copy(struct eds_header *dst, const struct eds_header *src)
{
	size_t i;

	eds_header_init(dst);
	for (i = 0; i < src->n; i++)
		eds_header_add(dst, src->names[i]);
}

long
eds_header_find(const struct eds_header *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->names[i], name) == 0)
			return (long)i;
	return -1;
}
