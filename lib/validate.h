/*
 * validate.h: schema-driven validation and normalisation of rows, the core
 * of eds-ingest.  For each input file the header is mapped onto the schema
 * (unknown or missing columns are an error); each row is then checked
 * (column count, required values, real calendar dates, NIR key, integers and
 * decimals, allowed values, patterns, bounds) and rewritten in place in
 * schema order with normalised values: ISO 8601 dates, decimal point,
 * trimmed codes, compact NIR.  A failing row is marked with a reason and
 * the column, never with the offending value.
 */
#ifndef EDS_VALIDATE_H
#define EDS_VALIDATE_H

#include "buf.h"
#include "eds.h"
#include "record.h"
#include "schema.h"

struct eds_validator;

struct eds_validator *eds_validator_new(const struct eds_schema *);
void eds_validator_free(struct eds_validator *);

/* The output header: the schema's column names in order. */
void eds_validator_out_header(const struct eds_validator *,
    struct eds_header *);
/*
 * Map one input file's header row onto the schema; 65 naming the first
 * unknown, duplicated or missing column.
 */
int eds_validator_header(struct eds_validator *, const struct eds_record *,
    struct eds_error *);
/* No header row: columns come in schema order. */
void eds_validator_positional(struct eds_validator *);
/*
 * Validate and normalise a row in place.  Returns 0 when it passes, or 1
 * with rec->reason, rec->column and rec->detail set.
 */
int eds_validator_row(struct eds_validator *, struct eds_record *);

/*
 * Normalise one value for column c.  On success sets *out (pointing into s
 * or into a), returns 0.  On failure returns -1 and sets *reason (a stable
 * token) and a detail message that does not quote the value.
 */
int eds_normalise_value(const struct eds_column *c, const char *s,
    size_t len, struct eds_arena *a, struct eds_field *out,
    const char **reason, char *detail, size_t dlen);

#endif
