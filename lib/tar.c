/*
 * tar.c: ustar headers with fixed metadata, pax records when a path or a
 * size does not fit, and a sorted walk of a directory (see tar.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tar.h"
#include "xmalloc.h"

#define BLOCK 512
#define MAX_OCTAL11 077777777777ULL

struct eds_tar {
	struct eds_output *out;
	uint64_t mtime;
	struct eds_buf hdr;
};

static void
octal(char *field, size_t width, uint64_t v)
{
	/* width-1 digits and a NUL */
	snprintf(field, width, "%0*llo", (int)(width - 1),
	    (unsigned long long)v);
}

/* Append one pax record "LEN key=value\n" (LEN counts itself). */
static void
pax_record(struct eds_buf *b, const char *key, const char *value)
{
	size_t base = 1 + strlen(key) + 1 + strlen(value) + 1, len, digits;

	for (digits = 1; ; digits++) {
		char tmp[32];

		len = base + digits;
		if ((size_t)snprintf(tmp, sizeof tmp, "%zu", len) == digits)
			break;
	}
	eds_buf_addf(b, "%zu %s=%s\n", len, key, value);
}

static void
ustar_block(unsigned char *h, const char *name, const char *prefix,
    char type, uint64_t size, uint64_t mtime)
{
	unsigned sum = 0;
	size_t i;

	memset(h, 0, BLOCK);
	memcpy(h, name, strnlen(name, 100));
	octal((char *)h + 100, 8, type == '5' ? 0755 : 0644);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, size > MAX_OCTAL11 ? 0 : size);
	octal((char *)h + 136, 12, mtime > MAX_OCTAL11 ? MAX_OCTAL11 : mtime);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	octal((char *)h + 329, 8, 0);
	octal((char *)h + 337, 8, 0);
	if (prefix != NULL)
		memcpy(h + 345, prefix, strnlen(prefix, 155));
	for (i = 0; i < BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

int
eds_tar_header(struct eds_buf *b, const char *name, char type, uint64_t size,
    uint64_t mtime, struct eds_error *err)
{
	struct eds_buf full = EDS_BUF_INIT, pax = EDS_BUF_INIT;
	unsigned char h[BLOCK];
	char *prefix = NULL, num[32];
	const char *n, *slash;
	size_t len, pad;

	if (*name == '\0')
		return eds_error_set(err, EDS_EX_USAGE, "empty archive name");
	eds_buf_addstr(&full, name);
	if (type == '5' && full.p[full.len - 1] != '/')
		eds_buf_addch(&full, '/');
	len = full.len;
	n = full.p;
	if (len > 100) {
		/* Split at a '/' leaving at most 100 bytes of name. */
		for (slash = full.p + len - 1; slash > full.p; slash--) {
			if (*slash != '/' || slash == full.p + len - 1)
				continue;
			if ((size_t)(full.p + len - slash - 1) > 100)
				break;
			if ((size_t)(slash - full.p) <= 155) {
				prefix = xstrndup(full.p, (size_t)(slash -
				    full.p));
				n = slash + 1;
				break;
			}
		}
		if (prefix == NULL)
			pax_record(&pax, "path", full.p);
	}
	if (size > MAX_OCTAL11) {
		snprintf(num, sizeof num, "%llu", (unsigned long long)size);
		pax_record(&pax, "size", num);
	}
	if (pax.len > 0) {
		char pname[101];
		const char *base = strrchr(name, '/');

		snprintf(pname, sizeof pname, "PaxHeaders/%.80s",
		    base != NULL && base[1] != '\0' ? base + 1 : name);
		ustar_block(h, pname, NULL, 'x', pax.len, mtime);
		eds_buf_add(b, h, BLOCK);
		eds_buf_add(b, pax.p, pax.len);
		pad = (BLOCK - pax.len % BLOCK) % BLOCK;
		memset(h, 0, BLOCK);
		eds_buf_add(b, h, pad);
	}
	ustar_block(h, n, prefix, type, size, mtime);
	eds_buf_add(b, h, BLOCK);
	free(prefix);
	eds_buf_release(&full);
	eds_buf_release(&pax);
	return 0;
}

struct eds_tar *
eds_tar_new(struct eds_output *out, uint64_t mtime)
{
	struct eds_tar *t = xcalloc(1, sizeof *t);

	t->out = out;
	t->mtime = mtime;
	return t;
}

void
eds_tar_free(struct eds_tar *t)
{
	if (t == NULL)
		return;
	eds_buf_release(&t->hdr);
	free(t);
}

static int
put_header(struct eds_tar *t, const char *name, char type, uint64_t size,
    struct eds_error *err)
{
	eds_buf_reset(&t->hdr);
	if (eds_tar_header(&t->hdr, name, type, size, t->mtime, err) == -1)
		return -1;
	return eds_output_write(t->out, t->hdr.p, t->hdr.len, err);
}

static int
pad(struct eds_tar *t, uint64_t size, struct eds_error *err)
{
	static const unsigned char zero[BLOCK];
	size_t n = (size_t)((BLOCK - size % BLOCK) % BLOCK);

	return n > 0 ? eds_output_write(t->out, zero, n, err) : 0;
}

int
eds_tar_add_dir(struct eds_tar *t, const char *name, struct eds_error *err)
{
	return put_header(t, name, '5', 0, err);
}

int
eds_tar_add_buffer(struct eds_tar *t, const char *name, const void *p,
    size_t n, struct eds_error *err)
{
	if (put_header(t, name, '0', n, err) == -1 ||
	    eds_output_write(t->out, p, n, err) == -1)
		return -1;
	return pad(t, n, err);
}

int
eds_tar_add_file(struct eds_tar *t, const char *name, const char *src,
    struct eds_error *err)
{
	unsigned char buf[65536];
	struct stat st;
	uint64_t size, done = 0;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot open '%s'", src);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		eds_error_set(err, EDS_EX_NOINPUT, "'%s' is not a regular "
		    "file", src);
		goto done;
	}
	size = (uint64_t)st.st_size;
	if (put_header(t, name, '0', size, err) == -1)
		goto done;
	while (done < size) {
		size_t want = size - done < sizeof buf ? (size_t)(size - done) :
		    sizeof buf;

		n = read(fd, buf, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot read '%s'", src);
			goto done;
		}
		if (n == 0) {
			eds_error_set(err, EDS_EX_IOERR, "'%s' shrank while "
			    "being archived", src);
			goto done;
		}
		if (eds_output_write(t->out, buf, (size_t)n, err) == -1)
			goto done;
		done += (uint64_t)n;
	}
	if (read(fd, buf, 1) != 0) {
		eds_error_set(err, EDS_EX_IOERR, "'%s' grew while being "
		    "archived", src);
		goto done;
	}
	rc = pad(t, size, err);
