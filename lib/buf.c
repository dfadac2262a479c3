/*
 * buf.c: growable byte strings and the per-row arena (see buf.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "xmalloc.h"

void
eds_buf_grow(struct eds_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap = b->cap ? b->cap : 64;

	if (need <= b->cap)
		return;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->p = xreallocarray(b->p, cap, 1);
	b->cap = cap;
}

void
eds_buf_add(struct eds_buf *b, const void *p, size_t n)
{
	eds_buf_grow(b, n);
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
eds_buf_addstr(struct eds_buf *b, const char *s)
{
	eds_buf_add(b, s, strlen(s));
}

void
eds_buf_addf(struct eds_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	eds_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
eds_buf_reset(struct eds_buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void
eds_buf_release(struct eds_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

#define ARENA_BLOCK (64 * 1024)

struct eds_arena_block {
	struct eds_arena_block *next;
	size_t size;
	/* data follows, 16-byte aligned */
	_Alignas(16) unsigned char data[];
};

void *
eds_arena_alloc(struct eds_arena *a, size_t n)
{
	struct eds_arena_block *b, **link;
	size_t size;

	n = (n + 7) & ~(size_t)7;
	if (a->cur != NULL && a->cur->size - a->used >= n) {
		void *p = a->cur->data + a->used;

		a->used += n;
		return p;
	}
	/* Move to the next kept block large enough, or add one after cur. */
	link = a->cur != NULL ? &a->cur->next : &a->first;
	while ((b = *link) != NULL && b->size < n)
		link = &b->next;
	if (b == NULL) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = xmalloc(sizeof *b + size);
		b->size = size;
		b->next = NULL;
		*link = b;
	} else if (a->cur != NULL && b != a->cur->next) {
		/* Unlink b and put it right after cur so order stays usable. */
		*link = b->next;
		b->next = a->cur->next;
		a->cur->next = b;
	} else if (a->cur == NULL && b != a->first) {
		*link = b->next;
		b->next = a->first;
		a->first = b;
	}
	a->cur = b;
	a->used = n;
	return b->data;
}

char *
eds_arena_strndup(struct eds_arena *a, const char *s, size_t n)
{
	char *p = eds_arena_alloc(a, n + 1);

	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
eds_arena_reset(struct eds_arena *a)
{
	a->cur = NULL;
	a->used = 0;
}

void
eds_arena_release(struct eds_arena *a)
{
	struct eds_arena_block *b, *next;

	for (b = a->first; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->first = a->cur = NULL;
	a->used = 0;
}
