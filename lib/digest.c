/*
 * digest.c: SHA-256 over OpenSSL's EVP interface, and hex helpers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "digest.h"

void
eds_sha256_init(struct eds_sha256 *s)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		fprintf(stderr, "eds: cannot initialise SHA-256\n");
		abort();
	}
	s->ctx = c;
}

void
eds_sha256_update(struct eds_sha256 *s, const void *p, size_t n)
{
	if (n > 0)
		EVP_DigestUpdate(s->ctx, p, n);
}

void
eds_sha256_final(struct eds_sha256 *s, unsigned char out[EDS_SHA256_LEN])
{
	unsigned int n = EDS_SHA256_LEN;

	EVP_DigestFinal_ex(s->ctx, out, &n);
	eds_sha256_release(s);
}

void
eds_sha256_final_hex(struct eds_sha256 *s, char hex[EDS_SHA256_HEX])
{
	unsigned char md[EDS_SHA256_LEN];

	eds_sha256_final(s, md);
	eds_hex(md, sizeof md, hex);
}

void
eds_sha256_release(struct eds_sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

void
eds_sha256(const void *p, size_t n, unsigned char out[EDS_SHA256_LEN])
{
	struct eds_sha256 s;

	eds_sha256_init(&s);
	eds_sha256_update(&s, p, n);
	eds_sha256_final(&s, out);
}

int
eds_sha256_file(const char *path, char hex[EDS_SHA256_HEX], uint64_t *size,
    struct eds_error *err)
{
	struct eds_sha256 s;
	unsigned char buf[65536];
	uint64_t total = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot open '%s'", path);
	eds_sha256_init(&s);
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int e = errno;

			eds_sha256_release(&s);
			close(fd);
			return eds_error_errno(err, EDS_EX_IOERR, e,
			    "cannot read '%s'", path);
		}
		if (n == 0)
			break;
		eds_sha256_update(&s, buf, (size_t)n);
		total += (uint64_t)n;
	}
	close(fd);
	eds_sha256_final_hex(&s, hex);
	if (size != NULL)
		*size = total;
	return 0;
}

void
eds_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
eds_unhex(const char *s, size_t slen, unsigned char *out, size_t n)
{
	size_t i;

	if (slen != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = hexval((unsigned char)s[2 * i]);
		int lo = hexval((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}
