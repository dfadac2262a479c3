/*
 * crypto.c: HMAC-SHA256 from precomputed states, HKDF-SHA256 (see
 * crypto.h).  The states are OpenSSL SHA256_CTX structures: the low-level
 * SHA-256 interface is deprecated in OpenSSL 3 but still supported by every
 * 3.x release, and it is the only one whose context can be copied for the
 * price of a memcpy (EVP_MD_CTX_copy_ex costs about twice as much per
 * value, EVP_MAC_CTX_dup five times).  It runs the same assembly (SHA
 * extensions where the CPU has them) as EVP.
 */
#include "config.h"

#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "crypto.h"
#include "eds.h"
#include "xmalloc.h"

#define BLOCK 64

struct eds_hmac {
	SHA256_CTX inner;	/* after hashing key ^ ipad */
	SHA256_CTX outer;	/* after hashing key ^ opad */
};

struct eds_hmac *
eds_hmac_new(const void *key, size_t len)
{
	struct eds_hmac *h = xmalloc(sizeof *h);
	unsigned char k[BLOCK], pad[BLOCK];
	size_t i;

	memset(k, 0, sizeof k);
	if (len > BLOCK)
		SHA256(key, len, k);
	else if (len > 0)
		memcpy(k, key, len);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	SHA256_Init(&h->inner);
	SHA256_Update(&h->inner, pad, BLOCK);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	SHA256_Init(&h->outer);
	SHA256_Update(&h->outer, pad, BLOCK);
	eds_wipe(k, sizeof k);
	eds_wipe(pad, sizeof pad);
	return h;
}

void
eds_hmac_free(struct eds_hmac *h)
{
	if (h == NULL)
		return;
	eds_wipe(h, sizeof *h);
	free(h);
}

void
eds_hmac2(const struct eds_hmac *h, const void *a, size_t alen,
    const void *b, size_t blen, unsigned char out[EDS_HMAC_LEN])
{
	SHA256_CTX c;
	unsigned char md[EDS_HMAC_LEN];

	c = h->inner;
	if (alen > 0)
		SHA256_Update(&c, a, alen);
	if (blen > 0)
		SHA256_Update(&c, b, blen);
	SHA256_Final(md, &c);
	c = h->outer;
	SHA256_Update(&c, md, sizeof md);
	SHA256_Final(out, &c);
	/* c and md hold nothing that leads back to the key without a
	 * preimage; they are stack temporaries overwritten by the next call. */
}

void
eds_hmac(const struct eds_hmac *h, const void *msg, size_t len,
    unsigned char out[EDS_HMAC_LEN])
{
	eds_hmac2(h, msg, len, NULL, 0, out);
}

void
eds_hmac_sha256(const void *key, size_t klen, const void *msg, size_t len,
    unsigned char out[EDS_HMAC_LEN])
{
	struct eds_hmac *h = eds_hmac_new(key, klen);

	eds_hmac(h, msg, len, out);
	eds_hmac_free(h);
}

int
eds_hkdf_sha256(const void *salt, size_t slen, const void *ikm, size_t ilen,
    const void *info, size_t infolen, unsigned char *out, size_t olen)
{
	static const unsigned char zeros[EDS_HMAC_LEN];
	unsigned char prk[EDS_HMAC_LEN], t[EDS_HMAC_LEN];
	struct eds_hmac *h;
	size_t done = 0, tlen = 0, n;
	unsigned char ctr = 0;
	SHA256_CTX c;
	unsigned char md[EDS_HMAC_LEN];

	if (olen == 0 || olen > EDS_HKDF_MAX)
		return -1;
	/* Extract: PRK = HMAC(salt, IKM). */
	if (slen == 0) {
		salt = zeros;
		slen = sizeof zeros;
	}
	eds_hmac_sha256(salt, slen, ikm, ilen, prk);
	/* Expand: T(i) = HMAC(PRK, T(i-1) || info || i). */
	h = eds_hmac_new(prk, sizeof prk);
	while (done < olen) {
		ctr++;
		c = h->inner;
		if (tlen > 0)
			SHA256_Update(&c, t, tlen);
		if (infolen > 0)
			SHA256_Update(&c, info, infolen);
		SHA256_Update(&c, &ctr, 1);
		SHA256_Final(md, &c);
		c = h->outer;
		SHA256_Update(&c, md, sizeof md);
		SHA256_Final(t, &c);
		tlen = sizeof t;
		n = olen - done < tlen ? olen - done : tlen;
		memcpy(out + done, t, n);
		done += n;
	}
	eds_hmac_free(h);
	eds_wipe(&c, sizeof c);
	eds_wipe(md, sizeof md);
	eds_wipe(prk, sizeof prk);
	eds_wipe(t, sizeof t);
	return 0;
}

int
eds_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
