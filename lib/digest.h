/*
 * digest.h: streaming SHA-256 (OpenSSL EVP) for checksums of files and
 * configuration: inputs and outputs in --stats, the journal, BagIt manifests.
 * The keyed hashes of pseudonymisation live in crypto.h, not here.
 */
#ifndef EDS_DIGEST_H
#define EDS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "eds.h"

#define EDS_SHA256_LEN 32
#define EDS_SHA256_HEX (2 * EDS_SHA256_LEN + 1)

struct eds_sha256 {
	void *ctx;	/* EVP_MD_CTX */
};

void eds_sha256_init(struct eds_sha256 *);
void eds_sha256_update(struct eds_sha256 *, const void *, size_t);
/* Finish into out[32]; the context is released. */
void eds_sha256_final(struct eds_sha256 *, unsigned char out[EDS_SHA256_LEN]);
/* Finish into lower-case hex; the context is released. */
void eds_sha256_final_hex(struct eds_sha256 *, char hex[EDS_SHA256_HEX]);
/* Release a context that will not be finished. */
void eds_sha256_release(struct eds_sha256 *);

/* One-shot digest of a buffer. */
void eds_sha256(const void *, size_t, unsigned char out[EDS_SHA256_LEN]);
/* SHA-256 of a whole file, as hex; 66 if it cannot be opened, 74 on read error. */
int eds_sha256_file(const char *path, char hex[EDS_SHA256_HEX],
    uint64_t *size, struct eds_error *);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void eds_hex(const unsigned char *, size_t n, char *out);
/* Parse exactly 2n hex digits into out; -1 if malformed. */
int eds_unhex(const char *s, size_t slen, unsigned char *out, size_t n);

#endif
