/*
 * yamlconf.c: libyaml event loop building the eds_ynode tree (see
 * yamlconf.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "buf.h"
#include "xmalloc.h"
#include "yamlconf.h"

#define MAX_DEPTH 64

static struct eds_ynode *
node_new(enum eds_ytype t, const yaml_mark_t *m)
{
	struct eds_ynode *n = xcalloc(1, sizeof *n);

	n->type = t;
	n->line = m->line + 1;
	n->column = m->column + 1;
	return n;
}

static void
node_free(struct eds_ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		node_free(n->items[i]);
	free(n->items);
	free(n->str);
	free(n);
}

static void
node_add(struct eds_ynode *parent, struct eds_ynode *child)
{
	parent->items = xreallocarray(parent->items, parent->n + 1,
	    sizeof *parent->items);
	parent->items[parent->n++] = child;
}

/* The second of two equal keys in a mapping, or NULL. */
static struct eds_ynode *
duplicate_key(const struct eds_ynode *m)
{
	size_t i, j;

	for (i = 0; i < m->n; i += 2)
		for (j = i + 2; j < m->n; j += 2)
			if (strcmp(m->items[i]->str, m->items[j]->str) == 0)
				return m->items[j];
	return NULL;
}

int
eds_read_small_file(const char *path, size_t max, char **out, size_t *len,
    struct eds_error *err)
{
	struct stat st;
	struct eds_buf b = EDS_BUF_INIT;
	char tmp[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot open '%s'", path);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return eds_error_set(err, EDS_EX_NOINPUT,
		    "cannot read '%s': Is a directory", path);
	}
	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int e = errno;

			close(fd);
			eds_buf_release(&b);
			return eds_error_errno(err, EDS_EX_NOINPUT, e,
			    "cannot read '%s'", path);
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			close(fd);
			eds_buf_release(&b);
			return eds_error_at(err, EDS_EX_CONFIG, path, 0, 0,
			    "file is larger than %zu bytes", max);
		}
		eds_buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	if (b.p == NULL)
		eds_buf_add(&b, "", 0);
	*out = b.p;
	*len = b.len;
	return 0;
}

struct eds_yaml *
eds_yaml_load(const char *path, struct eds_error *err)
{
	struct eds_yaml *y;
	char *text;
	size_t len;

	if (eds_read_small_file(path, EDS_YAML_MAX_SIZE, &text, &len, err) == -1)
		return NULL;
	y = eds_yaml_parse(path, text, len, err);
	free(text);
	return y;
}

