/*
 * fuzz_json.c: the strict JSON reader (lib/json.c, used by the journal
 * verifier) and the string escaper, on any bytes.
 *
 * Invariants: a value that parses, written back out (strings through
 * eds_json_string, numbers as their text), parses again to the same tree;
 * a refusal says why.  Any bytes escaped with eds_json_string parse back
 * as one string, equal to the bytes when they are valid UTF-8.
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "encoding.h"
#include "fuzz.h"
#include "json.h"

static void
dump(struct eds_buf *b, const struct eds_jnode *j)
{
	size_t i;

	switch (j->type) {
	case EDS_JNULL:
		eds_buf_addstr(b, "null");
		break;
	case EDS_JBOOL:
		eds_buf_addstr(b, j->b ? "true" : "false");
		break;
	case EDS_JNUM:
		eds_buf_add(b, j->str, j->len);
		break;
	case EDS_JSTR:
		eds_json_string(b, j->str, j->len);
		break;
	case EDS_JARR:
		eds_buf_addch(b, '[');
		for (i = 0; i < j->n; i++) {
			if (i)
				eds_buf_addch(b, ',');
			dump(b, j->items[i]);
		}
		eds_buf_addch(b, ']');
		break;
	case EDS_JOBJ:
		eds_buf_addch(b, '{');
		for (i = 0; i < j->n; i++) {
			if (i)
				eds_buf_addch(b, ',');
			eds_json_str(b, j->keys[i]);
			eds_buf_addch(b, ':');
			dump(b, j->items[i]);
		}
		eds_buf_addch(b, '}');
		break;
	}
}

static int
same(const struct eds_jnode *a, const struct eds_jnode *b)
{
	size_t i;

	if (a->type != b->type || a->n != b->n)
		return 0;
	switch (a->type) {
	case EDS_JNULL:
		return 1;
	case EDS_JBOOL:
		return a->b == b->b;
	case EDS_JNUM:
	case EDS_JSTR:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	case EDS_JARR:
	case EDS_JOBJ:
		for (i = 0; i < a->n; i++) {
			if (a->type == EDS_JOBJ &&
			    strcmp(a->keys[i], b->keys[i]) != 0)
				return 0;
			if (!same(a->items[i], b->items[i]))
				return 0;
		}
		return 1;
	}
	return 0;
}

FUZZ_TARGET(json)
{
	struct eds_buf b = EDS_BUF_INIT;
	struct eds_jnode *j, *k;
	char why[128];

	why[0] = '\0';
	j = eds_json_parse((const char *)data, size, why, sizeof why);
	if (j == NULL)
		FUZZ_CHECK(why[0] != '\0');
	else {
		FUZZ_CHECK(j->type != EDS_JSTR || j->str[j->len] == '\0');
		dump(&b, j);
		k = eds_json_parse(b.p, b.len, why, sizeof why);
		FUZZ_CHECK(k != NULL);
		FUZZ_CHECK(same(j, k));
		eds_json_free(k);
		eds_json_free(j);
	}

	eds_buf_reset(&b);
	eds_json_string(&b, (const char *)data, size);
	j = eds_json_parse(b.p, b.len, why, sizeof why);
	FUZZ_CHECK(j != NULL && j->type == EDS_JSTR);
	FUZZ_CHECK(eds_utf8_valid(j->str, j->len));
	if (eds_utf8_valid((const char *)data, size))
		FUZZ_CHECK(j->len == size && memcmp(j->str, data, size) == 0);
	eds_json_free(j);
	eds_buf_release(&b);
	return 0;
}
