/*
 * bagverify.c: BagIt validation (see bagverify.h).  The order follows the
 * RFC's definitions: bagit.txt, then the structure (data/, manifests),
 * then the tag files are parsed into sorted entry lists, the payload
 * directory is walked into a sorted file list, and the two are merged to
 * find files missing on either side.  Each payload file is then read once
 * with one EVP context per payload algorithm; tag files likewise for the
 * tag manifests.  Every problem is reported and counted; the first error
 * is also left in the caller's eds_error.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bagit.h"
#include "bagverify.h"
#include "encoding.h"
#include "xmalloc.h"

#define MAX_TAG_FILE (256 * 1024 * 1024)
#define MAX_ALGS 8

enum tenc { ENC_UTF8, ENC_ASCII, ENC_LATIN1, ENC_UTF16, ENC_UTF16LE,
    ENC_UTF16BE };

struct entry {
	char *path;		/* decoded, normalised */
	char *hex;		/* lower case */
	unsigned long line;
	int found;
};

struct manifest {
	char *file;		/* "manifest-sha256.txt" */
	char alg[16];
	const EVP_MD *md;	/* NULL: unsupported, skipped */
	int tag;
	struct entry *e;
	size_t n;
};

struct dfile {
	char *path;		/* "data/x.csv" */
	uint64_t size;
};

struct fetch {
	char *path;
	unsigned long line;
};

struct ctx {
	const char *root;
	const struct eds_bagv_options *o;
	struct eds_bagv_result *res;
	struct eds_error *err;
	int have_err;
	int major, minor;
	enum tenc enc;
	struct manifest *m;
	size_t nm;
	struct dfile *files;	/* payload files on disk */
	size_t nfiles, capfiles;
	struct dfile *tags;	/* tag files on disk */
	size_t ntags, captags;
	struct fetch *fetch;
	size_t nfetch;
	char *oxum;
	int eds;
	int eds_sig_declared;
};

static void __attribute__((format(printf, 5, 6)))
problem(struct ctx *c, enum eds_bagv_severity sev, const char *file,
    unsigned long line, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (sev == EDS_BAGV_ERROR) {
		c->res->errors++;
		if (!c->have_err) {
			char full[512];

			snprintf(full, sizeof full, "%s%s%s", c->root,
			    *file ? "/" : "", file);
			eds_error_at(c->err, EDS_EX_DATAERR, full, line, 0,
			    "%s", msg);
			c->have_err = 1;
		}
	} else
		c->res->warnings++;
	if (c->o->report != NULL)
		c->o->report(c->o->ctx, sev, file, line, msg);
}

#define ERR(c, f, l, ...) problem(c, EDS_BAGV_ERROR, f, l, __VA_ARGS__)
#define WARN(c, f, l, ...) problem(c, EDS_BAGV_WARNING, f, l, __VA_ARGS__)

static char *
bag_path(const struct ctx *c, const char *rel)
{
	return xasprintf("%s/%s", c->root, rel);
}

/*
 * Read a whole file.  NULL with errno set if it cannot (ENOENT when
 * missing, EFBIG when larger than MAX_TAG_FILE).
 */
static char *
read_all(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_TAG_FILE) {
		e = S_ISREG(st.st_mode) ? EFBIG : EISDIR;
		close(fd);
		errno = e;
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	for (;;) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			e = errno;
			close(fd);
			free(buf);
			errno = e;
			return NULL;
		}
		if (n == 0 || (got += (size_t)n) == (size_t)st.st_size)
			break;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* --- tag file decoding -------------------------------------------------------- */

static void
put_utf8(struct eds_buf *b, unsigned cp)
{
	if (cp < 0x80)
		eds_buf_addch(b, (char)cp);
	else if (cp < 0x800) {
		eds_buf_addch(b, (char)(0xC0 | cp >> 6));
		eds_buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		eds_buf_addch(b, (char)(0xE0 | cp >> 12));
		eds_buf_addch(b, (char)(0x80 | (cp >> 6 & 0x3F)));
		eds_buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		eds_buf_addch(b, (char)(0xF0 | cp >> 18));
		eds_buf_addch(b, (char)(0x80 | (cp >> 12 & 0x3F)));
		eds_buf_addch(b, (char)(0x80 | (cp >> 6 & 0x3F)));
		eds_buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	}
}

static int
utf16_to_utf8(const unsigned char *s, size_t n, int be, struct eds_buf *b)
{
	size_t i;
	unsigned u, lo;

	if (n % 2 != 0)
		return -1;
	for (i = 0; i < n; i += 2) {
		u = be ? (unsigned)(s[i] << 8 | s[i + 1]) :
		    (unsigned)(s[i + 1] << 8 | s[i]);
		if (u >= 0xD800 && u < 0xDC00) {
			if (i + 3 >= n)
				return -1;
			i += 2;
			lo = be ? (unsigned)(s[i] << 8 | s[i + 1]) :
			    (unsigned)(s[i + 1] << 8 | s[i]);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return -1;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
		} else if (u >= 0xDC00 && u < 0xE000)
			return -1;
		if (u == 0)
			return -1;
		put_utf8(b, u);
	}
	return 0;
}

