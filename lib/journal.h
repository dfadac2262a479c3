/*
 * journal.h: the append-only, tamper-evident journal of runs (DESIGN
 * section 7).  JSON Lines, one object per run: seq, time, tool, version,
 * user, host, action, inputs, config_sha256, key_id, counts, outputs,
 * status, any extra members of the run, and prev, the SHA-256 (hex) of the
 * previous line's bytes without its newline (64 zeros for the first line).
 * Appends take an exclusive flock, read the last line for seq and prev,
 * write the new line with one write(2) on an O_APPEND descriptor and
 * fsync: concurrent writers queue, they never interleave.
 */
#ifndef EDS_JOURNAL_H
#define EDS_JOURNAL_H

#include "buf.h"
#include "eds.h"
#include "run.h"

/* Append run to the journal at path (created with mode 0640 if absent). */
int eds_journal_append(const char *path, const struct eds_run *,
    struct eds_error *);

/* Render the journal line (without newline) for run; used by append. */
void eds_journal_line(struct eds_buf *, const struct eds_run *,
    unsigned long seq, const char *time, const char *user, const char *host,
    const char *prev);

struct eds_journal_status {
	unsigned long lines;		/* lines checked */
	char head[65];			/* SHA-256 of the last line */
};

/*
 * Check the chain: every line a JSON object, seq counting up from 1, prev
 * matching the previous line.  Fails with 65 naming the first bad line
 * (err->file, err->line); 66 if the file cannot be read.
 */
int eds_journal_verify(const char *path, struct eds_journal_status *,
    struct eds_error *);

#endif
