/*
 * jlist.h: reading the run journal back for people: which records are
 * exports (tool "eds-export", action "export", or "merge" for the end of a
 * sharded export), of which project (the
 * "project" member export runs add, a string or an object with "id"), and
 * one line of text per record for `eds-export journal show`:
 *
 *     SEQ TIME PROJECT STATUS OUTPUTS COUNTS      (tab-separated)
 *
 * OUTPUTS is "path sha256:<first 16 hex>" joined by ", "; COUNTS is
 * "name=value" joined by spaces, nested counts flattened with dots
 * ("excluded.refused=12").  Values are shown as recorded; the journal
 * holds no identifier, so neither does the listing.  The chain itself is
 * checked by eds_journal_verify (journal.h), not here.
 */
#ifndef EDS_JLIST_H
#define EDS_JLIST_H

#include "buf.h"
#include "eds.h"
#include "json.h"

enum {
	EDS_JLIST_ALL = 1 << 0		/* every record, not only exports */
};

/* The header line of the listing (no newline). */
#define EDS_JLIST_HEADER "SEQ\tTIME\tPROJECT\tSTATUS\tOUTPUTS\tCOUNTS"

/* Called for every selected record with its line number and its row. */
typedef int (*eds_jlist_fn)(void *ctx, unsigned long lineno,
    const struct eds_jnode *record, const char *row);

/*
 * Read the journal at path and call fn for each record selected by flags
 * and project (NULL: any).  Lines that are not JSON objects are skipped:
 * say so by checking the chain.  66 if the file cannot be opened, 74 on a
 * read error, or what fn returned (-1 stops).
 */
int eds_jlist(const char *path, const char *project, int flags,
    eds_jlist_fn fn, void *ctx, struct eds_error *);

/* The project id of a record, or NULL. */
const char *eds_jlist_project(const struct eds_jnode *record);
/* Append the listing row of a record (no newline) to b. */
void eds_jlist_row(struct eds_buf *b, const struct eds_jnode *record);

#endif