struct eds_yaml *
eds_yaml_parse(const char *name, const char *text, size_t len,
    struct eds_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct eds_yaml *y;
	struct eds_ynode *stack[MAX_DEPTH], *node, *dup;
	unsigned char md[EDS_SHA256_LEN];
	int depth = 0, done = 0, docs = 0;

	y = xcalloc(1, sizeof *y);
	y->path = xstrdup(name);
	eds_sha256(text, len, md);
	eds_hex(md, sizeof md, y->sha256);

	if (!yaml_parser_initialize(&parser)) {
		eds_error_set(err, EDS_EX_SOFTWARE, "cannot initialise libyaml");
		eds_yaml_free(y);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.context != NULL)
				eds_error_at(err, EDS_EX_CONFIG, name,
				    parser.problem_mark.line + 1,
				    parser.problem_mark.column + 1, "%s %s",
				    parser.problem, parser.context);
			else
				eds_error_at(err, EDS_EX_CONFIG, name,
				    parser.problem_mark.line + 1,
				    parser.problem_mark.column + 1, "%s",
				    parser.problem != NULL ? parser.problem :
				    "invalid YAML");
			goto fail;
		}
		node = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				eds_error_at(err, EDS_EX_CONFIG, name,
				    ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "only one YAML document is allowed");
				goto fail_event;
			}
			break;
		case YAML_ALIAS_EVENT:
			eds_error_at(err, EDS_EX_CONFIG, name,
			    ev.start_mark.line + 1, ev.start_mark.column + 1,
			    "YAML aliases are not supported");
			goto fail_event;
		case YAML_SCALAR_EVENT:
			/*
			 * A "\0" escape would cut the value short for every
			 * string function: what is read would not be what
			 * the file says.
			 */
			if (memchr(ev.data.scalar.value, '\0',
			    ev.data.scalar.length) != NULL) {
				eds_error_at(err, EDS_EX_CONFIG, name,
				    ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "a value contains a NUL character");
				goto fail_event;
			}
			node = node_new(EDS_YSCALAR, &ev.start_mark);
			node->str = xstrndup((const char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			node->len = ev.data.scalar.length;
			node->plain = ev.data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == MAX_DEPTH) {
				eds_error_at(err, EDS_EX_CONFIG, name,
				    ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "nested deeper than %d levels", MAX_DEPTH);
				goto fail_event;
			}
			node = node_new(ev.type == YAML_SEQUENCE_START_EVENT ?
			    EDS_YSEQ : EDS_YMAP, &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			node = stack[--depth];
			if (node->type == EDS_YMAP &&
			    (dup = duplicate_key(node)) != NULL) {
				eds_error_at(err, EDS_EX_CONFIG, name,
				    dup->line, dup->column,
				    "duplicate key '%s'", dup->str);
				node_free(node);
				goto fail_event;
			}
			break;
		default:
			break;
		}
		if (node != NULL) {
			int opening = ev.type == YAML_SEQUENCE_START_EVENT ||
			    ev.type == YAML_MAPPING_START_EVENT;

			if (!opening) {
				if (depth == 0)
					y->root = node;
				else {
					struct eds_ynode *top = stack[depth - 1];

					if (top->type == EDS_YMAP &&
					    top->n % 2 == 0 &&
					    node->type != EDS_YSCALAR) {
						eds_error_at(err, EDS_EX_CONFIG,
						    name, node->line,
						    node->column, "a mapping key "
						    "must be a plain value");
						node_free(node);
						goto fail_event;
					}
					node_add(top, node);
				}
			} else
				stack[depth++] = node;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return y;

fail_event:
	yaml_event_delete(&ev);
fail:
	/* Free the partial tree: everything still on the stack. */
	while (depth > 0) {
		node = stack[--depth];
		if (depth > 0)
			node_add(stack[depth - 1], node);
		else
			node_free(node);
	}
	yaml_parser_delete(&parser);
	eds_yaml_free(y);
	return NULL;
}

void
eds_yaml_free(struct eds_yaml *y)
{
	if (y == NULL)
		return;
	node_free(y->root);
	free(y->path);
	free(y);
}

const struct eds_ynode *
eds_yaml_get(const struct eds_ynode *m, const char *key)
{
	size_t i;

	if (m == NULL || m->type != EDS_YMAP)
		return NULL;
	for (i = 0; i + 1 < m->n; i += 2)
		if (strcmp(m->items[i]->str, key) == 0)
			return m->items[i + 1];
	return NULL;
}

int
eds_yaml_error(const struct eds_yaml *y, const struct eds_ynode *n,
    struct eds_error *err, const char *fmt, ...)
{
	va_list ap;
	char msg[sizeof err->msg];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return eds_error_at(err, EDS_EX_CONFIG, y->path,
	    n != NULL ? n->line : 0, n != NULL ? n->column : 0, "%s", msg);
}

static const char *
type_name(enum eds_ytype t)
{
	return t == EDS_YMAP ? "a mapping" : t == EDS_YSEQ ? "a list" :
	    "a value";
}

int
eds_yaml_check_map(const struct eds_yaml *y, const struct eds_ynode *m,
    const char *what, const char *const *allowed, struct eds_error *err)
{
	struct eds_buf list = EDS_BUF_INIT;
	size_t i, j;

	if (m == NULL || m->type != EDS_YMAP)
		return eds_yaml_error(y, m, err, "%s must be a mapping, not %s",
		    what, m != NULL ? type_name(m->type) : "empty");
	for (i = 0; i + 1 < m->n; i += 2) {
		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(m->items[i]->str, allowed[j]) == 0)
				break;
		if (allowed[j] != NULL)
			continue;
		for (j = 0; allowed[j] != NULL; j++)
			eds_buf_addf(&list, "%s%s", j ? ", " : "", allowed[j]);
		eds_yaml_error(y, m->items[i], err,
		    "unknown key '%s' in %s (expected one of: %s)",
		    m->items[i]->str, what, list.p != NULL ? list.p : "");
		eds_buf_release(&list);
		return -1;
	}
	return 0;
}

