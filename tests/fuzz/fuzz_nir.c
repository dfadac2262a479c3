/*
 * fuzz_nir.c: the NIR normaliser (lib/nir.c) against a reference written
 * here from the rule (DESIGN section 8), on every line of the input and on
 * its first '|'-separated field (the layout of the published nir.txt,
 * which seeds this target).
 *
 * Invariants: the normaliser agrees with the reference (valid, malformed,
 * wrong key); a valid number normalises to 15 upper-case characters that
 * normalise to themselves.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "nir.h"

/* The rule, written independently: 0 valid, -1 malformed, -2 bad key. */
static int
reference(const char *s, size_t len)
{
	char c[16];
	size_t n = 0, i;
	unsigned rem = 0;
	int key;

	for (i = 0; i < len; i++) {
		if (strchr(" .-\t", s[i]) != NULL && s[i] != '\0')
			continue;
		if (n == 15)
			return -1;
		c[n++] = s[i] == 'a' ? 'A' : s[i] == 'b' ? 'B' : s[i];
	}
	if (n != 15 || strchr("123478", c[0]) == NULL || c[0] == '\0')
		return -1;
	for (i = 0; i < 15; i++) {
		if (c[i] >= '0' && c[i] <= '9')
			continue;
		if (i == 6 && c[5] == '2' && (c[6] == 'A' || c[6] == 'B'))
			continue;
		return -1;
	}
	/* N mod 97, digit by digit, 2A read as 19 and 2B as 18. */
	for (i = 0; i < 13; i++) {
		unsigned d = (unsigned)(c[i] - '0');

		if (i == 5 && (c[6] == 'A' || c[6] == 'B'))
			d = 1;
		else if (i == 6 && c[6] == 'A')
			d = 9;
		else if (i == 6 && c[6] == 'B')
			d = 8;
		rem = (rem * 10 + d) % 97;
	}
	key = (int)(97 - rem);
	return (c[13] - '0') * 10 + (c[14] - '0') == key ? 0 : -2;
}

static void
one(const char *s, size_t len)
{
	char out[EDS_NIR_LEN + 1], again[EDS_NIR_LEN + 1];
	int r = eds_nir_normalise(s, len, out);

	FUZZ_CHECK(r == reference(s, len));
	if (r != 0)
		return;
	FUZZ_CHECK(strlen(out) == EDS_NIR_LEN);
	FUZZ_CHECK(eds_nir_normalise(out, EDS_NIR_LEN, again) == 0);
	FUZZ_CHECK(strcmp(out, again) == 0);
	FUZZ_CHECK(strpbrk(out, "ab") == NULL);
}

FUZZ_TARGET(nir)
{
	const char *s = (const char *)data, *end = s + size, *e, *bar;

	while (s < end) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
			e = end;
		one(s, (size_t)(e - s));
		if ((bar = memchr(s, '|', (size_t)(e - s))) != NULL) {
			const char *t = bar;

			while (t > s && t[-1] == ' ')
				t--;
			one(s, (size_t)(t - s));
		}
		s = e + 1;
	}
	return 0;
}
