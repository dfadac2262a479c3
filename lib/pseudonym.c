/*
 * pseudonym.c: the eds-pseudo v1 algorithms (see pseudonym.h).  The
 * domain key is derived with the HKDF of crypto.c and kept only as HMAC
 * states; every per-value function works on caller buffers.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "pseudonym.h"
#include "xmalloc.h"

struct eds_domain {
	struct eds_hmac *h;
	char *name;
};

int
eds_domain_valid(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > EDS_DOMAIN_MAX || !eds_utf8_valid(name, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return 0;
	return 1;
}

void
eds_domain_key(const struct eds_key *key, const char *name,
    unsigned char kd[32])
{
	char info[sizeof EDS_PSEUDO_INFO + EDS_DOMAIN_MAX];
	size_t ilen = sizeof EDS_PSEUDO_INFO - 1, nlen = strlen(name);

	if (nlen > EDS_DOMAIN_MAX)
		nlen = EDS_DOMAIN_MAX;
	memcpy(info, EDS_PSEUDO_INFO, ilen);
	memcpy(info + ilen, name, nlen);
	(void)eds_hkdf_sha256(NULL, 0, key->k, sizeof key->k, info,
	    ilen + nlen, kd, 32);
}

struct eds_domain *
eds_domain_new(const struct eds_key *key, const char *name,
    struct eds_error *err)
{
	struct eds_domain *d;
	unsigned char kd[32];

	if (!eds_domain_valid(name)) {
		eds_error_set(err, EDS_EX_CONFIG, "invalid domain name (1 to "
		    "%d bytes of UTF-8 without control characters)",
		    EDS_DOMAIN_MAX);
		return NULL;
	}
	eds_domain_key(key, name, kd);
	d = xmalloc(sizeof *d);
	d->h = eds_hmac_new(kd, sizeof kd);
	d->name = xstrdup(name);
	eds_wipe(kd, sizeof kd);
	return d;
}

void
eds_domain_free(struct eds_domain *d)
{
	if (d == NULL)
		return;
	eds_hmac_free(d->h);
	free(d->name);
	free(d);
}

const char *
eds_domain_name(const struct eds_domain *d)
{
	return d->name;
}

int
eds_norm_step(const char *w, int *step)
{
	if (strcmp(w, "trim") == 0)
		*step = 0;
	else if (strcmp(w, "remove-spaces") == 0)
		*step = EDS_NORM_REMOVE_SPACES;
	else if (strcmp(w, "upper") == 0)
		*step = EDS_NORM_UPPER;
	else if (strcmp(w, "strip-leading-zeros") == 0)
		*step = EDS_NORM_STRIP_ZEROS;
	else
		return -1;
	return 0;
}

static inline int
blank(char c)
{
	return c == ' ' || c == '\t';
}

size_t
eds_normalise(int steps, const char *s, size_t len, char *out)
{
	const char *end = s + len;
	size_t n = 0, z;

	while (s < end && blank(*s))
		s++;
	while (end > s && blank(end[-1]))
		end--;
	for (; s < end; s++) {
		char c = *s;

		if ((steps & EDS_NORM_REMOVE_SPACES) && blank(c))
			continue;
		if ((steps & EDS_NORM_UPPER) && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		out[n++] = c;
	}
	if ((steps & EDS_NORM_STRIP_ZEROS) && n > 0) {
		for (z = 0; z < n && out[z] == '0'; z++)
			;
		if (z == n)
			z = n - 1;	/* zeros only: keep one */
		memmove(out, out + z, n - z);
		n -= z;
	}
	out[n] = '\0';
	return n;
}

void
eds_pseudo_digest_z(const struct eds_domain *d, const char *tagz,
    size_t tlen, const char *v, size_t vlen, unsigned char out[EDS_HMAC_LEN])
{
	eds_hmac2(d->h, tagz, tlen, v, vlen, out);
}

void
eds_pseudo_digest(const struct eds_domain *d, const char *tag,
    const char *v, size_t vlen, unsigned char out[EDS_HMAC_LEN])
{
	/* tag || 0x00: strlen + 1 bytes of the NUL-terminated tag. */
	eds_hmac2(d->h, tag, strlen(tag) + 1, v, vlen, out);
}

size_t
eds_pseudonym_format(const unsigned char md[EDS_HMAC_LEN],
    const char *prefix, size_t length, char *out)
{
	static const char hexd[] = "0123456789abcdef";
	size_t p = prefix != NULL ? strlen(prefix) : 0, i;

	memcpy(out, prefix, p);
	for (i = 0; i + 1 < length; i += 2) {
		out[p + i] = hexd[md[i / 2] >> 4];
		out[p + i + 1] = hexd[md[i / 2] & 15];
	}
	if (i < length)
		out[p + i] = hexd[md[i / 2] >> 4];
	out[p + length] = '\0';
	return p + length;
}

size_t
eds_pseudonym(const struct eds_domain *d, const char *ns, int norm,
    size_t length, const char *prefix, const char *v, size_t vlen,
    char *out)
{
	unsigned char md[EDS_HMAC_LEN];
	char stack[256], *buf = vlen < sizeof stack ? stack : xmalloc(vlen + 1);
	size_t n;

	n = eds_normalise(norm, v, vlen, buf);
	if (n == 0)
		out[0] = '\0';
	else {
		eds_pseudo_digest(d, ns, buf, n, md);
		n = eds_pseudonym_format(md, prefix, length, out);
	}
	if (buf != stack)
		free(buf);
	return n;
}

int
eds_offset_from_digest(const unsigned char md[EDS_HMAC_LEN], int R)
{
	uint32_t u = (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 |
	    (uint32_t)md[2] << 8 | md[3];
	uint32_t k = u % (2 * (uint32_t)R);

	return k < (uint32_t)R ? -(int)(k + 1) : (int)(k - (uint32_t)R + 1);
}

int
eds_date_offset(const struct eds_domain *d, int norm, const char *p,
    size_t plen, int R)
{
	unsigned char md[EDS_HMAC_LEN];
	char stack[256], *buf = plen < sizeof stack ? stack : xmalloc(plen + 1);
	size_t n;
	int off = 0;

	n = eds_normalise(norm, p, plen, buf);
	if (n > 0) {
		eds_pseudo_digest(d, "date-shift", buf, n, md);
		off = eds_offset_from_digest(md, R);
	}
	if (buf != stack)
		free(buf);
	return off;
}

size_t
eds_uid_from_digest(const unsigned char md[EDS_HMAC_LEN], char *out)
{
	unsigned char num[16];
	char digits[40];
	size_t nd = 0, i;
	int nonzero;

	memcpy(num, md, sizeof num);
	/* Repeated division of the 128-bit big-endian number by 10. */
	do {
		unsigned rem = 0;

		nonzero = 0;
		for (i = 0; i < sizeof num; i++) {
			unsigned cur = rem * 256 + num[i];

			num[i] = (unsigned char)(cur / 10);
			rem = cur % 10;
			nonzero |= num[i];
		}
		digits[nd++] = (char)('0' + rem);
	} while (nonzero);
	memcpy(out, "2.25.", 5);
	for (i = 0; i < nd; i++)
		out[5 + i] = digits[nd - 1 - i];
	out[5 + nd] = '\0';
	return 5 + nd;
}

size_t
eds_dicom_uid(const struct eds_domain *d, const char *u, size_t ulen,
    char *out)
{
	unsigned char md[EDS_HMAC_LEN];

	eds_pseudo_digest(d, "uid", u, ulen, md);
	return eds_uid_from_digest(md, out);
}
