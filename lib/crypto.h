/*
 * crypto.h: the keyed hashes of pseudonymisation: HMAC-SHA256 (RFC 2104,
 * tested against RFC 4231) with the inner and outer SHA-256 states computed
 * once per key, HKDF-SHA256 (RFC 5869) on top of it, and a constant-time
 * comparison.  Plain SHA-256 of files and configuration lives in digest.h.
 *
 * A struct eds_hmac holds the two states derived from a key: it is as
 * secret as the key itself and is wiped by eds_hmac_free.  Computing an
 * HMAC from it costs two SHA-256 compressions for a short message (about
 * 120 ns here), against about a microsecond for a one-shot HMAC() that
 * hashes the key block again every time.
 */
#ifndef EDS_CRYPTO_H
#define EDS_CRYPTO_H

#include <stddef.h>

#define EDS_HMAC_LEN 32		/* HMAC-SHA256 output, bytes */
#define EDS_HKDF_MAX (255 * EDS_HMAC_LEN)

struct eds_hmac;

/*
 * Precompute the HMAC states of key[0..len) (any length; a key longer than
 * the 64-byte block is hashed first, as RFC 2104 says).  The caller owns the
 * result and frees it with eds_hmac_free; the key itself is not kept.
 */
struct eds_hmac *eds_hmac_new(const void *key, size_t len);
/* Wipe and free; NULL is ignored. */
void eds_hmac_free(struct eds_hmac *);

/* HMAC-SHA256 of a[0..alen) || b[0..blen) (either may be empty). */
void eds_hmac2(const struct eds_hmac *, const void *a, size_t alen,
    const void *b, size_t blen, unsigned char out[EDS_HMAC_LEN]);
/* HMAC-SHA256 of msg[0..len). */
void eds_hmac(const struct eds_hmac *, const void *msg, size_t len,
    unsigned char out[EDS_HMAC_LEN]);
/* One-shot HMAC-SHA256 (sets up and wipes the states itself). */
void eds_hmac_sha256(const void *key, size_t klen, const void *msg,
    size_t len, unsigned char out[EDS_HMAC_LEN]);

/*
 * HKDF-SHA256 (RFC 5869): extract with salt (an empty salt means 32 zero
 * bytes) then expand with info into out[0..olen).  Returns 0, or -1 when
 * olen is 0 or more than EDS_HKDF_MAX.  Intermediate secrets are wiped.
 */
int eds_hkdf_sha256(const void *salt, size_t slen, const void *ikm,
    size_t ilen, const void *info, size_t infolen, unsigned char *out,
    size_t olen);

/* 1 if a[0..n) equals b[0..n), in time that does not depend on where they differ. */
int eds_ct_equal(const void *a, const void *b, size_t n);

#endif
