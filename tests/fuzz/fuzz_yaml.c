/*
 * fuzz_yaml.c: the YAML loader every configuration file goes through
 * (lib/yamlconf.c over libyaml), on any text, and the typed accessors on
 * whatever tree comes out.  Invariants: a refusal is 78 at a position;
 * every node has a 1-based position; a scalar is NUL-terminated and its
 * length is that of its text; a mapping has a key (a scalar) for every
 * value; the same key does not appear twice in a mapping.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "yamlconf.h"

static const char *const words[] = { "a", "b", "true", NULL };

static void
walk(const struct eds_yaml *y, const struct eds_ynode *n, int depth)
{
	struct eds_error err;
	const char *s;
	size_t i, j;
	long l;
	double d;
	int b;

	FUZZ_CHECK(depth < 1000);
	FUZZ_CHECK(n->line >= 1 && n->column >= 1);
	switch (n->type) {
	case EDS_YSCALAR:
		FUZZ_CHECK(n->str != NULL && n->str[n->len] == '\0');
		FUZZ_CHECK(strlen(n->str) == n->len);
		FUZZ_CHECK(n->n == 0);
		s = NULL;
		FUZZ_CHECK(eds_yaml_str(y, n, &s, &err) == 0 && s == n->str);
		(void)eds_yaml_bool(y, n, &b, &err);
		(void)eds_yaml_long(y, n, -100, 100, &l, &err);
		(void)eds_yaml_double(y, n, &d, &err);
		(void)eds_yaml_enum(y, n, words, &b, &err);
		return;
	case EDS_YSEQ:
		for (i = 0; i < n->n; i++)
			walk(y, n->items[i], depth + 1);
		FUZZ_CHECK(eds_yaml_str(y, n, &s, &err) == -1 &&
		    err.status == EDS_EX_CONFIG);
		break;
	case EDS_YMAP:
		FUZZ_CHECK(n->n % 2 == 0);
		for (i = 0; i < eds_ymap_len(n); i++) {
			const struct eds_ynode *k = eds_ymap_key(n, i);

			FUZZ_CHECK(k->type == EDS_YSCALAR);
			for (j = 0; j < i; j++)
				FUZZ_CHECK(strcmp(eds_ymap_key(n, j)->str,
				    k->str) != 0);
			FUZZ_CHECK(eds_yaml_get(n, k->str) ==
			    eds_ymap_value(n, i));
			walk(y, k, depth + 1);
			walk(y, eds_ymap_value(n, i), depth + 1);
		}
		(void)eds_yaml_check_map(y, n, "a test", words, &err);
		break;
	}
	for (i = 0; i < eds_yseq_len(n); i++)
		FUZZ_CHECK(eds_yseq_item(n, i) != NULL);
	(void)eds_yaml_bool(y, n, &b, &err);
	(void)eds_yaml_enum(y, n, words, &b, &err);
}

FUZZ_TARGET(yaml)
{
	struct eds_yaml *y;
	struct eds_error err;

	eds_error_clear(&err);
	y = eds_yaml_parse("fuzz.yaml", (const char *)data, size, &err);
	if (y == NULL) {
		FUZZ_CHECK(err.status == EDS_EX_CONFIG);
		FUZZ_CHECK(strcmp(err.file, "fuzz.yaml") == 0);
		FUZZ_CHECK(err.msg[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(strlen(y->sha256) == 64);
	if (y->root != NULL)
		walk(y, y->root, 0);
	eds_yaml_free(y);
	return 0;
}
