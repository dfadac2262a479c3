/*
 * xmalloc.h: allocation that never returns NULL.  Running out of memory is
 * not an error a caller can handle (tmux's xmalloc.c): these functions print
 * one line and abort, so callers never see a NULL.
 */
#ifndef EDS_XMALLOC_H
#define EDS_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
/* Allocate and format, like asprintf. */
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