/*
 * Read tag file rel and decode it to UTF-8 into out.  Returns 0, 1 if the
 * file is missing (nothing reported), -1 after reporting an error.
 */
static int
read_tag(struct ctx *c, const char *rel, struct eds_buf *out)
{
	char *path = bag_path(c, rel), *raw;
	const unsigned char *u;
	size_t len, skip = 0;
	int be = 1, rc = 0;

	eds_buf_reset(out);
	raw = read_all(path, &len);
	free(path);
	if (raw == NULL) {
		if (errno == ENOENT)
			return 1;
		ERR(c, rel, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	u = (const unsigned char *)raw;
	switch (c->enc) {
	case ENC_UTF8:
	case ENC_ASCII:
		if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
			WARN(c, rel, 1, "starts with a byte-order mark, which "
			    "BagIt does not allow in UTF-8 tag files");
			skip = 3;
		}
		if (memchr(raw, '\0', len) != NULL ||
		    !eds_utf8_valid(raw + skip, len - skip) ||
		    (c->enc == ENC_ASCII && !eds_is_ascii(raw + skip,
		    len - skip))) {
			ERR(c, rel, 0, "is not valid %s",
			    c->enc == ENC_ASCII ? "US-ASCII" : "UTF-8");
			rc = -1;
			break;
		}
		eds_buf_add(out, raw + skip, len - skip);
		break;
	case ENC_LATIN1:
		if (memchr(raw, '\0', len) != NULL) {
			ERR(c, rel, 0, "contains a NUL byte");
			rc = -1;
			break;
		}
		eds_buf_grow(out, 3 * len + 1);
		out->len = eds_to_utf8(EDS_ENC_LATIN1, raw, len, out->p);
		out->p[out->len] = '\0';
		break;
	case ENC_UTF16:
	case ENC_UTF16LE:
	case ENC_UTF16BE:
		be = c->enc != ENC_UTF16LE;
		if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
			be = 0;
			skip = 2;
		} else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
			be = 1;
			skip = 2;
		}
		eds_buf_add(out, "", 0);
		if (utf16_to_utf8(u + skip, len - skip, be, out) == -1) {
			ERR(c, rel, 0, "is not valid UTF-16");
			rc = -1;
		}
		break;
	}
	free(raw);
	return rc;
}

/*
 * The next line of text (LF, CR or CRLF ends it) at *pos: sets *line and
 * *len, returns 0, or -1 at the end.  A final line without its end counts.
 */
static int
next_line(const char *s, size_t n, size_t *pos, const char **line,
    size_t *len)
{
	size_t i = *pos;

	if (i >= n)
		return -1;
	while (i < n && s[i] != '\n' && s[i] != '\r')
		i++;
	*line = s + *pos;
	*len = i - *pos;
	if (i < n && s[i] == '\r') {
		i++;
		if (i < n && s[i] == '\n')
			i++;
	} else if (i < n)
		i++;
	*pos = i;
	return 0;
}

/* --- bagit.txt ----------------------------------------------------------------- */

static int
parse_encoding(const char *name, enum tenc *e)
{
	if (strcasecmp(name, "UTF-8") == 0 || strcasecmp(name, "UTF8") == 0)
		*e = ENC_UTF8;
	else if (strcasecmp(name, "US-ASCII") == 0 ||
	    strcasecmp(name, "ASCII") == 0)
		*e = ENC_ASCII;
	else if (strcasecmp(name, "ISO-8859-1") == 0 ||
	    strcasecmp(name, "ISO_8859-1") == 0 ||
	    strcasecmp(name, "LATIN1") == 0 ||
	    strcasecmp(name, "LATIN-1") == 0)
		*e = ENC_LATIN1;
	else if (strcasecmp(name, "UTF-16") == 0)
		*e = ENC_UTF16;
	else if (strcasecmp(name, "UTF-16LE") == 0)
		*e = ENC_UTF16LE;
	else if (strcasecmp(name, "UTF-16BE") == 0)
		*e = ENC_UTF16BE;
	else
		return -1;
	return 0;
}

