/*
 * registry.h: the consent registry, a directory owned by eds-consent
 * (format 1, described in full in eds-consent(5)):
 *
 *     DIR/manifest            what the registry is: format version,
 *                             generation, counts, and every file below
 *                             with its size and SHA-256 (and CRC-32 for
 *                             log segments); it ends with the SHA-256 of
 *                             its own lines
 *     DIR/events-NNNNNN.csv   the event log: one segment per import, in
 *                             import order, never rewritten (canonical
 *                             CSV in the event format, times in UTC)
 *     DIR/index-NNNNNN.bin    the index of the current generation
 *     DIR/lock                flock(2) target serialising imports
 *
 * An import validates its files, merges their events into a new index,
 * writes the new segment and index as unnamed files (O_TMPFILE, or
 * temporary names where that is unsupported), fsyncs them, links them in
 * and renames a new manifest over the old one: the rename is the commit.
 * Until then the registry is byte for byte what it was; a killed import
 * leaves at most unreferenced files, removed by the next import.  Imports
 * hold an exclusive flock on DIR/lock for their whole run; readers take no
 * lock and see the generation before or after an import, never a mix.
 *
 * The index is what look-ups need and nothing is rebuilt when a registry
 * is opened: the file is mapped, its SHA-256 checked against the manifest,
 * and it is ready.  It holds, sorted by a 64-bit hash of the patient
 * identifier, one variable-length record per patient: the identifier, then
 * per scope every decision of its history (recorded_at, expires_at,
 * decision, source) in (recorded_at, import) order, times as zigzag
 * varints in whole seconds when they are whole.  A table of one 8-byte
 * word per patient (24 bits of the hash, 40-bit offset of the record) and
 * a directory of 4 bytes per 2^floor(log2 n) bucket of the hash's top bits
 * find a record in one or two probes; the identifier in the record is
 * compared in full, so hash collisions never mix patients.
 *
 * Cost: about 12 bytes per patient (table and directory) plus the record:
 * the identifier and 2 bytes, 2 bytes per scope and 7 bytes per decision
 * recorded at a whole second without expiry (up to 20 with a fractional
 * time and an expiry).  A patient with 3 decisions over 2 scopes and a
 * 10-byte identifier costs 12 + 12 + 4 + 21 = 49 bytes: 25 bytes per
 * (patient, scope) entry, all of it shared page cache (mmap), none of it
 * heap.  Measured: 10 million patients with 3 events each (23.3 million
 * entries) make a 507 MB index, 21.7 bytes per entry, ready in about
 * 0.4 s, most of it the SHA-256 of the index (readers check the log
 * segments' sizes only: they never read the log; imports and stats check
 * its SHA-256).  An
 * import holds the events of its own files in memory (about 90 bytes per
 * event at its peak, identifier included) and streams the old index.
 */
#ifndef EDS_REGISTRY_H
#define EDS_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "consent.h"
#include "digest.h"
#include "eds.h"
#include "record.h"
#include "run.h"

#define EDS_REGISTRY_FORMAT 1

struct eds_registry;

enum {
	/* Check log segments by SHA-256, not by size only (stats, import). */
	EDS_REGISTRY_VERIFY_LOG = 1 << 0
};

/*
 * Open the registry in dir for reading: read and check the manifest
 * (format version, its own checksum), map the index and check its
 * SHA-256, check that every log segment has the size the manifest says
 * (and its SHA-256 with EDS_REGISTRY_VERIFY_LOG: the filter, status and
 * export read the index only).  Fails with 66 when dir
 * or its manifest is missing or unreadable, 65 when anything is corrupt,
 * truncated or of another format version, 74 on a read error.  Never
 * returns an empty registry for a missing one.  The caller closes it.
 */
struct eds_registry *eds_registry_open(const char *dir, int flags,
    struct eds_error *);
/* An open registry is never modified: threads and filters may share it. */
void eds_registry_close(struct eds_registry *);

struct eds_registry_info {
	unsigned format;
	uint64_t generation;
	uint64_t patients;
	uint64_t entries;		/* (patient, scope) pairs */
	uint64_t events;
	uint64_t segments;
	uint64_t log_bytes;		/* all segments */
	uint64_t index_bytes;
	uint64_t manifest_bytes;
	int64_t updated;		/* time of the last import */
	char manifest_sha256[EDS_SHA256_HEX];
};

