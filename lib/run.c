/*
 * run.c: the record of a run and its --stats JSON (see run.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "output.h"
#include "run.h"
#include "xmalloc.h"

void
eds_run_init(struct eds_run *r, const char *tool, const char *action)
{
	memset(r, 0, sizeof *r);
	r->tool = tool;
	r->action = xstrdup(action);
}

static void
files_release(struct eds_run_file *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(f[i].path);
	free(f);
}

void
eds_run_release(struct eds_run *r)
{
	size_t i;

	files_release(r->inputs, r->ninputs);
	files_release(r->outputs, r->noutputs);
	for (i = 0; i < r->ncounts; i++)
		free(r->counts[i].name);
	free(r->counts);
	for (i = 0; i < 2 * r->nextra; i++)
		free(r->extra[i]);
	free(r->extra);
	free(r->action);
	memset(r, 0, sizeof *r);
}

static void
file_add(struct eds_run_file **f, size_t *n, const char *path,
    const char *sha, uint64_t bytes)
{
	*f = xreallocarray(*f, *n + 1, sizeof **f);
	(*f)[*n].path = xstrdup(path);
	snprintf((*f)[*n].sha256, EDS_SHA256_HEX, "%s", sha != NULL ? sha : "");
	(*f)[*n].bytes = bytes;
	(*n)++;
}

void
eds_run_input(struct eds_run *r, const char *path, const char *sha,
    uint64_t bytes)
{
	file_add(&r->inputs, &r->ninputs, path, sha, bytes);
}

void
eds_run_output(struct eds_run *r, const char *path, const char *sha,
    uint64_t bytes)
{
	file_add(&r->outputs, &r->noutputs, path, sha, bytes);
}

static struct eds_count *
count_find(struct eds_run *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncounts; i++)
		if (strcmp(r->counts[i].name, name) == 0)
			return &r->counts[i];
	r->counts = xreallocarray(r->counts, r->ncounts + 1, sizeof *r->counts);
	r->counts[r->ncounts].name = xstrdup(name);
	r->counts[r->ncounts].value = 0;
	return &r->counts[r->ncounts++];
}

void
eds_run_count(struct eds_run *r, const char *name, uint64_t v)
{
	count_find(r, name)->value += v;
}

void
eds_run_set(struct eds_run *r, const char *name, uint64_t v)
{
	count_find(r, name)->value = v;
}

uint64_t
eds_run_get(const struct eds_run *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncounts; i++)
		if (strcmp(r->counts[i].name, name) == 0)
			return r->counts[i].value;
	return 0;
}

void
eds_run_extra(struct eds_run *r, const char *key, const char *json)
{
	r->extra = xreallocarray(r->extra, 2 * (r->nextra + 1),
	    sizeof *r->extra);
	r->extra[2 * r->nextra] = xstrdup(key);
	r->extra[2 * r->nextra + 1] = xstrdup(json);
	r->nextra++;
}

void
eds_run_counts_json(const struct eds_run *r, struct eds_buf *b)
{
	size_t i, j, plen;
	const char *dot;
	int first = 1;

	for (i = 0; i < r->ncounts; i++) {
		const char *name = r->counts[i].name;

		dot = strchr(name, '.');
		if (dot == NULL) {
			eds_buf_addstr(b, first ? "" : ",");
			eds_json_str(b, name);
			eds_buf_addf(b, ":%llu",
			    (unsigned long long)r->counts[i].value);
			first = 0;
			continue;
		}
		/* A group: write it when its first member comes up. */
		plen = (size_t)(dot - name);
		for (j = 0; j < i; j++)
			if (strncmp(r->counts[j].name, name, plen + 1) == 0)
				break;
		if (j < i)
			continue;
		eds_buf_addstr(b, first ? "" : ",");
		eds_json_string(b, name, plen);
		eds_buf_addstr(b, ":{");
		for (j = i; j < r->ncounts; j++) {
			if (strncmp(r->counts[j].name, name, plen + 1) != 0)
				continue;
			eds_buf_addstr(b, j == i ? "" : ",");
			eds_json_str(b, r->counts[j].name + plen + 1);
			eds_buf_addf(b, ":%llu",
			    (unsigned long long)r->counts[j].value);
		}
		eds_buf_addch(b, '}');
		first = 0;
	}
}

void
eds_run_files_json(struct eds_buf *b, const struct eds_run_file *f, size_t n)
{
	size_t i;

	eds_buf_addch(b, '[');
	for (i = 0; i < n; i++) {
		eds_buf_addstr(b, i ? ",{\"path\":" : "{\"path\":");
		eds_json_str(b, f[i].path);
		eds_buf_addstr(b, ",\"sha256\":");
		eds_json_str(b, f[i].sha256[0] ? f[i].sha256 : NULL);
		eds_buf_addf(b, ",\"bytes\":%llu}",
		    (unsigned long long)f[i].bytes);
	}
	eds_buf_addch(b, ']');
}

void
eds_run_stats_json(const struct eds_run *r, struct eds_buf *b)
{
	size_t i;

	eds_buf_addstr(b, "{\"tool\":");
	eds_json_str(b, r->tool);
	eds_buf_addstr(b, ",\"version\":\"" EDS_VERSION "\",\"action\":");
	eds_json_str(b, r->action);
	eds_buf_addf(b, ",\"status\":%d,", r->status);
	eds_run_counts_json(r, b);
	if (r->ncounts > 0)
		eds_buf_addch(b, ',');
	eds_buf_addstr(b, "\"inputs\":");
	eds_run_files_json(b, r->inputs, r->ninputs);
	eds_buf_addstr(b, ",\"outputs\":");
	eds_run_files_json(b, r->outputs, r->noutputs);
	eds_buf_addstr(b, ",\"config_sha256\":");
	eds_json_str(b, r->config_sha256[0] ? r->config_sha256 : NULL);
	eds_buf_addstr(b, ",\"key_id\":");
	eds_json_str(b, r->key_id[0] ? r->key_id : NULL);
	for (i = 0; i < r->nextra; i++) {
		eds_buf_addch(b, ',');
		eds_json_str(b, r->extra[2 * i]);
		eds_buf_addch(b, ':');
		eds_buf_addstr(b, r->extra[2 * i + 1]);
	}
	eds_buf_addch(b, '}');
}

int
eds_run_write_stats(const struct eds_run *r, const char *path,
    struct eds_error *err)
{
	struct eds_buf b = EDS_BUF_INIT;
	struct eds_output *o;
	int rc = -1;

	if ((o = eds_output_open(path, 0, err)) == NULL)
		return -1;
	eds_run_stats_json(r, &b);
	eds_buf_addch(&b, '\n');
	if (eds_output_write(o, b.p, b.len, err) == 0)
		rc = eds_output_commit(o, err);
	else
		eds_output_abort(o);
	eds_buf_release(&b);
	return rc;
}