static int
check_bagit_txt(struct ctx *c)
{
	static const char vlabel[] = "BagIt-Version: ";
	static const char elabel[] = "Tag-File-Character-Encoding: ";
	char *path = bag_path(c, "bagit.txt"), *raw, *v;
	const char *line;
	size_t len, pos = 0, ll;
	unsigned long n = 0;
	int ok = 1;

	raw = read_all(path, &len);
	free(path);
	if (raw == NULL) {
		if (errno == ENOENT)
			ERR(c, "bagit.txt", 0, "is missing: this is not a bag");
		else
			ERR(c, "bagit.txt", 0, "cannot read: %s",
			    strerror(errno));
		return -1;
	}
	if (len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0) {
		ERR(c, "bagit.txt", 1, "starts with a byte-order mark, which "
		    "BagIt forbids");
		free(raw);
		return -1;
	}
	while (next_line(raw, len, &pos, &line, &ll) == 0) {
		n++;
		v = xstrndup(line, ll);
		if (n == 1) {
			if (strncmp(v, vlabel, sizeof vlabel - 1) != 0 ||
			    sscanf(v + sizeof vlabel - 1, "%d.%d", &c->major,
			    &c->minor) != 2 || !isdigit((unsigned char)
			    v[sizeof vlabel - 1]) || strspn(v + sizeof vlabel
			    - 1, "0123456789.") != strlen(v + sizeof vlabel -
			    1) || strchr(strchr(v + sizeof vlabel - 1, '.') +
			    1, '.') != NULL) {
				ERR(c, "bagit.txt", 1, "the first line must be "
				    "'BagIt-Version: M.N' exactly");
				ok = 0;
			} else
				snprintf(c->res->version,
				    sizeof c->res->version, "%s",
				    v + sizeof vlabel - 1);
		} else if (n == 2) {
			if (strncmp(v, elabel, sizeof elabel - 1) != 0 ||
			    v[sizeof elabel - 1] == ' ' ||
			    v[sizeof elabel - 1] == '\0' ||
			    v[strlen(v) - 1] == ' ' || v[strlen(v) - 1] == '\t') {
				ERR(c, "bagit.txt", 2, "the second line must be "
				    "'Tag-File-Character-Encoding: ENCODING' "
				    "exactly");
				ok = 0;
			} else if (parse_encoding(v + sizeof elabel - 1,
			    &c->enc) == -1) {
				ERR(c, "bagit.txt", 2, "unsupported tag file "
				    "encoding '%s'", v + sizeof elabel - 1);
				ok = 0;
			} else
				snprintf(c->res->encoding,
				    sizeof c->res->encoding, "%s",
				    v + sizeof elabel - 1);
		} else if (ll > 0) {
			ERR(c, "bagit.txt", n, "has more than two lines");
			ok = 0;
		}
		free(v);
	}
	if (n < 2 && ok) {
		ERR(c, "bagit.txt", n + 1, "lacks the "
		    "Tag-File-Character-Encoding line");
		ok = 0;
	}
	free(raw);
	if (ok && (c->major > 1 || (c->major == 1 && c->minor > 0)))
		WARN(c, "bagit.txt", 1, "BagIt version %s is newer than 1.0: "
		    "checked as 1.0", c->res->version);
	return ok ? 0 : -1;
}

/* --- paths --------------------------------------------------------------------- */

/*
 * Decode and check a path from a manifest or fetch.txt.  Returns the
 * normalised path (caller frees) or NULL after reporting an error.
 */
static char *
clean_path(struct ctx *c, const char *file, unsigned long line,
    const char *raw, size_t len, int *warned_star, int *warned_dot,
    int *warned_pct)
{
	struct eds_buf b = EDS_BUF_INIT;
	const char *p, *seg;
	size_t i, sl;

	if (len > 0 && raw[0] == '*') {
		if (!*warned_star)
			WARN(c, file, line, "'*' before a path (md5sum's "
			    "binary-mode marker) is not BagIt; ignored");
		*warned_star = 1;
		raw++;
		len--;
	}
	for (i = 0; i < len; i++) {
		if (raw[i] != '%')
			continue;
		if (i + 2 < len && ((raw[i + 1] == '0' && strchr("aAdD",
		    raw[i + 2]) != NULL) || (raw[i + 1] == '2' &&
		    raw[i + 2] == '5')))
			continue;
		if (c->major >= 1 && !*warned_pct)
			WARN(c, file, line, "'%%' not encoded as %%25 (RFC 8493 "
			    "section 2.1.3); taken literally");
		*warned_pct = 1;
		break;
	}
	eds_bag_decode_path(&b, raw, len);
	p = b.p;
	if (b.len == 0) {
		ERR(c, file, line, "empty path");
		goto bad;
	}
	if (p[0] == '/') {
		ERR(c, file, line, "absolute path '%s' escapes the bag", p);
		goto bad;
	}
	if (p[0] == '~') {
		ERR(c, file, line, "path '%s' starts with '~' (a home "
		    "directory) and escapes the bag", p);
		goto bad;
	}
	if (strlen(p) != b.len) {
		ERR(c, file, line, "path contains a NUL character");
		goto bad;
	}
	while (p[0] == '.' && p[1] == '/') {
		if (!*warned_dot)
			WARN(c, file, line, "path '%s' starts with './'; "
			    "BagIt paths are relative to the bag without it",
			    p);
		*warned_dot = 1;
		p += 2;
	}
	for (seg = p; ; seg += sl + 1) {
		sl = strcspn(seg, "/");
		if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
			ERR(c, file, line, "path '%s' uses '..' and escapes "
			    "the bag", b.p);
			goto bad;
		}
		if (sl == 0 || (sl == 1 && seg[0] == '.')) {
			ERR(c, file, line, "path '%s' has an empty or '.' "
			    "component", b.p);
			goto bad;
		}
		if (seg[sl] == '\0')
			break;
	}
	p = xstrdup(p);
	eds_buf_release(&b);
	return (char *)(uintptr_t)p;
