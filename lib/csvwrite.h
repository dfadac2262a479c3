/*
 * csvwrite.h: the canonical CSV writer (DESIGN section 2): RFC 4180, UTF-8,
 * comma separator, LF line ends, a field quoted only when it holds a comma,
 * a quote, a CR or an LF (quotes doubled), and a row made of one empty
 * value, written "" so that it is not a blank line.  It writes into an
 * eds_output, which buffers, compresses and commits.
 */
#ifndef EDS_CSVWRITE_H
#define EDS_CSVWRITE_H

#include "eds.h"
#include "output.h"
#include "record.h"

/* Write one row of n fields. */
int eds_csv_write_fields(struct eds_output *, const struct eds_field *,
    size_t n, struct eds_error *);
/* Write a row of NUL-terminated strings. */
int eds_csv_write_strings(struct eds_output *, char *const *, size_t n,
    struct eds_error *);
/* Write a header. */
int eds_csv_write_header(struct eds_output *, const struct eds_header *,
    struct eds_error *);
/* 1 if a value must be quoted in canonical CSV. */
int eds_csv_needs_quotes(const char *, size_t);

#endif
