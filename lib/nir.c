/*
 * nir.c: NIR check-key validation (see nir.h).
 */
#include "config.h"

#include <string.h>

#include "nir.h"

int
eds_nir_key(const char *b)
{
	unsigned long long n = 0;
	int i;

	for (i = 0; i < 13; i++) {
		if (i == 5 && b[5] == '2' && (b[6] == 'A' || b[6] == 'B')) {
			/* 2A -> 19, 2B -> 18 */
			n = n * 100 + (b[6] == 'A' ? 19 : 18);
			i++;
			continue;
		}
		if (b[i] < '0' || b[i] > '9')
			return -1;
		n = n * 10 + (unsigned long long)(b[i] - '0');
	}
	return (int)(97 - n % 97);
}

int
eds_nir_normalise(const char *s, size_t len, char out[EDS_NIR_LEN + 1])
{
	size_t i, n = 0;
	int key;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ' ' || c == '.' || c == '-' || c == '\t')
			continue;
		if (n == EDS_NIR_LEN)
			return -1;
		if (c == 'a' || c == 'b')
			c = (char)(c - 'a' + 'A');
		out[n++] = c;
	}
	out[n] = '\0';
	if (n != EDS_NIR_LEN)
		return -1;
	/* Sex (or kind of number) digit: 1/2, 3/4 temporary, 7/8 NIA. */
	if (strchr("123478", out[0]) == NULL)
		return -1;
	/* Letters only as 2A/2B in positions 6-7. */
	for (i = 0; i < EDS_NIR_LEN; i++)
		if ((out[i] < '0' || out[i] > '9') &&
		    !(i == 6 && out[5] == '2' && (out[6] == 'A' || out[6] == 'B')))
			return -1;
	if ((key = eds_nir_key(out)) < 0)
		return -1;
	if (out[13] - '0' != key / 10 || out[14] - '0' != key % 10)
		return -2;
	return 0;
}