int
eds_yaml_require(const struct eds_yaml *y, const struct eds_ynode *m,
    const char *key, const struct eds_ynode **out, struct eds_error *err)
{
	if ((*out = eds_yaml_get(m, key)) == NULL)
		return eds_yaml_error(y, m, err, "missing required key '%s'",
		    key);
	return 0;
}

int
eds_yaml_str(const struct eds_yaml *y, const struct eds_ynode *n,
    const char **out, struct eds_error *err)
{
	if (n == NULL)
		return 0;
	if (n->type != EDS_YSCALAR)
		return eds_yaml_error(y, n, err, "expected a value, found %s",
		    type_name(n->type));
	*out = n->str;
	return 0;
}

int
eds_yaml_bool(const struct eds_yaml *y, const struct eds_ynode *n, int *out,
    struct eds_error *err)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	int i;

	if (n == NULL)
		return 0;
	if (n->type != EDS_YSCALAR)
		return eds_yaml_error(y, n, err,
		    "expected true or false, found %s", type_name(n->type));
	for (i = 0; yes[i] != NULL; i++) {
		if (strcmp(n->str, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(n->str, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return eds_yaml_error(y, n, err, "expected true or false, found '%s'",
	    n->str);
}

int
eds_yaml_long(const struct eds_yaml *y, const struct eds_ynode *n, long min,
    long max, long *out, struct eds_error *err)
{
	char *end;
	long v;

	if (n == NULL)
		return 0;
	if (n->type != EDS_YSCALAR)
		return eds_yaml_error(y, n, err, "expected a number, found %s",
		    type_name(n->type));
	errno = 0;
	v = strtol(n->str, &end, 10);
	if (n->len == 0 || *end != '\0' || errno != 0)
		return eds_yaml_error(y, n, err,
		    "expected a whole number, found '%s'", n->str);
	if (v < min || v > max)
		return eds_yaml_error(y, n, err,
		    "%ld is out of range (%ld to %ld)", v, min, max);
	*out = v;
	return 0;
}

int
eds_yaml_double(const struct eds_yaml *y, const struct eds_ynode *n,
    double *out, struct eds_error *err)
{
	char *end;
	double v;

	if (n == NULL)
		return 0;
	if (n->type != EDS_YSCALAR)
		return eds_yaml_error(y, n, err, "expected a number, found %s",
		    type_name(n->type));
	errno = 0;
	v = strtod(n->str, &end);
	if (n->len == 0 || *end != '\0' || errno != 0 || !isfinite(v))
		return eds_yaml_error(y, n, err,
		    "expected a number, found '%s'", n->str);
	*out = v;
	return 0;
}

int
eds_yaml_enum(const struct eds_yaml *y, const struct eds_ynode *n,
    const char *const *words, int *out, struct eds_error *err)
{
	struct eds_buf list = EDS_BUF_INIT;
	int i;

	if (n == NULL)
		return 0;
	if (n->type == EDS_YSCALAR)
		for (i = 0; words[i] != NULL; i++)
			if (strcmp(n->str, words[i]) == 0) {
				*out = i;
				return 0;
			}
	for (i = 0; words[i] != NULL; i++)
		eds_buf_addf(&list, "%s%s", i ? ", " : "", words[i]);
	eds_yaml_error(y, n, err, "expected one of %s, found %s%s%s",
	    list.p, n->type == EDS_YSCALAR ? "'" : "",
	    n->type == EDS_YSCALAR ? n->str : type_name(n->type),
	    n->type == EDS_YSCALAR ? "'" : "");
	eds_buf_release(&list);
	return -1;
}
