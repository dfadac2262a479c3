/*
 * leakscan.h: the last check before a bundle is sealed (DESIGN section 6,
 * eds-export(1)): no value of an identifying input column may appear in
 * any payload file.  Values of the columns whose role is patient_id,
 * stay_id or direct_identifier are collected while the inputs are read;
 * then every field of every payload file is looked up:
 *
 * - a field whose whole value equals an identifying value is a leak
 *   (an identifier column released by mistake, a name kept as is);
 * - inside a field, a run of one to six words equal to an identifying
 *   value that holds a digit (IPP, NDA, NIR, accession or phone numbers,
 *   at least 5 characters) or several words (a full address), or to a
 *   patient's first and last names together, is a leak.
 *
 * A name alone ("Martin", "Claire", and compound ones such as
 * "Marie-Thérèse" or "Le Gall": the values of text columns marked as names,
 * unless they hold a digit) is not looked for inside text: it is an
 * ordinary word too, clinicians share the patients' names, and finding
 * it is the scrubber's job (eds-policy(5)).  Values shorter than 4
 * characters are ignored.  Comparison is case- and accent-insensitive on
 * words (letters and digits; everything else separates words), and every
 * word of a field is looked at, however long.  Only the rows that passed
 * validation are collected: the identifiers of a rejected row are not
 * looked for (the row itself never reaches the bundle).
 *
 * The set holds keyed 64-bit hashes (SipHash-2-4), never the values, so
 * that a saved set (a shard's identifiers.bin) cannot be turned back into
 * identifiers by hashing every possible IPP without the key: a 16-byte
 * slot per
 * distinct value (and per distinct first word of the values looked for
 * inside text) in a table kept at most half full, and a filter of 4 bits
 * per table entry in front of it: 34 to 68 bytes per slot.  It grows
 * with the number of distinct identifiers (patients, stays,
 * examinations), not with rows.  A hit names the payload file and column and the input
 * column it came from, never the value.
 */
#ifndef EDS_LEAKSCAN_H
#define EDS_LEAKSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "eds.h"
#include "record.h"

struct eds_leakset;

/*
 * An empty set whose hashes are keyed with key (SipHash-2-4): the same key
 * must be used by whoever saves and loads a set and scans with it.  The
 * key is copied; wipe yours.
 */
struct eds_leakset *eds_leakset_new(const unsigned char key[16]);
void eds_leakset_free(struct eds_leakset *);

/*
 * Add the identifying values of one row.  tag names the input column
 * (the caller's numbering, given back in struct eds_leak on a hit);
 * is_name marks the values that are person names (or addresses): alone
 * they are looked for inside text only if they hold a digit, and they are
 * also added two by two, in both orders ("Claire Martin", "Martin
 * Claire"), as full names.  Fields with tags < 0 are not identifying.
 */
void eds_leakset_add_row(struct eds_leakset *, const struct eds_field *f,
    const int *tags, const unsigned char *is_name, size_t n);
/* Add one value (for tests and callers with single values). */
void eds_leakset_add(struct eds_leakset *, const char *s, size_t len,
    int tag);
/* Distinct values (first words aside); bytes of memory held. */
size_t eds_leakset_count(const struct eds_leakset *);
size_t eds_leakset_bytes(const struct eds_leakset *);

/*
 * Save to / add from a file (for sharded runs): 73/74; a load is 66 if the
 * file is missing, 65 if it is truncated, longer than its header says or
 * not an identifier set.
 */
int eds_leakset_save(const struct eds_leakset *, const char *path,
    struct eds_error *);
int eds_leakset_load(struct eds_leakset *, const char *path,
    struct eds_error *);

/* A leak: where it is, and which input column it came from. */
struct eds_leak {
	unsigned long line;	/* line of the payload file */
	size_t field;		/* 0-based field index */
	int tag;		/* input column tag */
};

/*
 * Look at every field of the CSV file path (gzip or not).  Returns 0 if
 * clean, 1 with *leak set at the first hit, -1 on a read error or a row
 * that cannot be read (65: it is not passed as clean).
 */
int eds_leakset_scan_csv(const struct eds_leakset *, const char *path,
    struct eds_leak *, struct eds_error *);
/* Look at a text buffer as one field (for provenance.json and the like). */
int eds_leakset_scan_text(const struct eds_leakset *, const char *s,
    size_t len, struct eds_leak *);
/* 1 and the tag if the field leaks (whole value or words). */
int eds_leakset_check(const struct eds_leakset *, const char *s, size_t len,
    int *tag);

#endif
