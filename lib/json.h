/*
 * json.h: the little JSON the toolkit writes (--stats, the journal,
 * provenance.json) and reads back (the journal verifier): string escaping
 * into an eds_buf, and a strict reader of one value into a small tree.
 */
#ifndef EDS_JSON_H
#define EDS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Append s[0..n) as a JSON string literal; invalid UTF-8 becomes U+FFFD. */
void eds_json_string(struct eds_buf *, const char *s, size_t n);
void eds_json_str(struct eds_buf *, const char *s);	/* NULL -> null */

enum eds_jtype {
	EDS_JNULL, EDS_JBOOL, EDS_JNUM, EDS_JSTR, EDS_JARR, EDS_JOBJ
};

struct eds_jnode {
	enum eds_jtype type;
	char *str;		/* JSTR value, or JNUM text; NUL-terminated */
	size_t len;
	int b;			/* JBOOL */
	/* JARR: items[i]; JOBJ: keys[i] -> items[i] */
	char **keys;
	struct eds_jnode **items;
	size_t n;
};

/*
 * Parse exactly one JSON value from s[0..n) (surrounding white space
 * allowed), strictly: RFC 8259 grammar only, strings valid UTF-8 (no lone
 * surrogates), no duplicate keys in an object, nesting at most 32 deep.
 * Returns NULL on malformed input, with a message in why.
 */
struct eds_jnode *eds_json_parse(const char *s, size_t n, char *why,
    size_t whylen);
void eds_json_free(struct eds_jnode *);
/* Member of an object, or NULL. */
const struct eds_jnode *eds_json_get(const struct eds_jnode *, const char *);

#endif