bad:
	eds_buf_release(&b);
	return NULL;
}

static int
in_payload(const char *p)
{
	return strncmp(p, "data/", 5) == 0 && p[5] != '\0';
}

/* --- manifests ------------------------------------------------------------------- */

static const EVP_MD *
algorithm(const char *name)
{
	static const char *const ok[] = { "md5", "sha1", "sha224", "sha256",
	    "sha384", "sha512" };
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(name, ok[i]) == 0)
			return EVP_get_digestbyname(name);
	return NULL;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->path, y->path);

	return r != 0 ? r : (x->line > y->line) - (x->line < y->line);
}

static void
parse_manifest(struct ctx *c, struct manifest *m)
{
	struct eds_buf t = EDS_BUF_INIT;
	const char *line, *sp;
	size_t pos = 0, ll, hl, i, w, mdlen;
	unsigned long n = 0;
	int ws = 0, wd = 0, wp = 0, dups = 0;
	char *path;

	if (read_tag(c, m->file, &t) != 0)
		goto done;
	mdlen = (size_t)EVP_MD_get_size(m->md);
	while (next_line(t.p, t.len, &pos, &line, &ll) == 0) {
		n++;
		if (ll == 0 || strspn(line, " \t") >= ll)
			continue;
		hl = strcspn(line, " \t");
		if (hl > ll)
			hl = ll;
		sp = line + hl;
		w = strspn(sp, " \t");
		if (hl + w >= ll) {
			ERR(c, m->file, n, "malformed line: expected "
			    "'CHECKSUM PATH'");
			continue;
		}
		for (i = 0; i < hl; i++)
			if (!isxdigit((unsigned char)line[i]))
				break;
		if (i < hl || hl != 2 * mdlen) {
			ERR(c, m->file, n, "malformed %s checksum", m->alg);
			continue;
		}
		path = clean_path(c, m->file, n, sp + w, ll - hl - w, &ws, &wd,
		    &wp);
		if (path == NULL)
			continue;
		if (!m->tag && !in_payload(path)) {
			ERR(c, m->file, n, "'%s' is not in the payload "
			    "directory data/", path);
			free(path);
			continue;
		}
		m->e = xreallocarray(m->e, m->n + 1, sizeof *m->e);
		m->e[m->n].path = path;
		m->e[m->n].hex = xstrndup(line, hl);
		for (i = 0; i < hl; i++)
			m->e[m->n].hex[i] = (char)tolower(
			    (unsigned char)m->e[m->n].hex[i]);
		m->e[m->n].line = n;
		m->e[m->n].found = 0;
		m->n++;
	}
	if (m->n > 0)
		qsort(m->e, m->n, sizeof *m->e, cmp_entry);
	/* Duplicates: an error from 1.0 on, or when the lines disagree. */
	for (i = 1, w = 1; i < m->n; i++) {
		struct entry *prev = &m->e[w - 1], *cur = &m->e[i];

		if (strcmp(prev->path, cur->path) != 0) {
			m->e[w++] = *cur;
			continue;
		}
		if (strcmp(prev->hex, cur->hex) != 0)
			ERR(c, m->file, cur->line, "'%s' is listed twice with "
			    "different checksums (line %lu)", cur->path,
			    prev->line);
		else if (c->major >= 1)
			ERR(c, m->file, cur->line, "'%s' is listed twice "
			    "(line %lu)", cur->path, prev->line);
		else
			WARN(c, m->file, cur->line, "'%s' is listed twice "
			    "(line %lu) with the same checksum", cur->path,
			    prev->line);
		dups++;
		free(cur->path);
		free(cur->hex);
	}
	if (m->n > 0)
		m->n = w;
done:
	eds_buf_release(&t);
}

static struct entry *
lookup(const struct manifest *m, const char *path)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(m->e[mid].path, path);

		if (r == 0)
			return &m->e[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* --- the file system ------------------------------------------------------------- */

static void
add_file(struct dfile **v, size_t *n, size_t *cap, const char *path,
    uint64_t size)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[*n].path = xstrdup(path);
	(*v)[*n].size = size;
	(*n)++;
}

