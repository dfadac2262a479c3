/*
 * fuzz_schema.c: the source-schema loader (lib/schema.c over
 * lib/yamlconf.c) on any file.  A schema that loads must be usable: every
 * column has a name and a header name, finding a column by its name gives
 * back that column.  A refusal is 78 (or 66) with a message.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "schema.h"

FUZZ_TARGET(schema)
{
	const char *path = fuzz_file("schema.yaml", data, size);
	struct eds_schema *s;
	struct eds_error err;
	size_t i;

	eds_error_clear(&err);
	if ((s = eds_schema_load(path, &err)) == NULL) {
		FUZZ_CHECK(err.status == EDS_EX_CONFIG ||
		    err.status == EDS_EX_NOINPUT);
		FUZZ_CHECK(err.msg[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(s->ncols > 0 && s->source != NULL);
	for (i = 0; i < s->ncols; i++) {
		const struct eds_column *c = &s->cols[i];

		FUZZ_CHECK(c->name != NULL && *c->name != '\0');
		FUZZ_CHECK(c->input != NULL);
		FUZZ_CHECK(eds_schema_find(s, c->name) == (long)i);
		FUZZ_CHECK(eds_ctype_name(c->type) != NULL);
		FUZZ_CHECK(eds_role_name(c->role) != NULL);
	}
	eds_schema_free(s);
	return 0;
}