done:
	close(fd);
	return rc;
}

int
eds_tar_finish(struct eds_tar *t, struct eds_error *err)
{
	static const unsigned char zero[2 * BLOCK];

	return eds_output_write(t->out, zero, sizeof zero, err);
}

/* --- a whole directory ------------------------------------------------------ */

struct item {
	char *rel;		/* relative to the top, "" for the top */
	int dir;
};

struct walk {
	struct item *v;
	size_t n, cap;
};

static void
push(struct walk *w, const char *rel, int dir)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->v = xreallocarray(w->v, w->cap, sizeof *w->v);
	}
	w->v[w->n].rel = xstrdup(rel);
	w->v[w->n].dir = dir;
	w->n++;
}

static int
walk(const char *top, const char *rel, struct walk *w, struct eds_error *err)
{
	char *path = *rel ? xasprintf("%s/%s", top, rel) : xstrdup(top);
	char *child, *crel;
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(path)) == NULL) {
		eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot read "
		    "directory '%s'", path);
		free(path);
		return -1;
	}
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		crel = *rel ? xasprintf("%s/%s", rel, d->d_name) :
		    xstrdup(d->d_name);
		child = xasprintf("%s/%s", path, d->d_name);
		if (lstat(child, &st) == -1)
			rc = eds_error_errno(err, EDS_EX_NOINPUT, errno,
			    "cannot stat '%s'", child);
		else if (S_ISDIR(st.st_mode)) {
			push(w, crel, 1);
			rc = walk(top, crel, w, err);
		} else if (S_ISREG(st.st_mode))
			push(w, crel, 0);
		else
			rc = eds_error_set(err, EDS_EX_DATAERR, "'%s' is not a "
			    "directory or a regular file: not archived", child);
		free(child);
		free(crel);
	}
	closedir(dp);
	free(path);
	return rc;
}

static int
cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->rel,
	    ((const struct item *)b)->rel);
}

int
eds_tar_directory(const char *dir, const char *prefix, const char *out_path,
    uint64_t mtime, int out_flags, char sha[EDS_SHA256_HEX], uint64_t *bytes,
    struct eds_error *err)
{
	struct walk w = { NULL, 0, 0 };
	struct eds_output *out = NULL;
	struct eds_tar *t = NULL;
	char *name, *src;
	size_t i;
	int rc = -1;

	if (walk(dir, "", &w, err) == -1)
		goto done;
	if (w.n > 0)
		qsort(w.v, w.n, sizeof *w.v, cmp_item);
	if ((out = eds_output_open(out_path, out_flags | EDS_OUT_GZIP,
	    err)) == NULL)
		goto done;
	t = eds_tar_new(out, mtime);
	if (eds_tar_add_dir(t, prefix, err) == -1)
		goto done;
	for (i = 0; i < w.n; i++) {
		name = xasprintf("%s/%s", prefix, w.v[i].rel);
		src = xasprintf("%s/%s", dir, w.v[i].rel);
		rc = w.v[i].dir ? eds_tar_add_dir(t, name, err) :
		    eds_tar_add_file(t, name, src, err);
		free(name);
		free(src);
		if (rc == -1)
			goto done;
		rc = -1;
	}
	if (eds_tar_finish(t, err) == -1)
		goto done;
	rc = eds_output_commit_sha(out, sha, bytes, err);
	out = NULL;
done:
	eds_output_abort(out);
	eds_tar_free(t);
	for (i = 0; i < w.n; i++)
		free(w.v[i].rel);
	free(w.v);
	return rc;
}