/* Walk rel (a directory relative to the bag); payload or tag files. */
static int
walk(struct ctx *c, const char *rel, int payload)
{
	struct dirent *d;
	struct stat st;
	char *dir = bag_path(c, rel), *childrel, *child;
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL) {
		ERR(c, rel, 0, "cannot read directory: %s", strerror(errno));
		free(dir);
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		childrel = *rel ? xasprintf("%s/%s", rel, d->d_name) :
		    xstrdup(d->d_name);
		if (!payload && strcmp(childrel, "data") == 0) {
			free(childrel);
			continue;
		}
		child = bag_path(c, childrel);
		if (lstat(child, &st) == -1)
			ERR(c, childrel, 0, "cannot stat: %s", strerror(errno));
		else if (S_ISLNK(st.st_mode))
			ERR(c, childrel, 0, "is a symbolic link, which a bag "
			    "must not contain (it could point outside)");
		else if (S_ISDIR(st.st_mode))
			rc |= walk(c, childrel, payload);
		else if (!S_ISREG(st.st_mode))
			ERR(c, childrel, 0, "is not a regular file");
		else if (payload)
			add_file(&c->files, &c->nfiles, &c->capfiles, childrel,
			    (uint64_t)st.st_size);
		else
			add_file(&c->tags, &c->ntags, &c->captags, childrel,
			    (uint64_t)st.st_size);
		free(child);
		free(childrel);
	}
	closedir(dp);
	free(dir);
	return rc;
}

static int
cmp_dfile(const void *a, const void *b)
{
	return strcmp(((const struct dfile *)a)->path,
	    ((const struct dfile *)b)->path);
}

static int
on_disk(const struct dfile *v, size_t n, const char *path)
{
	struct dfile key;

	key.path = (char *)(uintptr_t)path;
	return n > 0 && bsearch(&key, v, n, sizeof *v, cmp_dfile) != NULL;
}

/* --- bag-info.txt and fetch.txt ------------------------------------------------ */

static void
parse_bag_info(struct ctx *c)
{
	struct eds_buf t = EDS_BUF_INIT;
	const char *line, *colon;
	size_t pos = 0, ll, lab;
	unsigned long n = 0;
	char *label = NULL, *value;
	int noxum = 0;

	if (read_tag(c, "bag-info.txt", &t) != 0)
		goto done;
	while (next_line(t.p, t.len, &pos, &line, &ll) == 0) {
		n++;
		if (ll == 0)
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			if (n == 1)
				ERR(c, "bag-info.txt", n, "starts with a "
				    "continuation line");
			continue;
		}
		colon = memchr(line, ':', ll);
		if (colon == NULL) {
			ERR(c, "bag-info.txt", n, "malformed line: expected "
			    "'Label: value'");
			continue;
		}
		lab = (size_t)(colon - line);
		while (lab > 0 && (line[lab - 1] == ' ' ||
		    line[lab - 1] == '\t'))
			lab--;
		if (lab == 0) {
			ERR(c, "bag-info.txt", n, "empty label");
			continue;
		}
		free(label);
		label = xstrndup(line, lab);
		colon++;
		while (colon < line + ll && (*colon == ' ' || *colon == '\t'))
			colon++;
		value = xstrndup(colon, (size_t)(line + ll - colon));
		while (*value && (value[strlen(value) - 1] == ' ' ||
		    value[strlen(value) - 1] == '\t'))
			value[strlen(value) - 1] = '\0';
		if (strcasecmp(label, "Payload-Oxum") == 0) {
			if (c->oxum == NULL) {
				c->oxum = value;
				value = NULL;
			} else if (!noxum++)
				WARN(c, "bag-info.txt", n, "Payload-Oxum is "
				    "given more than once; the first counts");
		} else if (strcasecmp(label, EDS_BAG_TOOL_VERSION) == 0)
			c->eds = 1;
		else if (strcasecmp(label, EDS_BAG_SIGNATURE) == 0)
			c->eds_sig_declared = 1;
		free(value);
	}
done:
	free(label);
	eds_buf_release(&t);
}

static void
parse_fetch(struct ctx *c)
{
	struct eds_buf t = EDS_BUF_INIT;
	const char *line, *p, *end;
	size_t pos = 0, ll, k;
	unsigned long n = 0;
	int ws = 0, wd = 0, wp = 0, r;
	char *path;

	if ((r = read_tag(c, "fetch.txt", &t)) != 0)
		goto done;
	while (next_line(t.p, t.len, &pos, &line, &ll) == 0) {
		n++;
		if (ll == 0)
			continue;
		end = line + ll;
		/* URL */
		k = strcspn(line, " \t");
		if (k >= ll || !isalpha((unsigned char)line[0]) ||
		    memchr(line, ':', k) == NULL ||
		    strspn(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
		    "QRSTUVWXYZ0123456789+.-") != (size_t)((const char *)
		    memchr(line, ':', k) - line)) {
			ERR(c, "fetch.txt", n, "malformed line: expected "
			    "'URL LENGTH PATH' with an absolute URL");
			continue;
		}
		p = line + k;
		p += strspn(p, " \t");
		/* LENGTH */
		k = strcspn(p, " \t");
		if (p + k >= end || k == 0 || (!(k == 1 && *p == '-') &&
		    strspn(p, "0123456789") < k)) {
			ERR(c, "fetch.txt", n, "malformed length: expected "
			    "a number of bytes or '-'");
			continue;
		}
		p += k;
		p += strspn(p, " \t");
		if (p >= end) {
			ERR(c, "fetch.txt", n, "no path");
			continue;
		}
		path = clean_path(c, "fetch.txt", n, p, (size_t)(end - p), &ws,
		    &wd, &wp);
		if (path == NULL)
			continue;
		if (!in_payload(path)) {
			ERR(c, "fetch.txt", n, "'%s' is not in the payload "
			    "directory data/", path);
			free(path);
			continue;
		}
		c->fetch = xreallocarray(c->fetch, c->nfetch + 1,
		    sizeof *c->fetch);
		c->fetch[c->nfetch].path = path;
		c->fetch[c->nfetch].line = n;
		c->nfetch++;
	}
	c->res->fetch_entries = (int)c->nfetch;
done:
	eds_buf_release(&t);
}

