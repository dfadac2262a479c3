/*
 * pseudo.h: pseudonymisation of a stream of rows by a policy (eds-pseudo,
 * DESIGN section 4), as a pipeline stage that eds-export can put in its own
 * list, and as one call that runs a whole file for eds-pseudo.
 *
 * start() maps the policy onto the input header (a column the policy does
 * not list is 78 unless 'unlisted' says otherwise; a listed column missing
 * from the input is 78 too) and gives the output header: input order,
 * dropped columns removed, renamed ones renamed.  process() rewrites the
 * row in place, new values in the record's arena.  A value the policy
 * cannot transform (a date that is not ISO 8601, a shift without a patient
 * id, a postcode that is not five digits, ...) fails the run with 65 and
 * the row's file, line and field number: the input is expected to come from
 * eds-ingest, so such a value means a wrong policy or an unvalidated file,
 * and passing it through could leak it.  Empty values stay empty.
 *
 * Memory: fixed per column (previous value and output, a 1024-entry cache
 * of recent digests, 80 bytes each, for pseudonymised and UID columns;
 * another for date-shift offsets), plus scratch buffers the size of the
 * longest value seen.  Nothing grows with the number of rows; the caches
 * hold identifiers in memory and are wiped when freed.
 */
#ifndef EDS_PSEUDO_H
#define EDS_PSEUDO_H

#include <stdint.h>

#include "eds.h"
#include "pipeline.h"
#include "policy.h"
#include "pseudonym.h"
#include "run.h"

struct eds_pseudo;

/*
 * A stage context for policy and domain, both borrowed: they must outlive
 * it.  Free with eds_pseudo_free.
 */
struct eds_pseudo *eds_pseudo_new(const struct eds_policy *,
    const struct eds_domain *);
void eds_pseudo_free(struct eds_pseudo *);
/* Fill stage (name "pseudo", start, process, finish) for p. */
void eds_pseudo_stage(struct eds_pseudo *p, struct eds_stage *stage);
/*
 * Add the stage's counts to run: values.pseudonymised, values.shifted,
 * values.generalised, values.uid, values.scrubbed (texts changed),
 * scrubbed.<kind> (findings), columns.dropped, columns.kept,
 * hmac.computed and hmac.cached.  Also sets the run's "domain" member: call
 * it once per run.
 */
void eds_pseudo_account(const struct eds_pseudo *, struct eds_run *);

struct eds_pseudo_options {
	const struct eds_policy *policy;
	const struct eds_domain *domain;
	const char *output;		/* path, or NULL / "-" for stdout */
	int gzip;
	/* Called every few thousand rows (may be NULL). */
	void (*progress)(void *ctx, uint64_t rows, uint64_t bytes);
	void *ctx;
};

/*
 * Pseudonymise the canonical CSV at path (NULL or "-": stdin) into the
 * output, committed only on success.  Counts, input, output and policy
 * checksum go into run (the caller sets run->key_id).  Returns 0, or -1
 * with err set: 65 bad data, 66 no input, 73, 74, 78 policy and header.
 */
int eds_pseudo_file(const struct eds_pseudo_options *, const char *path,
    struct eds_run *, struct eds_error *);

#endif
