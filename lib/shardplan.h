/*
 * shardplan.h: which shard reads which bytes of a sharded export's inputs.
 *
 * The plan lays all input files end to end (T bytes; an empty file
 * weighs 1) and gives shard k of N the bytes [T(k-1)/N, Tk/N).  A file
 * that must stay whole (gzip, or --whole-files) goes to the shard in
 * whose interval its middle falls.  Any other file is cut at the
 * interval boundaries inside it, each moved FORWARD to the first row
 * boundary at or after it; the shards first..last of a file read one
 * piece each, in order (a piece may be empty).  Every shard computes the
 * same plan from the same file sizes, and the same cuts from the same
 * bytes, without talking to the others.
 *
 * The row scanner finds those boundaries: a forward pass from the file's
 * start through a small RFC 4180 state machine that follows libcsv's
 * strict mode as csvread.c uses it (quotes open a field only at its
 * start, doubled quotes, only LF ends a row, CR is a space, a quote out
 * of place skips to the end of the line; a UTF-8 BOM is skipped).  It
 * does not know csvread's row size limit, so on malformed input it can
 * disagree with the reader: the reader of a piece checks that its rows
 * end exactly at the cut (eds_csv_reader_piece).  It can hash as it goes
 * (the whole file, and each piece between the cuts it found), for the
 * merge to check that every shard read the same file.
 */
#ifndef EDS_SHARDPLAN_H
#define EDS_SHARDPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "eds.h"

struct eds_shard_file {
	uint64_t size;		/* bytes */
	int whole;		/* never cut */
	uint64_t at;		/* out: where it starts, laid end to end */
	unsigned first, last;	/* out: the shards that read it (1..N) */
};

struct eds_shard_plan {
	unsigned nshards;
	uint64_t total;		/* T */
	struct eds_shard_file *files;
	size_t n;
};

void eds_shard_plan_init(struct eds_shard_plan *, unsigned nshards);
/* Append a file (in the order the shards read them); returns its index. */
size_t eds_shard_plan_add(struct eds_shard_plan *, uint64_t size, int whole);
/* Fill at, first and last of every file (after the last add). */
void eds_shard_plan_compute(struct eds_shard_plan *);
/*
 * Shard k's share of cut file i (first <= k <= last), before it is moved
 * to row boundaries: [*from, *to), with *from 0 for the first shard and
 * *to the file's size for the last.
 */
void eds_shard_plan_target(const struct eds_shard_plan *, size_t i,
    unsigned k, uint64_t *from, uint64_t *to);
void eds_shard_plan_release(struct eds_shard_plan *);

struct eds_rowscan;

/*
 * Scan path from its start.  sep: the schema's separator, or 0 to detect
 * it from the first line as the reader does.  With hash, the whole file
 * and every piece between cuts are hashed as the scan goes.  66 if the
 * file cannot be opened.  The caller frees the result.
 */
struct eds_rowscan *eds_rowscan_open(const char *path, char sep, int hash,
    struct eds_error *);

struct eds_cut {
	uint64_t offset;	/* the first row boundary at or after target */
	unsigned long line;	/* the line that starts there (1-based) */
	char sha256[EDS_SHA256_HEX];	/* with hash: the piece ending here */
};

/*
 * Move to the first row boundary at or after target that is not before
 * the end of the first row (blank lines before it do not count): a cut
 * never falls inside or before the header row.  Or to the end of the file.  Targets
 * must not decrease.  The piece of a hashing scan runs from the previous
 * cut (or 0).  0, or -1 with 74 on a read error.
 */
int eds_rowscan_cut(struct eds_rowscan *, uint64_t target, struct eds_cut *,
    struct eds_error *);

/*
 * End of the first row (blank lines before it included) and the lines up
 * to there, once a cut was made: the header row a piece is read after.
 */
uint64_t eds_rowscan_head(const struct eds_rowscan *);
unsigned long eds_rowscan_head_lines(const struct eds_rowscan *);
/* The separator (as given or detected) and whether the file starts with a BOM. */
char eds_rowscan_sep(const struct eds_rowscan *);
int eds_rowscan_bom(const struct eds_rowscan *);
/*
 * A hashing scan's whole-file digest, as far as the last cut: the caller
 * feeds it the rest of the file (eds_input_hash_also), then finishes it
 * with eds_rowscan_sha256.
 */
struct eds_sha256 *eds_rowscan_digest(struct eds_rowscan *);
void eds_rowscan_sha256(struct eds_rowscan *, char hex[EDS_SHA256_HEX]);
void eds_rowscan_free(struct eds_rowscan *);

#endif
