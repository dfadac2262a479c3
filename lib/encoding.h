/*
 * encoding.h: character encodings of input extracts.  Everything inside the
 * toolkit is UTF-8; extracts in Windows-1252 or Latin-1 are converted byte by
 * byte (five bytes undefined in Windows-1252 map to the C1 controls of the
 * same value, as the WHATWG encoding standard does).
 */
#ifndef EDS_ENCODING_H
#define EDS_ENCODING_H

#include <stddef.h>

#include "buf.h"

enum eds_encoding {
	EDS_ENC_UTF8 = 0,
	EDS_ENC_CP1252,
	EDS_ENC_LATIN1
};

/* Parse an encoding name (utf-8, windows-1252, cp1252, latin-1, iso-8859-1...). */
int eds_encoding_parse(const char *name, enum eds_encoding *out);
const char *eds_encoding_name(enum eds_encoding);

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int eds_utf8_valid(const char *s, size_t n);
/* 1 if every byte is ASCII (< 0x80). */
int eds_is_ascii(const char *s, size_t n);
/*
 * Convert s[0..n) from a single-byte encoding to UTF-8 into out, which must
 * hold 3n+1 bytes (the longest mapping is 3 bytes).  Returns the length.
 */
size_t eds_to_utf8(enum eds_encoding, const char *s, size_t n, char *out);

#endif
