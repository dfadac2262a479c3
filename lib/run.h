/*
 * run.h: the account of one run of a tool: what it read (path, SHA-256,
 * size), what it wrote, the configuration and key it used (by checksum and
 * key id, never the key), and its counts.  The same record feeds --stats (a
 * JSON object) and the journal (DESIGN section 7), so the two never
 * disagree.
 *
 * Counts keep the order in which they were first set.  A name with a dot,
 * "rejected.bad-date", is written nested: "rejected": {"bad-date": n}.
 */
#ifndef EDS_RUN_H
#define EDS_RUN_H

#include <stdint.h>

#include "buf.h"
#include "digest.h"
#include "eds.h"

struct eds_run_file {
	char *path;
	char sha256[EDS_SHA256_HEX];
	uint64_t bytes;
};

struct eds_count {
	char *name;
	uint64_t value;
};

struct eds_run {
	const char *tool;		/* "eds-ingest" */
	char *action;			/* "ingest", "filter", ... */
	struct eds_run_file *inputs;
	size_t ninputs;
	struct eds_run_file *outputs;
	size_t noutputs;
	char config_sha256[EDS_SHA256_HEX];	/* "" if none */
	char key_id[17];			/* "" if none */
	struct eds_count *counts;
	size_t ncounts;
	char **extra;			/* "key", "json value" pairs */
	size_t nextra;
	int status;			/* exit status */
};

void eds_run_init(struct eds_run *, const char *tool, const char *action);
void eds_run_release(struct eds_run *);
void eds_run_input(struct eds_run *, const char *path, const char *sha256,
    uint64_t bytes);
void eds_run_output(struct eds_run *, const char *path, const char *sha256,
    uint64_t bytes);
/* Add v to the named count (created at 0 if absent). */
void eds_run_count(struct eds_run *, const char *name, uint64_t v);
/* Set the named count. */
void eds_run_set(struct eds_run *, const char *name, uint64_t v);
uint64_t eds_run_get(const struct eds_run *, const char *name);
/* Add a top-level member whose value is already JSON text. */
void eds_run_extra(struct eds_run *, const char *key, const char *json);

/* Append a JSON array of files ({"path","sha256","bytes"}) to b. */
void eds_run_files_json(struct eds_buf *b, const struct eds_run_file *,
    size_t n);
/* Append the counts as JSON members (no braces) to b. */
void eds_run_counts_json(const struct eds_run *, struct eds_buf *b);
/* Append the whole --stats object (one line, no newline) to b. */
void eds_run_stats_json(const struct eds_run *, struct eds_buf *b);
/* Write the --stats file (atomically); 73/74 on failure. */
int eds_run_write_stats(const struct eds_run *, const char *path,
    struct eds_error *);

#endif
