/*
 * yamlconf.h: the YAML loader every configuration file goes through
 * (schemas, policies, consent settings, project specifications).  It reads
 * the file whole (at most 1 MiB), parses it with libyaml into a small tree
 * of scalars, sequences and mappings that remember their line and column,
 * and computes the file's SHA-256 for provenance.  Aliases, duplicate keys
 * and several documents are refused.  Every error is 78 (bad configuration)
 * and reads "file:line:column: message".
 */
#ifndef EDS_YAMLCONF_H
#define EDS_YAMLCONF_H

#include <stddef.h>

#include "digest.h"
#include "eds.h"

enum eds_ytype {
	EDS_YSCALAR,
	EDS_YSEQ,
	EDS_YMAP
};

struct eds_ynode {
	enum eds_ytype type;
	char *str;		/* scalar value (NUL-terminated) */
	size_t len;
	int plain;		/* scalar was unquoted */
	unsigned long line;	/* 1-based */
	unsigned long column;	/* 1-based */
	/* Sequence: items[i].  Mapping: items[2i] key, items[2i+1] value. */
	struct eds_ynode **items;
	size_t n;
};

struct eds_yaml {
	char *path;
	struct eds_ynode *root;	/* NULL for an empty document */
	char sha256[EDS_SHA256_HEX];
};

#define EDS_YAML_MAX_SIZE (1024 * 1024)

/* Load path; 66 if it cannot be read, 78 if it is not valid YAML. */
struct eds_yaml *eds_yaml_load(const char *path, struct eds_error *);
/* Parse a string; name is used in messages. */
struct eds_yaml *eds_yaml_parse(const char *name, const char *text,
    size_t len, struct eds_error *);
void eds_yaml_free(struct eds_yaml *);

/* Entries of a mapping. */
static inline size_t
eds_ymap_len(const struct eds_ynode *m)
{
	return m->n / 2;
}
static inline const struct eds_ynode *
eds_ymap_key(const struct eds_ynode *m, size_t i)
{
	return m->items[2 * i];
}
static inline const struct eds_ynode *
eds_ymap_value(const struct eds_ynode *m, size_t i)
{
	return m->items[2 * i + 1];
}

/* The value of key in mapping m, or NULL. */
const struct eds_ynode *eds_yaml_get(const struct eds_ynode *m,
    const char *key);

/* Fail with 78 at node's position (or at the file if node is NULL). */
int eds_yaml_error(const struct eds_yaml *, const struct eds_ynode *,
    struct eds_error *, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Require a mapping whose keys are all in the NULL-terminated list. */
int eds_yaml_check_map(const struct eds_yaml *, const struct eds_ynode *,
    const char *what, const char *const *allowed, struct eds_error *);
/* Require a key in a mapping; its value in *out. */
int eds_yaml_require(const struct eds_yaml *, const struct eds_ynode *m,
    const char *key, const struct eds_ynode **out, struct eds_error *);

/* Typed scalars.  A NULL node leaves *out unchanged and succeeds. */
int eds_yaml_str(const struct eds_yaml *, const struct eds_ynode *,
    const char **out, struct eds_error *);
int eds_yaml_bool(const struct eds_yaml *, const struct eds_ynode *,
    int *out, struct eds_error *);
int eds_yaml_long(const struct eds_yaml *, const struct eds_ynode *,
    long min, long max, long *out, struct eds_error *);
int eds_yaml_double(const struct eds_yaml *, const struct eds_ynode *,
    double *out, struct eds_error *);
/* One of a NULL-terminated list of words; its index in *out. */
int eds_yaml_enum(const struct eds_yaml *, const struct eds_ynode *,
    const char *const *words, int *out, struct eds_error *);

/* Items of a list; a lone value counts as a list of one, NULL as none. */
static inline size_t
eds_yseq_len(const struct eds_ynode *n)
{
	return n == NULL ? 0 : n->type == EDS_YSEQ ? n->n : 1;
}
static inline const struct eds_ynode *
eds_yseq_item(const struct eds_ynode *n, size_t i)
{
	return n->type == EDS_YSEQ ? n->items[i] : n;
}

/* Read a whole (small) file into memory; 66 if unreadable, 78 if too big. */
int eds_read_small_file(const char *path, size_t max, char **out,
    size_t *len, struct eds_error *);

#endif
