/*
 * kanon.h: k-anonymity over the quasi-identifier columns of a dataset, as
 * they leave the pipeline (after generalisation).  Rows with equal values
 * in every quasi-identifier form an equivalence class; a dataset is
 * k-anonymous when every class has at least k rows.
 *
 * Counting keeps one 24-byte slot per distinct class: the first 16 bytes
 * of SHA-256 over the length-prefixed values (so no value is kept in
 * memory, and two classes never merge in practice: 2^-64 for 2^32
 * classes) and a 64-bit count, in an open-addressed table kept between
 * 35% and 70% full: 34 to 69 bytes per class, whatever the number of rows.
 * eds_kanon_bytes() says what is in use.
 *
 * Refuse: count (eds_kanon_stage, or eds_kanon_add per row), then
 * eds_kanon_summarise; classes_below_k > 0 means the bundle is refused.
 * Suppress: stream the rows to a scratch file while counting (pass 1),
 * then eds_kanon_filter copies the file into the bundle, dropping the rows
 * of classes smaller than k (pass 2).  Memory stays bounded by classes.
 */
#ifndef EDS_KANON_H
#define EDS_KANON_H

#include <stddef.h>
#include <stdint.h>

#include "eds.h"
#include "output.h"
#include "pipeline.h"
#include "record.h"

struct eds_kanon_class_size {
	uint64_t size;		/* rows in a class */
	uint64_t classes;	/* classes of that size */
};

struct eds_kanon_summary {
	uint64_t k;
	uint64_t rows;
	uint64_t classes;
	uint64_t min_k;			/* smallest class; 0 with no rows */
	uint64_t classes_below_k;
	uint64_t rows_below_k;
	struct eds_kanon_class_size *hist;	/* ascending size */
	size_t nhist;
};

enum {
	EDS_KANON_KEPT = 1 << 0		/* summarise only classes of >= k */
};

struct eds_kanon;

/*
 * Count classes over the named quasi-identifier columns (names copied;
 * nqi >= 1).  max_classes > 0 caps the table: a dataset with more distinct
 * classes fails with 65 (it could not be k-anonymous in any useful way,
 * and memory stays bounded).
 */
struct eds_kanon *eds_kanon_new(const char *const *qi, size_t nqi,
    uint64_t max_classes);
void eds_kanon_free(struct eds_kanon *);

/* Count one row given its nqi quasi-identifier values in order. */
int eds_kanon_add(struct eds_kanon *, const struct eds_field *values,
    struct eds_error *);
/* Rows in the class of these values (0 if never seen). */
uint64_t eds_kanon_count(const struct eds_kanon *,
    const struct eds_field *values);

/*
 * A pass-through pipeline stage that counts every row it sees: start
 * finds the quasi-identifier columns in the header (78 if one is missing),
 * process counts and passes.  The stage borrows the kanon.
 */
void eds_kanon_stage(struct eds_kanon *, struct eds_stage *);

/* Summary for threshold k; flags EDS_KANON_KEPT.  Release it after. */
void eds_kanon_summarise(const struct eds_kanon *, uint64_t k, int flags,
    struct eds_kanon_summary *);
void eds_kanon_summary_release(struct eds_kanon_summary *);

size_t eds_kanon_classes(const struct eds_kanon *);
/* Bytes of memory held by the table. */
size_t eds_kanon_bytes(const struct eds_kanon *);

/*
 * Pass 2 of suppression: read the canonical CSV at path (header first, as
 * written in pass 1), write the header and every row whose class has at
 * least k rows to out, and count kept and suppressed rows.  The rows must
 * be those counted: a row of a class never seen fails with 70.
 */
int eds_kanon_filter(const struct eds_kanon *, uint64_t k, const char *path,
    struct eds_output *out, uint64_t *kept, uint64_t *suppressed,
    struct eds_error *);

#endif