static const struct fetch *
fetched(const struct ctx *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->nfetch; i++)
		if (strcmp(c->fetch[i].path, path) == 0)
			return &c->fetch[i];
	return NULL;
}

/* --- checksums ------------------------------------------------------------------ */

/* Hash file rel with every algorithm of the manifests of kind tag. */
static int
hash_file(struct ctx *c, const char *rel, int tag)
{
	EVP_MD_CTX *ctx[MAX_ALGS];
	struct manifest *ms[MAX_ALGS];
	struct entry *e[MAX_ALGS];
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int mdlen;
	size_t i, k = 0;
	char *path;
	ssize_t n;
	int fd, rc = 0;

	for (i = 0; i < c->nm && k < MAX_ALGS; i++) {
		if (c->m[i].tag != tag || c->m[i].md == NULL)
			continue;
		if ((e[k] = lookup(&c->m[i], rel)) == NULL)
			continue;
		ms[k] = &c->m[i];
		ctx[k] = EVP_MD_CTX_new();
		if (ctx[k] == NULL || EVP_DigestInit_ex(ctx[k], ms[k]->md,
		    NULL) != 1) {
			EVP_MD_CTX_free(ctx[k]);
			ERR(c, rel, 0, "cannot initialise %s", ms[k]->alg);
			goto out;
		}
		k++;
	}
	if (k == 0)
		return 0;
	path = bag_path(c, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd == -1) {
		ERR(c, rel, 0, "cannot open: %s", strerror(errno));
		rc = -1;
		goto out;
	}
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ERR(c, rel, 0, "cannot read: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		for (i = 0; i < k; i++)
			EVP_DigestUpdate(ctx[i], buf, (size_t)n);
	}
	close(fd);
	for (i = 0; i < k && rc == 0; i++) {
		EVP_DigestFinal_ex(ctx[i], md, &mdlen);
		eds_hex(md, mdlen, hex);
		if (strcmp(hex, e[i]->hex) != 0)
			ERR(c, rel, 0, "%s checksum does not match %s line %lu "
			    "(the file was modified, or the manifest was)",
			    ms[i]->alg, ms[i]->file, e[i]->line);
	}
out:
	for (i = 0; i < k; i++)
		EVP_MD_CTX_free(ctx[i]);
	return rc;
}

/* --- the whole check --------------------------------------------------------------- */

static int
is_litter(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b != NULL ? b + 1 : path;
	return strcmp(b, ".DS_Store") == 0 || strcmp(b, "Thumbs.db") == 0 ||
	    strcasecmp(b, "desktop.ini") == 0 || strncmp(b, "._", 2) == 0;
}

static int
has_combining(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	for (; *u != '\0'; u++)
		if ((u[0] == 0xCC && u[1] >= 0x80) || (u[0] == 0xCD &&
		    u[1] >= 0x80 && u[1] <= 0xAF))
			return 1;
	return 0;
}

static int
cmp_casefold(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* Warn about names that only differ by case (one file on macOS/Windows). */
static void
case_collisions(struct ctx *c)
{
	char **v = NULL;
	size_t n = 0, i, j;

	for (i = 0; i < c->nm; i++) {
		if (c->m[i].tag)
			continue;
		for (j = 0; j < c->m[i].n; j++) {
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n++] = c->m[i].e[j].path;
		}
	}
	if (n > 0)
		qsort(v, n, sizeof *v, cmp_casefold);
	for (i = 1; i < n; i++)
		if (strcasecmp(v[i - 1], v[i]) == 0 &&
		    strcmp(v[i - 1], v[i]) != 0)
			WARN(c, v[i], 0, "differs from '%s' only by case: the "
			    "two are one file on case-insensitive file "
			    "systems", v[i - 1]);
	free(v);
}

