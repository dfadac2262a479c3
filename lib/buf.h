/*
 * buf.h: two memory helpers used on the hot path.
 *
 * struct eds_buf is a growable byte string (always NUL-terminated after its
 * len bytes).  struct eds_arena hands out pointer-stable pieces of memory
 * from blocks that are kept and reused when the arena is reset, so a row can
 * allocate its fields without a malloc per field and without invalidating
 * pointers handed out earlier in the same row.
 */
#ifndef EDS_BUF_H
#define EDS_BUF_H

#include <stddef.h>
#include <string.h>

struct eds_buf {
	char *p;
	size_t len;
	size_t cap;
};

#define EDS_BUF_INIT { NULL, 0, 0 }

void eds_buf_grow(struct eds_buf *, size_t extra);
void eds_buf_add(struct eds_buf *, const void *, size_t);
void eds_buf_addstr(struct eds_buf *, const char *);
void eds_buf_addf(struct eds_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void eds_buf_reset(struct eds_buf *);
/* Free the storage; the buffer is empty and reusable afterwards. */
void eds_buf_release(struct eds_buf *);

static inline void
eds_buf_addch(struct eds_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		eds_buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

struct eds_arena_block;
struct eds_arena {
	struct eds_arena_block *first;	/* blocks, reused after reset */
	struct eds_arena_block *cur;
	size_t used;			/* bytes used in cur */
};

#define EDS_ARENA_INIT { NULL, NULL, 0 }

/* n bytes, 8-byte aligned, valid until the next reset. */
void *eds_arena_alloc(struct eds_arena *, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *eds_arena_strndup(struct eds_arena *, const char *s, size_t n);
/* Forget every allocation; keep the blocks for reuse. */
void eds_arena_reset(struct eds_arena *);
void eds_arena_release(struct eds_arena *);

#endif
