/*
 * record.h: a row as it flows from the reader through the stages to a
 * writer.  Fields point into the record's arena (or into memory that lives at
 * least as long as the row); a stage that changes a value allocates the new
 * one from the same arena, so no stage mallocs per field.  The arena is
 * reset for each row.  The record also keeps the row's source position and
 * its bytes as read (set by the reader), so that a rejected row can be copied whole and
 * unmodified.
 */
#ifndef EDS_RECORD_H
#define EDS_RECORD_H

#include <stddef.h>

#include "buf.h"

struct eds_field {
	const char *s;		/* NUL-terminated */
	size_t len;
};

struct eds_record {
	struct eds_field *f;
	size_t n;		/* fields in use */
	size_t cap;
	struct eds_arena arena;	/* memory for field values, reset per row */

	const char *file;	/* source name, for messages */
	unsigned long line;	/* line where the row starts (1-based) */
	unsigned long index;	/* 0 for a header row, then 1, 2, ... */

	const char *raw;	/* the row's bytes as read, final EOL removed */
	size_t raw_len;		/* (valid while the row is being handled) */
	int raw_truncated;	/* raw holds only the first bytes of the row */

	/* Set by whoever rejects or drops the row. */
	const char *reason;	/* stable token, e.g. "bad-date" */
	const char *column;	/* column concerned, or NULL */
	char detail[160];	/* human message, never an identifier value */
};

void eds_record_init(struct eds_record *);
void eds_record_release(struct eds_record *);
/* Forget the fields, the raw bytes and the verdict; keep the memory. */
void eds_record_clear(struct eds_record *);
/* Append a field copied into the arena. */
void eds_record_push(struct eds_record *, const char *s, size_t len);
/* Make room for n fields (contents undefined beyond r->n). */
void eds_record_reserve(struct eds_record *, size_t n);
/* Set field i to a copy of s[0..len) from the arena. */
void eds_record_set(struct eds_record *, size_t i, const char *s, size_t len);
/* Mark the record rejected or dropped; the detail is printf-formatted. */
void eds_record_reject(struct eds_record *, const char *reason,
    const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The column names of a stream, in order. */
struct eds_header {
	char **names;
	size_t n;
};

void eds_header_init(struct eds_header *);
void eds_header_release(struct eds_header *);
void eds_header_add(struct eds_header *, const char *name);
void eds_header_copy(struct eds_header *dst, const struct eds_header *src);
/* Index of name, or -1. */
long eds_header_find(const struct eds_header *, const char *name);

#endif
