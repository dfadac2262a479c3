/*
 * schema.h: source schemas (man/eds-schema.5): how an extract from one
 * source system is laid out (separator, encoding, header) and, per column,
 * its canonical name, the header name it has in the extract, its type, input
 * date formats, whether it is required, allowed values or pattern, bounds,
 * and its role (patient_id, stay_id, direct_identifier, quasi_identifier,
 * free_text, clinical).  Loading checks everything and reports 78 with the
 * file, line and column of the problem.
 */
#ifndef EDS_SCHEMA_H
#define EDS_SCHEMA_H

#include <regex.h>
#include <stddef.h>

#include "csvread.h"
#include "eds.h"
#include "yamlconf.h"

enum eds_ctype {
	EDS_T_ID, EDS_T_NIR, EDS_T_DATE, EDS_T_DATETIME, EDS_T_INTEGER,
	EDS_T_DECIMAL, EDS_T_CODE, EDS_T_TEXT
};

enum eds_role {
	EDS_R_CLINICAL, EDS_R_PATIENT_ID, EDS_R_STAY_ID,
	EDS_R_DIRECT_IDENTIFIER, EDS_R_QUASI_IDENTIFIER, EDS_R_FREE_TEXT
};

enum eds_case { EDS_CASE_KEEP, EDS_CASE_UPPER, EDS_CASE_LOWER };

struct eds_column {
	char *name;		/* canonical (output) name */
	char *input;		/* header name in the extract */
	char *description;
	enum eds_ctype type;
	enum eds_role role;
	enum eds_case letter_case;	/* id and code */
	int required;
	char **formats;		/* date/datetime input formats */
	size_t nformats;
	char **values;		/* allowed values, after normalisation */
	size_t nvalues;
	char *pattern_src;
	regex_t pattern;	/* valid when pattern_src != NULL */
	int has_min, has_max;
	double min, max;	/* integer and decimal bounds */
	int comparators;	/* decimal: allow a leading <, >, <=, >= */
};

struct eds_schema {
	char *path;
	char *source;		/* short name, e.g. "lab" */
	char *description;
	struct eds_csv_options csv;	/* separator (0 = detect), encoding */
	int header;		/* first row names the columns */
	int drop_extra;		/* extra input columns: drop instead of error */
	struct eds_column *cols;
	size_t ncols;
	char sha256[EDS_SHA256_HEX];
};

/* Load and check a schema file; NULL with 66 or 78. */
struct eds_schema *eds_schema_load(const char *path, struct eds_error *);
void eds_schema_free(struct eds_schema *);
/* Index of the column named name, or -1. */
long eds_schema_find(const struct eds_schema *, const char *name);

/* 1 if s is a canonical column name: [a-z0-9_]+ (schemas and policies). */
int eds_column_name_valid(const char *s);
const char *eds_ctype_name(enum eds_ctype);
const char *eds_role_name(enum eds_role);
int eds_role_parse(const char *, enum eds_role *);

#endif
