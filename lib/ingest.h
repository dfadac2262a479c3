/*
 * ingest.h: what eds-ingest does, as one call: read raw extracts (any
 * number of files or stdin), validate and normalise every row against a
 * schema, write canonical CSV, copy every rejected row into the rejects
 * file, and account for every row: rows_in = rows_out + rows_rejected.
 * More rejects than max_reject_rate, or a file that cannot be read as CSV
 * to its end, fails the run with 65; the output is then not committed.
 */
#ifndef EDS_INGEST_H
#define EDS_INGEST_H

#include <stdint.h>

#include "eds.h"
#include "record.h"
#include "run.h"
#include "schema.h"

struct eds_ingest_options {
	const struct eds_schema *schema;
	const char *output;		/* path, or NULL / "-" for stdout */
	int gzip;			/* gzip the output */
	const char *rejects;		/* rejects file, or NULL */
	double max_reject_rate;		/* 0..1 */
	/* Called every few thousand rows (may be NULL). */
	void (*progress)(void *ctx, uint64_t rows, uint64_t bytes);
	/* Called for every rejected row (may be NULL). */
	void (*on_reject)(void *ctx, const struct eds_record *);
	void *ctx;
};

#define EDS_INGEST_DEFAULT_MAX_REJECT_RATE 0.01

void eds_ingest_options_init(struct eds_ingest_options *);

/*
 * Ingest files[0..nfiles) (nfiles 0 means stdin).  Counts, inputs and
 * outputs go into run.  Returns 0 or -1 with err set (65, 66, 73, 74).
 */
int eds_ingest(const struct eds_ingest_options *, char *const *files,
    size_t nfiles, struct eds_run *run, struct eds_error *);

#endif