static void
find_manifests(struct ctx *c)
{
	struct manifest *m;
	size_t i;
	const char *name, *alg;
	int tag;

	for (i = 0; i < c->ntags; i++) {
		name = c->tags[i].path;
		if (strchr(name, '/') != NULL)
			continue;
		tag = strncmp(name, "tagmanifest-", 12) == 0;
		if (!tag && strncmp(name, "manifest-", 9) != 0)
			continue;
		alg = name + (tag ? 12 : 9);
		if (strlen(alg) < 5 || strcmp(alg + strlen(alg) - 4, ".txt"))
			continue;
		c->m = xreallocarray(c->m, c->nm + 1, sizeof *c->m);
		m = &c->m[c->nm++];
		memset(m, 0, sizeof *m);
		m->file = xstrdup(name);
		m->tag = tag;
		snprintf(m->alg, sizeof m->alg, "%.*s",
		    (int)(strlen(alg) - 4), alg);
		if ((m->md = algorithm(m->alg)) == NULL)
			WARN(c, name, 0, "unsupported algorithm '%s': this "
			    "manifest is not checked", m->alg);
	}
}

static void
check_signature(struct ctx *c)
{
	char *sig = bag_path(c, EDS_BAG_SIG_NAME);
	char *tm = bag_path(c, "tagmanifest-sha256.txt");
	struct eds_error e;
	struct stat st;

	if (lstat(sig, &st) == -1) {
		if (c->eds_sig_declared)
			ERR(c, EDS_BAG_SIG_NAME, 0, "is missing although "
			    "bag-info.txt declares %s", EDS_BAG_SIGNATURE);
		else if (c->o->ca_file != NULL)
			ERR(c, EDS_BAG_SIG_NAME, 0, "is missing: the bag is "
			    "not signed, and a CA was given");
		goto done;
	}
	c->res->signed_ = 1;
	if (lstat(tm, &st) == -1) {
		ERR(c, "tagmanifest-sha256.txt", 0, "is missing: the "
		    "signature has nothing to verify");
		goto done;
	}
	eds_error_clear(&e);
	if (eds_cms_verify_file(tm, sig, c->o->ca_file, &c->res->signer,
	    &e) == -1) {
		if (strstr(e.msg, "does not match") != NULL)
			ERR(c, "tagmanifest-sha256.txt", 0, "does not match "
			    "its signature %s (%s)", EDS_BAG_SIG_NAME, e.msg);
		else
			ERR(c, EDS_BAG_SIG_NAME, 0, "%s", e.msg);
		goto done;
	}
	c->res->signature_ok = 1;
done:
	free(sig);
	free(tm);
}

int
eds_bag_verify(const char *root, const struct eds_bagv_options *o,
    struct eds_bagv_result *res, struct eds_error *err)
{
	struct eds_bagv_options none;
	struct ctx c;
	struct stat st;
	size_t i, j, npayload = 0, ntagm = 0;
	char *data;
	uint64_t bytes = 0;
	int rc;

	if (o == NULL) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	memset(res, 0, sizeof *res);
	memset(&c, 0, sizeof c);
	c.root = root;
	c.o = o;
	c.res = res;
	c.err = err;
	if (stat(root, &st) == -1)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot open bundle '%s'", root);
	if (!S_ISDIR(st.st_mode))
		return eds_error_set(err, EDS_EX_NOINPUT, "'%s' is not a "
		    "directory (extract an archive, or decrypt then extract, "
		    "before verifying)", root);

	if (check_bagit_txt(&c) == -1)
		goto finish;
	data = bag_path(&c, "data");
	if (lstat(data, &st) == -1 || !S_ISDIR(st.st_mode)) {
		ERR(&c, "data", 0, "the payload directory is missing");
		free(data);
		goto finish;
	}
	free(data);
	walk(&c, "", 0);
	walk(&c, "data", 1);
	if (c.nfiles > 0)
		qsort(c.files, c.nfiles, sizeof *c.files, cmp_dfile);
	if (c.ntags > 0)
		qsort(c.tags, c.ntags, sizeof *c.tags, cmp_dfile);
	find_manifests(&c);
	parse_bag_info(&c);
	parse_fetch(&c);
	for (i = 0; i < c.nm; i++) {
		if (c.m[i].md == NULL)
			continue;
		parse_manifest(&c, &c.m[i]);
		if (c.m[i].tag)
			ntagm++;
		else {
			npayload++;
			snprintf(res->algorithms + strlen(res->algorithms),
			    sizeof res->algorithms - strlen(res->algorithms),
			    "%s%s", npayload > 1 ? " " : "", c.m[i].alg);
		}
	}
	if (npayload == 0) {
		ERR(&c, "", 0, "no payload manifest with a supported "
		    "algorithm (manifest-sha256.txt, manifest-sha512.txt, ...)");
	}
	res->eds = c.eds;

