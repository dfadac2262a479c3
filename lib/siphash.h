/*
 * siphash.h: SipHash-2-4 (Aumasson and Bernstein, 2012), a keyed 64-bit
 * hash, for tables of identifier hashes that must not be reversible by
 * someone without the key (the identifier set of the export's leak scan:
 * an unkeyed hash of a 9-digit IPP is undone by trying them all).
 *
 * Streaming, with a state small enough to copy: a run of words is hashed
 * by absorbing word after word and finishing a copy of the state after
 * each, so that every prefix costs one word more, not a new hash.
 */
#ifndef EDS_SIPHASH_H
#define EDS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define EDS_SIPHASH_KEY_LEN 16

struct eds_siphash {
	uint64_t v0, v1, v2, v3;
	uint64_t tail;		/* pending bytes, little-endian */
	uint64_t len;		/* bytes absorbed */
};

/* Start with a 16-byte key (read as two little-endian 64-bit words). */
void eds_siphash_init(struct eds_siphash *, const unsigned char key[16]);
void eds_siphash_update(struct eds_siphash *, const void *, size_t);
/* The hash of everything absorbed; the state itself is not changed. */
uint64_t eds_siphash_final(const struct eds_siphash *);
/* One call. */
uint64_t eds_siphash(const unsigned char key[16], const void *, size_t);

#endif
