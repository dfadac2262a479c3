/*
 * nir.h: the French NIR (social-security number, DESIGN section 8):
 * 13 characters (digits, with 2A or 2B for Corsica in positions 6-7) and a
 * two-digit key 97 - (N mod 97), 2A counting as 19 and 2B as 18.  Display
 * separators (spaces, dots, hyphens) are removed and a lower-case 2a/2b is
 * folded to upper case before checking: the key still guards the number.
 */
#ifndef EDS_NIR_H
#define EDS_NIR_H

#include <stddef.h>

#define EDS_NIR_LEN 15

/*
 * Check s[0..len); on success write the compact upper-case 15-character
 * form and a NUL into out[16] and return 0.  Returns -1 for a malformed
 * number, -2 for a well-formed number whose key does not match.
 */
int eds_nir_normalise(const char *s, size_t len, char out[EDS_NIR_LEN + 1]);
/* The key of a 13-character NIR body, or -1 if the body is malformed. */
int eds_nir_key(const char *body);

#endif