void eds_registry_info(const struct eds_registry *,
    struct eds_registry_info *);
const char *eds_registry_dir(const struct eds_registry *);

/* Scopes and sources, numbered from 0 in order of first import. */
uint32_t eds_registry_nscopes(const struct eds_registry *);
const char *eds_registry_scope_name(const struct eds_registry *, uint32_t);
/* The number of a scope, or -1 if the registry never saw it. */
long eds_registry_scope_find(const struct eds_registry *, const char *s,
    size_t len);
uint32_t eds_registry_nsources(const struct eds_registry *);
const char *eds_registry_source_name(const struct eds_registry *, uint32_t);

/* A patient's record; valid while the registry is open. */
struct eds_registry_patient {
	const struct eds_registry *reg;
	const char *id;			/* not NUL-terminated */
	size_t id_len;
	size_t nentries;
	const unsigned char *p;		/* next entry (iteration state) */
	const unsigned char *end;
	size_t left;			/* entries not yet iterated */
};

/* One (patient, scope) entry, its items decoded by next_entry. */
struct eds_registry_entry {
	uint32_t scope;
	size_t nitems;			/* in (*items)[0..nitems) */
};

/*
 * Find the patient with identifier id[0..len) (compared byte for byte).
 * Returns 1 and fills *pt, 0 if the registry has no event for it, -1 (65)
 * if the record is corrupt.
 */
int eds_registry_find(const struct eds_registry *, const char *id,
    size_t len, struct eds_registry_patient *, struct eds_error *);
/* The i-th patient in index order (0 <= i < patients); 0 or -1. */
int eds_registry_patient(const struct eds_registry *, uint64_t i,
    struct eds_registry_patient *, struct eds_error *);
/*
 * The next scope entry of a patient, with its history decoded into
 * (*items)[0..e->nitems) in (recorded_at, import) order; *items grows
 * as needed (realloc, the caller frees it).  Returns 1, 0 after the last
 * entry, -1 (65) if corrupt.
 */
int eds_registry_next_entry(struct eds_registry_patient *,
    struct eds_registry_entry *, struct eds_consent_item **items,
    size_t *cap, struct eds_error *);

/* --- import -------------------------------------------------------------- */

struct eds_import_options {
	const char *rejects;		/* rejects file, or NULL */
	int allow_partial;		/* import the valid rows despite rejects */
	/* Called for every rejected row (may be NULL). */
	void (*on_reject)(void *ctx, const struct eds_record *);
	/* Called every few thousand rows (may be NULL). */
	void (*progress)(void *ctx, uint64_t rows, uint64_t bytes);
	/*
	 * Called once, before waiting, when another import holds the
	 * registry's lock (may be NULL): lock is its path.
	 */
	void (*on_wait)(void *ctx, const char *lock);
	void *ctx;
	/* Filled with the registry as it is after a successful import. */
	struct eds_registry_info *result;	/* may be NULL */
};

void eds_import_options_init(struct eds_import_options *);

/*
 * Import the events of files[0..nfiles) (nfiles 0: stdin) into the
 * registry in dir, created (mode 0750, files 0640, less the umask) when
 * dir is missing or empty.  One import is one transaction: all the valid
 * events of all the files or nothing; events identical to one already in
 * the registry or earlier in the files are counted as duplicates and not
 * stored again.  Rejected rows go to the rejects file; any reject fails
 * the import (65, registry unchanged) unless allow_partial.  Counts,
 * inputs and the new manifest go into run.  Imports into one registry
 * run one at a time: an import finding the lock held waits for it (after
 * calling on_wait), and then counts the wait in run as "lock_wait_ms".  Returns 0 or -1 with err set
 * (64 usage, 65 bad data or registry, 66 input missing, 73 cannot create,
 * 74 I/O).
 *
 * For tests: with EDS_TEST_PAUSE=import-written in the environment the
 * process stops itself (SIGSTOP) once the new files are written and
 * synced but not yet linked in; with EDS_TEST_PAUSE=import-linked, once
 * they are linked but before the manifest is renamed.
 */
int eds_registry_import(const char *dir, const struct eds_import_options *,
    char *const *files, size_t nfiles, struct eds_run *, struct eds_error *);

/* The 64-bit hash the index is sorted by (FNV-1a, then a mixer). */
uint64_t eds_registry_hash(const char *id, size_t len);

#endif
