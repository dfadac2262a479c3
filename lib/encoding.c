/*
 * encoding.c: UTF-8 validation and single-byte to UTF-8 conversion
 * (see encoding.h).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "encoding.h"

/* Windows-1252 0x80..0x9F; the undefined five map to themselves. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178
};

static const struct {
	const char *name;
	enum eds_encoding enc;
} names[] = {
	{ "utf-8", EDS_ENC_UTF8 }, { "utf8", EDS_ENC_UTF8 },
	{ "windows-1252", EDS_ENC_CP1252 }, { "cp1252", EDS_ENC_CP1252 },
	{ "latin-1", EDS_ENC_LATIN1 }, { "latin1", EDS_ENC_LATIN1 },
	{ "iso-8859-1", EDS_ENC_LATIN1 }
};

int
eds_encoding_parse(const char *name, enum eds_encoding *out)
{
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*out = names[i].enc;
			return 0;
		}
	}
	return -1;
}

const char *
eds_encoding_name(enum eds_encoding e)
{
	switch (e) {
	case EDS_ENC_CP1252:
		return "windows-1252";
	case EDS_ENC_LATIN1:
		return "latin-1";
	default:
		return "utf-8";
	}
}

int
eds_is_ascii(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t w, acc = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= p[i];
	return (acc & UINT64_C(0x8080808080808080)) == 0;
}

int
eds_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint32_t c;
	int k;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xC2 && *p <= 0xDF) {
			k = 1;
			c = *p & 0x1F;
		} else if (*p >= 0xE0 && *p <= 0xEF) {
			k = 2;
			c = *p & 0x0F;
		} else if (*p >= 0xF0 && *p <= 0xF4) {
			k = 3;
			c = *p & 0x07;
		} else
			return 0;
		if (end - p <= k)
			return 0;
		for (int i = 1; i <= k; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			c = c << 6 | (p[i] & 0x3F);
		}
		if ((k == 2 && c < 0x800) || (k == 3 && c < 0x10000) ||
		    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		p += k + 1;
	}
	return 1;
}

size_t
eds_to_utf8(enum eds_encoding e, const char *s, size_t n, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *o = (unsigned char *)out;
	uint32_t c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = p[i];
		if (c >= 0x80 && c < 0xA0 && e == EDS_ENC_CP1252)
			c = cp1252_high[c - 0x80];
		if (c < 0x80)
			*o++ = (unsigned char)c;
		else if (c < 0x800) {
			*o++ = (unsigned char)(0xC0 | c >> 6);
			*o++ = (unsigned char)(0x80 | (c & 0x3F));
		} else {
			*o++ = (unsigned char)(0xE0 | c >> 12);
			*o++ = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			*o++ = (unsigned char)(0x80 | (c & 0x3F));
		}
	}
	*o = '\0';
	return (size_t)(o - (unsigned char *)out);
}