	/* Completeness: every entry on disk, every file in every manifest. */
	for (i = 0; i < c.nm; i++) {
		struct manifest *m = &c.m[i];

		if (m->md == NULL)
			continue;
		for (j = 0; j < m->n; j++) {
			const struct dfile *v = m->tag ? c.tags : c.files;
			size_t nv = m->tag ? c.ntags : c.nfiles;
			const char *p = m->e[j].path;

			if (on_disk(v, nv, p) ||
			    (m->tag && on_disk(c.files, c.nfiles, p)))
				continue;
			if (!m->tag && fetched(&c, p) != NULL)
				ERR(&c, p, 0, "is listed in fetch.txt but "
				    "absent: the bag is incomplete (verify "
				    "never downloads)");
			else
				ERR(&c, p, 0, "is listed in %s line %lu but "
				    "missing", m->file, m->e[j].line);
			if (has_combining(p))
				WARN(&c, p, 0, "the name holds combining "
				    "accents (Unicode NFD): the bag was "
				    "probably made on a file system that "
				    "normalises names, which this one does not");
		}
		if (m->tag)
			continue;
		for (j = 0; j < c.nfiles; j++)
			if (lookup(m, c.files[j].path) == NULL)
				ERR(&c, c.files[j].path, 0, "is not listed in "
				    "%s", m->file);
	}
	for (i = 0; i < c.nfetch; i++)
		for (j = 0; j < c.nm; j++)
			if (!c.m[j].tag && c.m[j].md != NULL &&
			    lookup(&c.m[j], c.fetch[i].path) == NULL)
				ERR(&c, "fetch.txt", c.fetch[i].line, "'%s' is "
				    "not listed in %s", c.fetch[i].path,
				    c.m[j].file);
	if (c.nfetch > 0)
		WARN(&c, "fetch.txt", 0, "the bag lists %zu file(s) to fetch; "
		    "verify never downloads: only files present were checked",
		    c.nfetch);
	case_collisions(&c);
	for (i = 0; i < c.nfiles; i++)
		if (is_litter(c.files[i].path))
			WARN(&c, c.files[i].path, 0, "is an operating-system "
			    "file (Finder or Explorer metadata), not data");

	/* Payload-Oxum */
	for (i = 0; i < c.nfiles; i++)
		bytes += c.files[i].size;
	res->payload_files = c.nfiles;
	res->payload_bytes = bytes;
	if (c.oxum != NULL) {
		unsigned long long ob, of;
		char tail;

		if (sscanf(c.oxum, "%llu.%llu%c", &ob, &of, &tail) != 2 ||
		    !isdigit((unsigned char)c.oxum[0]))
			ERR(&c, "bag-info.txt", 0, "malformed Payload-Oxum "
			    "'%s'", c.oxum);
		else if (ob != bytes || of != c.nfiles)
			ERR(&c, "bag-info.txt", 0, "Payload-Oxum says %llu "
			    "bytes in %llu files, the payload has %llu in "
			    "%zu", ob, of, (unsigned long long)bytes,
			    c.nfiles);
	}

	/* Tag files no tag manifest covers. */
	for (i = 0; i < c.ntags; i++) {
		const char *p = c.tags[i].path;
		int covered = 0;

		if (strncmp(p, "tagmanifest-", 12) == 0 ||
		    strcmp(p, EDS_BAG_SIG_NAME) == 0)
			continue;
		for (j = 0; j < c.nm && !covered; j++)
			covered = c.m[j].tag && c.m[j].md != NULL &&
			    lookup(&c.m[j], p) != NULL;
		if (covered)
			continue;
		if (c.eds)
			ERR(&c, p, 0, "is not covered by the tag manifest "
			    "(an EDS bundle protects every tag file)");
		else if (ntagm > 0)
			WARN(&c, p, 0, "is not covered by any tag manifest");
	}
	if (c.eds) {
		if (!on_disk(c.tags, c.ntags, "manifest-sha256.txt"))
			ERR(&c, "manifest-sha256.txt", 0, "is missing from "
			    "this EDS bundle");
		if (!on_disk(c.tags, c.ntags, "tagmanifest-sha256.txt"))
			ERR(&c, "tagmanifest-sha256.txt", 0, "is missing from "
			    "this EDS bundle");
	}

	/* Checksums */
	for (i = 0; i < c.nfiles; i++)
		hash_file(&c, c.files[i].path, 0);
	for (i = 0; i < c.ntags; i++)
		hash_file(&c, c.tags[i].path, 1);
	/* A tag manifest may list a payload file too. */
	for (i = 0; i < c.nfiles; i++)
		hash_file(&c, c.files[i].path, 1);

	check_signature(&c);
finish:
	rc = res->errors > 0 ? -1 : 0;
	if (rc == -1 && !c.have_err)
		eds_error_set(err, EDS_EX_DATAERR, "'%s' is not a valid bag",
		    root);
	for (i = 0; i < c.nm; i++) {
		for (j = 0; j < c.m[i].n; j++) {
			free(c.m[i].e[j].path);
			free(c.m[i].e[j].hex);
		}
		free(c.m[i].e);
		free(c.m[i].file);
	}
	free(c.m);
	for (i = 0; i < c.nfiles; i++)
		free(c.files[i].path);
	free(c.files);
	for (i = 0; i < c.ntags; i++)
		free(c.tags[i].path);
	free(c.tags);
	for (i = 0; i < c.nfetch; i++)
		free(c.fetch[i].path);
	free(c.fetch);
	free(c.oxum);
	return rc;
}
