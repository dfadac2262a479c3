/*
 * export.h: running an approved project (eds-export, DESIGN sections 3
 * and 6): for every dataset of the project specification, one streaming
 * pass
 *
 *     read -> validate (schema) -> period -> consent -> pseudonymise
 *          (project domain) -> select columns -> write
 *
 * then k-anonymity, the identifier leak scan, data/dictionary.csv,
 * data/provenance.json, and a sealed BagIt bundle, optionally archived,
 * encrypted and signed.
 *
 * The work is split in two halves so that it can be sharded: a shard runs
 * the streaming pass over its share of the input bytes (the files of all
 * datasets laid end to end and cut into N runs of about equal bytes,
 * each dataset's files staying in order; a plain file is cut at row
 * boundaries, a gzip file stays whole, see shardplan.h) and writes a
 * partial directory (data files, counts, the identifiers it saw);
 * a merge concatenates the partials in shard order and does everything
 * else once.  A whole run is shard 1 of 1 followed by the merge, so a
 * sharded run gives byte-identical data files and manifests by
 * construction; the pieces of a cut file are checked to end exactly at
 * their cuts, and to be of one and the same file (SHA-256).
 *
 * A partial directory holds partial.json, identifiers.bin (hashes only,
 * see leakscan.h) and <dataset>.csv per dataset.
 */
#ifndef EDS_EXPORT_H
#define EDS_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "eds.h"
#include "record.h"
#include "run.h"

struct eds_export_options {
	const char *project;		/* specification file */
	const char *key;		/* key file (not needed by merge) */
	int allow_unsafe_key;
	const char *registry;		/* consent registry; overrides spec */
	const char *at;			/* consent as-of; overrides spec */
	const char *output;		/* bundle, or partial directory */
	int force;			/* replace an existing bundle */
	int archive;			/* OUTPUT.tar.gz instead of a directory */
	const char *const *encrypt_to;	/* certificates (implies archive) */
	size_t nencrypt;
	const char *sign_key;		/* CMS signature over the tag manifest */
	const char *sign_cert;
	const char *bagging_date;	/* YYYY-MM-DD; NULL: today (UTC) */
	unsigned shard, nshards;	/* eds_export_shard: shard of nshards */
	int whole_files;		/* never cut a file (shardplan.h) */
	/* Callbacks (each may be NULL). */
	void (*progress)(void *ctx, uint64_t rows, uint64_t bytes);
	void (*on_reject)(void *ctx, const char *dataset,
	    const struct eds_record *);
	/* Something the operator should know that does not stop the run. */
	void (*on_warning)(void *ctx, const char *msg);
	void *ctx;
};

void eds_export_options_init(struct eds_export_options *);

/* The whole run.  0, or -1: 64, 65, 66, 73, 74, 77, 78. */
int eds_export(const struct eds_export_options *, struct eds_run *,
    struct eds_error *);
/* One shard: the partial directory opts->output (must not exist). */
int eds_export_shard(const struct eds_export_options *, struct eds_run *,
    struct eds_error *);
/* Merge partial directories (every shard exactly once) into the bundle. */
int eds_export_merge(const struct eds_export_options *, char *const *parts,
    size_t nparts, struct eds_run *, struct eds_error *);

#endif
