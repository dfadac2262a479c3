/*
 * rejects.h: the rejects file, where every row a tool refuses goes whole
 * and unmodified, with where it came from and why.  It is canonical CSV
 * with the columns
 *
 *     file,line,reason,column,detail,raw
 *
 * raw holds the row's bytes exactly as read (in the source's encoding, final
 * line end removed); raw_truncated rows over the size limit keep their first
 * bytes and say so in detail.
 */
#ifndef EDS_REJECTS_H
#define EDS_REJECTS_H

#include <stdint.h>

#include "eds.h"
#include "output.h"
#include "record.h"

struct eds_rejects;

/* Open path (atomically written, see output.h); NULL with 73 on failure. */
struct eds_rejects *eds_rejects_open(const char *path, struct eds_error *);
/* Append the record (its reason, column, detail and raw bytes). */
int eds_rejects_write(struct eds_rejects *, const struct eds_record *,
    struct eds_error *);
/*
 * Account for one rejected row, as every tool does: add 1 to the run's
 * count "rejected.<reason>", tell cb (when not NULL) and append the row to
 * r (when not NULL).
 */
struct eds_run;
int eds_reject_row(struct eds_rejects *r, struct eds_run *run,
    const struct eds_record *rec,
    void (*cb)(void *ctx, const struct eds_record *), void *ctx,
    struct eds_error *);
/* Commit into place; the SHA-256 of the file in hex when not NULL. */
int eds_rejects_commit(struct eds_rejects *, char *sha256_hex,
    uint64_t *bytes, struct eds_error *);
void eds_rejects_abort(struct eds_rejects *);
const char *eds_rejects_name(const struct eds_rejects *);

#endif
