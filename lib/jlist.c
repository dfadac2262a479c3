/*
 * jlist.c: selecting and formatting journal records (see jlist.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jlist.h"
#include "xmalloc.h"

static const char *
str(const struct eds_jnode *o, const char *key)
{
	const struct eds_jnode *n = eds_json_get(o, key);

	return n != NULL && n->type == EDS_JSTR ? n->str : NULL;
}

const char *
eds_jlist_project(const struct eds_jnode *r)
{
	const struct eds_jnode *p = eds_json_get(r, "project");

	if (p == NULL)
		return NULL;
	if (p->type == EDS_JSTR)
		return p->str;
	if (p->type == EDS_JOBJ)
		return str(p, "id");
	return NULL;
}

/* Text of a scalar without tabs or newlines (they would break columns). */
static void
cell(struct eds_buf *b, const char *s)
{
	if (s == NULL || *s == '\0') {
		eds_buf_addch(b, '-');
		return;
	}
	for (; *s != '\0'; s++)
		eds_buf_addch(b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' :
		    *s);
}

static void
counts(struct eds_buf *b, const struct eds_jnode *o, const char *prefix,
    int *first)
{
	size_t i;
	char *name;

	for (i = 0; i < o->n; i++) {
		name = prefix != NULL ? NULL : o->keys[i];
		if (prefix != NULL)
			name = xasprintf("%s.%s", prefix, o->keys[i]);
		if (o->items[i]->type == EDS_JOBJ)
			counts(b, o->items[i], name, first);
		else if (o->items[i]->type == EDS_JNUM) {
			if (!*first)
				eds_buf_addch(b, ' ');
			*first = 0;
			cell(b, name);
			eds_buf_addch(b, '=');
			cell(b, o->items[i]->str);
		}
		if (prefix != NULL)
			free(name);
	}
}

void
eds_jlist_row(struct eds_buf *b, const struct eds_jnode *r)
{
	const struct eds_jnode *n, *f;
	size_t i;
	int first = 1;

	n = eds_json_get(r, "seq");
	cell(b, n != NULL && n->type == EDS_JNUM ? n->str : NULL);
	eds_buf_addch(b, '\t');
	cell(b, str(r, "time"));
	eds_buf_addch(b, '\t');
	cell(b, eds_jlist_project(r));
	eds_buf_addch(b, '\t');
	n = eds_json_get(r, "status");
	cell(b, n != NULL && n->type == EDS_JNUM ? n->str : NULL);
	eds_buf_addch(b, '\t');
	n = eds_json_get(r, "outputs");
	if (n != NULL && n->type == EDS_JARR && n->n > 0) {
		for (i = 0; i < n->n; i++) {
			f = n->items[i];
			if (i > 0)
				eds_buf_addstr(b, ", ");
			cell(b, str(f, "path"));
			if (str(f, "sha256") != NULL)
				eds_buf_addf(b, " sha256:%.16s",
				    str(f, "sha256"));
		}
	} else
		eds_buf_addch(b, '-');
	eds_buf_addch(b, '\t');
	n = eds_json_get(r, "counts");
	if (n != NULL && n->type == EDS_JOBJ && n->n > 0)
		counts(b, n, NULL, &first);
	if (first)
		eds_buf_addch(b, '-');
}

int
eds_jlist(const char *path, const char *project, int flags, eds_jlist_fn fn,
    void *ctx, struct eds_error *err)
{
	struct eds_buf row = EDS_BUF_INIT;
	struct eds_jnode *j;
	const char *tool, *action, *p;
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "re")) == NULL)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot open journal '%s'", path);
	while (rc == 0 && (n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		j = eds_json_parse(line, (size_t)n, NULL, 0);
		if (j == NULL || j->type != EDS_JOBJ) {
			eds_json_free(j);
			continue;
		}
		tool = str(j, "tool");
		action = str(j, "action");
		p = eds_jlist_project(j);
		if ((!(flags & EDS_JLIST_ALL) && (tool == NULL || action ==
		    NULL || strcmp(tool, "eds-export") != 0 ||
		    (strcmp(action, "export") != 0 &&
		    strcmp(action, "merge") != 0))) ||
		    (project != NULL && (p == NULL || strcmp(p, project) != 0))) {
			eds_json_free(j);
			continue;
		}
		eds_buf_reset(&row);
		eds_jlist_row(&row, j);
		rc = fn(ctx, lineno, j, row.p);
		eds_json_free(j);
	}
	if (rc == 0 && ferror(f))
		rc = eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot read journal '%s'", path);
	free(line);
	fclose(f);
	eds_buf_release(&row);
	return rc;
}
