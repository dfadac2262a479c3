/*
 * pipeline.h: a list of stages a record flows through.  Each stage sees
 * the header once (start: it may rename, add or drop columns and says what
 * header comes out), then every row (process: pass it on, possibly changed
 * in place, or drop it with record->reason set), then the end (finish).
 * Tools are short lists of stages; eds-export is a longer one.  Writing the
 * rows that pass is the caller's job.
 */
#ifndef EDS_PIPELINE_H
#define EDS_PIPELINE_H

#include <stddef.h>

#include "eds.h"
#include "record.h"

enum {
	EDS_PASS = 0,		/* the row goes on */
	EDS_DROP = 1		/* the row stops here; record->reason says why */
};

struct eds_stage {
	const char *name;
	void *ctx;
	/* Map the input header to the output header; NULL keeps it as is. */
	int (*start)(void *ctx, const struct eds_header *in,
	    struct eds_header *out, struct eds_error *);
	/* EDS_PASS, EDS_DROP or -1 with err set. */
	int (*process)(void *ctx, struct eds_record *, struct eds_error *);
	/* At the end of the stream; may be NULL. */
	int (*finish)(void *ctx, struct eds_error *);
};

struct eds_pipeline {
	struct eds_stage *stages;
	size_t n;
	struct eds_header *headers;	/* n + 1 after start: in, then each out */
	int started;
};

void eds_pipeline_init(struct eds_pipeline *);
void eds_pipeline_add(struct eds_pipeline *, const struct eds_stage *);
int eds_pipeline_start(struct eds_pipeline *, const struct eds_header *in,
    struct eds_error *);
/* The header that comes out of the last stage (valid after start). */
const struct eds_header *eds_pipeline_header(const struct eds_pipeline *);
/*
 * Run a row through every stage.  Returns EDS_PASS, EDS_DROP (with *stage
 * set to the index of the dropping stage when stage is not NULL), or -1.
 */
int eds_pipeline_push(struct eds_pipeline *, struct eds_record *,
    size_t *stage, struct eds_error *);
int eds_pipeline_finish(struct eds_pipeline *, struct eds_error *);
void eds_pipeline_release(struct eds_pipeline *);

#endif
