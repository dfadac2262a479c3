/*
 * registry.c: the consent registry directory (see registry.h and
 * eds-consent(5)).
 *
 * Reading: the manifest is parsed and checked (version line first, then
 * the SHA-256 of its lines), the index it names is mapped and hashed, and
 * the trailer at the index's end gives the sections: the patient records
 * (blob), the table of 8-byte words (fingerprint << 40 | record offset)
 * in hash order, the bucket directory and the scope and source names.
 * Decoders check every bound: a corrupt record is an error, never a read
 * past the map.
 *
 * Importing: under an exclusive flock, the files' events are validated
 * into an array kept in import order; an array of (hash, index) pairs is
 * radix-sorted by hash and runs of equal hash are merge-sorted by
 * (identifier, scope, recorded_at, import order).  One walk merges that
 * order with the old index (both sorted by hash, then identifier): old
 * records without news are copied as they are, others are re-encoded with
 * the new decisions merged into each scope's history, dropping an event
 * identical to one already there.  The new index and the new log segment
 * (the accepted events in import order) are written to unnamed files, then
 * linked in, and the new manifest is renamed over the old one.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "csvread.h"
#include "input.h"
#include "json.h"
#include "registry.h"
#include "rejects.h"
#include "xmalloc.h"

#define MANIFEST "manifest"
#define MANIFEST_NEW "manifest.new"
#define LOCKFILE "lock"
#define MANIFEST_MAGIC "eds-consent-registry "
#define MANIFEST_MAX (64u * 1024 * 1024)
#define INDEX_MAGIC "EDSCIDX1"
#define TRAILER 128
#define LOG_HEADER "patient_id,scope,decision,recorded_at,source,expires_at\n"
#define OFF_BITS 40
#define OFF_MASK ((UINT64_C(1) << OFF_BITS) - 1)
#define US 1000000LL
/* Seconds of 0001-01-01 and 10000-01-01: the range of valid times. */
#define TIME_MIN_S (-62135596800LL)
#define TIME_MAX_S 253402300800LL
#define OPEN_RETRIES 5
#define PROGRESS_EVERY 65536
#define WBUF (1024 * 1024)

/* Item flags: the decision in bits 0-1. */
enum {
	IT_DECISION = 3,
	IT_EXPIRES = 1 << 2,	/* an expiry follows */
	IT_T_SEC = 1 << 3,	/* recorded_at stored in seconds */
	IT_E_SEC = 1 << 4,	/* expires_at stored in seconds */
	IT_KNOWN = 0x1f
};

/* --- encoding helpers ---------------------------------------------------- */

static inline uint64_t
ld64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline uint32_t
ld32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
st64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
st32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put_uvar(struct eds_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	while (v >= 0x80) {
		tmp[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (unsigned char)v;
	eds_buf_add(b, tmp, n);
}

/* Read a varint; NULL if it runs past end or over 64 bits. */
static inline const unsigned char *
get_uvar(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	int shift = 0;

	while (p < end) {
		unsigned char c = *p++;

		if (shift == 63 && c > 1)
			return NULL;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return p;
		}
		shift += 7;
		if (shift > 63)
			return NULL;
	}
	return NULL;
}

static inline uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t
unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

uint64_t
eds_registry_hash(const char *id, size_t len)
{
	const unsigned char *p = (const unsigned char *)id;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	h ^= h >> 30;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 27;
	h *= UINT64_C(0x94d049bb133111eb);
	h ^= h >> 31;
	return h;
}

static inline uint64_t
bucket_of(uint64_t h, unsigned bits)
{
	return bits == 0 ? 0 : h >> (64 - bits);
}

static inline uint64_t
fingerprint(uint64_t h, unsigned bits)
{
	return (h << bits) >> OFF_BITS;
}

/* Order of identifiers: bytes, then length. */
static int
id_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* --- the manifest -------------------------------------------------------- */

struct segment {
	char name[40];
	uint64_t bytes;
	char sha256[EDS_SHA256_HEX];
	uint32_t crc;		/* CRC-32 (zlib), checked by every reader */
	uint64_t events;
	int64_t imported;
};

struct manifest {
	unsigned format;
	uint64_t generation, patients, entries, events;
	int64_t updated;
	char index[40];
	uint64_t index_bytes;
	char index_sha256[EDS_SHA256_HEX];
	struct segment *seg;
	size_t nseg;
	char sha256[EDS_SHA256_HEX];	/* of the whole file */
	uint64_t bytes;
};

static void
manifest_release(struct manifest *m)
{
	free(m->seg);
	memset(m, 0, sizeof *m);
}

/* 1 if name is PREFIX + digits + SUFFIX and fits. */
static int
name_ok(const char *name, const char *prefix, const char *suffix)
{
	size_t n = strlen(name), pl = strlen(prefix), sl = strlen(suffix), i;

	if (n >= 40 || n <= pl + sl || strncmp(name, prefix, pl) != 0 ||
	    strcmp(name + n - sl, suffix) != 0)
		return 0;
	for (i = pl; i < n - sl; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/* Eight lower-case hex digits. */
static int
parse_crc(const char *s, uint64_t *v)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return -1;
	if (s[8] != '\0')
		return -1;
	*v = strtoull(s, NULL, 16);
	return 0;
}

static int
parse_time_word(const char *s, int64_t *t)
{
	return eds_consent_time_parse(s, strlen(s), t);
}

static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* Split a line into at most max words at single spaces. */
static size_t
split(char *line, char **w, size_t max)
{
	size_t n = 0;

	while (n < max) {
		w[n++] = line;
		if ((line = strchr(line, ' ')) == NULL)
			break;
		*line++ = '\0';
	}
	return line == NULL ? n : max + 1;
}

static int
corrupt(struct eds_error *err, const char *dir, const char *what)
{
	return eds_error_set(err, EDS_EX_DATAERR, "the consent registry '%s' "
	    "is corrupt: %s", dir, what);
}

static int
manifest_parse(const char *dir, char *text, size_t len, struct manifest *m,
    struct eds_error *err)
{
	unsigned char digest[EDS_SHA256_LEN];
	char hex[EDS_SHA256_HEX], *line, *next, *w[8], why[160];
	const char *sumline;
	uint64_t v;
	size_t n, body, lineno = 0;
	int state = 0;

	memset(m, 0, sizeof *m);
	eds_sha256(text, len, digest);
	eds_hex(digest, EDS_SHA256_LEN, m->sha256);
	m->bytes = len;
	if (memchr(text, '\0', len) != NULL)
		return corrupt(err, dir, "the manifest holds a NUL byte");
	/* The version line first: another format gets a clear message. */
	if (len < strlen(MANIFEST_MAGIC) ||
	    memcmp(text, MANIFEST_MAGIC, strlen(MANIFEST_MAGIC)) != 0)
		return eds_error_set(err, EDS_EX_DATAERR, "'%s/%s' is not a "
		    "consent registry manifest", dir, MANIFEST);
	if (sscanf(text + strlen(MANIFEST_MAGIC), "%u", &m->format) != 1)
		return corrupt(err, dir, "no format version in the manifest");
	if (m->format != EDS_REGISTRY_FORMAT)
		return eds_error_set(err, EDS_EX_DATAERR, "the consent "
		    "registry '%s' has format version %u; this eds-consent "
		    "reads version %d only", dir, m->format,
		    EDS_REGISTRY_FORMAT);
	/* Then its own checksum: the last line is "sha256 HEX". */
	if (len < 74 || text[len - 1] != '\n')
		return corrupt(err, dir, "the manifest is truncated");
	body = len - 72;
	sumline = text + body;
	if (text[body - 1] != '\n' || memcmp(sumline, "sha256 ", 7) != 0)
		return corrupt(err, dir, "the manifest is truncated (no "
		    "checksum line)");
	eds_sha256(text, body, digest);
	eds_hex(digest, EDS_SHA256_LEN, hex);
	if (memcmp(hex, sumline + 7, 64) != 0)
		return corrupt(err, dir, "the manifest fails its checksum "
		    "(edited or damaged)");
	text[body] = '\0';
	for (line = text; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		lineno++;
		n = split(line, w, 7);
#define BAD(what) do { snprintf(why, sizeof why, "manifest line %zu: %s", \
    lineno, what); return corrupt(err, dir, why); } while (0)
		if (lineno == 1)
			continue;	/* the version, read above */
		if (n == 2 && strcmp(w[0], "generation") == 0 && state == 0) {
			if (parse_u64(w[1], &m->generation) == -1)
				BAD("bad generation");
		} else if (n == 2 && strcmp(w[0], "updated") == 0) {
			if (parse_time_word(w[1], &m->updated) == -1)
				BAD("bad time");
		} else if (n == 2 && strcmp(w[0], "patients") == 0) {
			if (parse_u64(w[1], &m->patients) == -1)
				BAD("bad count");
		} else if (n == 2 && strcmp(w[0], "entries") == 0) {
			if (parse_u64(w[1], &m->entries) == -1)
				BAD("bad count");
		} else if (n == 2 && strcmp(w[0], "events") == 0) {
			if (parse_u64(w[1], &m->events) == -1)
				BAD("bad count");
		} else if (n == 4 && strcmp(w[0], "index") == 0 &&
		    m->index[0] == '\0') {
			if (!name_ok(w[1], "index-", ".bin") ||
			    parse_u64(w[2], &m->index_bytes) == -1 ||
			    !is_hex64(w[3]))
				BAD("bad index line");
			snprintf(m->index, sizeof m->index, "%s", w[1]);
			memcpy(m->index_sha256, w[3], EDS_SHA256_HEX);
		} else if (n == 7 && strcmp(w[0], "segment") == 0) {
			struct segment *s;
			uint64_t crc;

			m->seg = xreallocarray(m->seg, m->nseg + 1,
			    sizeof *m->seg);
			s = &m->seg[m->nseg++];
			if (!name_ok(w[1], "events-", ".csv") ||
			    parse_u64(w[2], &s->bytes) == -1 ||
			    !is_hex64(w[3]) || parse_crc(w[4], &crc) == -1 ||
			    parse_u64(w[5], &s->events) == -1 ||
			    parse_time_word(w[6], &s->imported) == -1)
				BAD("bad segment line");
			s->crc = (uint32_t)crc;
			snprintf(s->name, sizeof s->name, "%s", w[1]);
			memcpy(s->sha256, w[3], EDS_SHA256_HEX);
		} else
			BAD("unexpected line");
		state = 1;
#undef BAD
	}
	if (m->index[0] == '\0' || m->generation == 0)
		return corrupt(err, dir, "the manifest names no index");
	v = 0;
	for (n = 0; n < m->nseg; n++)
		v += m->seg[n].events;
	if (v != m->events)
		return corrupt(err, dir, "the manifest's event count does not "
		    "match its segments");
	return 0;
}

static void
manifest_format(const struct manifest *m, struct eds_buf *b)
{
	unsigned char digest[EDS_SHA256_LEN];
	char t[EDS_CONSENT_TIME_MAX], hex[EDS_SHA256_HEX];
	size_t i;

	eds_buf_reset(b);
	eds_consent_time_format(m->updated, t);
	eds_buf_addf(b, "%s%d\ngeneration %llu\nupdated %s\npatients %llu\n"
	    "entries %llu\nevents %llu\nindex %s %llu %s\n", MANIFEST_MAGIC,
	    EDS_REGISTRY_FORMAT, (unsigned long long)m->generation, t,
	    (unsigned long long)m->patients, (unsigned long long)m->entries,
	    (unsigned long long)m->events, m->index,
	    (unsigned long long)m->index_bytes, m->index_sha256);
	for (i = 0; i < m->nseg; i++) {
		eds_consent_time_format(m->seg[i].imported, t);
		eds_buf_addf(b, "segment %s %llu %s %08lx %llu %s\n",
		    m->seg[i].name, (unsigned long long)m->seg[i].bytes,
		    m->seg[i].sha256, (unsigned long)m->seg[i].crc,
		    (unsigned long long)m->seg[i].events, t);
	}
	eds_sha256(b->p, b->len, digest);
	eds_hex(digest, EDS_SHA256_LEN, hex);
	eds_buf_addf(b, "sha256 %s\n", hex);
}

/* Read DIR/manifest whole.  66 if missing or unreadable. */
static int
manifest_read(int dirfd, const char *dir, char **text, size_t *len,
    struct eds_error *err)
{
	struct stat st;
	ssize_t got;
	size_t n = 0;
	int fd;

	if ((fd = openat(dirfd, MANIFEST, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return eds_error_set(err, EDS_EX_NOINPUT, "no consent "
			    "registry in '%s' (it has no manifest)", dir);
		return eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot "
		    "open '%s/%s'", dir, MANIFEST);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > MANIFEST_MAX) {
		close(fd);
		return corrupt(err, dir, "the manifest is not a regular file "
		    "of sensible size");
	}
	*text = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		got = read(fd, *text + n, (size_t)st.st_size - n);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			int e = got == -1 ? errno : 0;

			close(fd);
			free(*text);
			*text = NULL;
			if (e == 0)
				return corrupt(err, dir, "the manifest "
				    "changed while being read");
			return eds_error_errno(err, EDS_EX_IOERR, e, "cannot "
			    "read '%s/%s'", dir, MANIFEST);
		}
		n += (size_t)got;
	}
	close(fd);
	(*text)[n] = '\0';
	*len = n;
	return 0;
}

/* --- the open registry --------------------------------------------------- */

struct eds_registry {
	char *dir;
	struct manifest m;
	unsigned char *map;
	size_t map_len;
	const unsigned char *blob, *table, *buckets;
	uint64_t blob_len, npatients, nentries, nevents;
	unsigned bits;
	char **scopes;
	size_t *scope_len;
	uint32_t nscopes;
	char **sources;
	uint32_t nsources;
	uint64_t log_bytes;
};

static int
load_names(const struct eds_registry *r, const unsigned char **p,
    const unsigned char *end, uint32_t n, char ***names, size_t **lens,
    struct eds_error *err)
{
	uint64_t len;
	uint32_t i;

	/* Each name takes a byte at least: a count past that is corrupt. */
	*names = NULL;
	if (lens != NULL)
		*lens = NULL;
	if (n > (uint64_t)(end - *p))
		return corrupt(err, r->dir, "bad name table in the index");
	*names = xcalloc((size_t)n + 1, sizeof **names);
	if (lens != NULL)
		*lens = xcalloc((size_t)n + 1, sizeof **lens);
	for (i = 0; i < n; i++) {
		if ((*p = get_uvar(*p, end, &len)) == NULL ||
		    len > (uint64_t)(end - *p) || len > 4096 ||
		    memchr(*p, '\0', (size_t)len) != NULL)
			return corrupt(err, r->dir, "bad name table in the "
			    "index");
		(*names)[i] = xstrndup((const char *)*p, (size_t)len);
		if (lens != NULL)
			(*lens)[i] = (size_t)len;
		*p += len;
	}
	return 0;
}

static int
map_index(struct eds_registry *r, int fd, struct eds_error *err)
{
	unsigned char digest[EDS_SHA256_LEN];
	char hex[EDS_SHA256_HEX];
	const unsigned char *t, *p, *end;
	uint64_t size = r->m.index_bytes, table_off, dir_off, str_off, str_len;
	uint64_t nb, gen;
	struct stat st;

	if (fstat(fd, &st) == -1)
		return eds_error_errno(err, EDS_EX_IOERR, errno, "cannot stat "
		    "'%s/%s'", r->dir, r->m.index);
	if ((uint64_t)st.st_size != size)
		return eds_error_set(err, EDS_EX_DATAERR, "the consent "
		    "registry '%s' is corrupt: its index '%s' has %llu bytes, "
		    "the manifest says %llu (truncated or replaced)", r->dir,
		    r->m.index, (unsigned long long)st.st_size,
		    (unsigned long long)size);
	if (size < TRAILER || size > SIZE_MAX)
		return corrupt(err, r->dir, "the index is too small");
	r->map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return eds_error_errno(err, EDS_EX_IOERR, errno, "cannot map "
		    "'%s/%s'", r->dir, r->m.index);
	}
	r->map_len = (size_t)size;
	(void)madvise(r->map, r->map_len, MADV_WILLNEED);
	eds_sha256(r->map, r->map_len, digest);
	eds_hex(digest, EDS_SHA256_LEN, hex);
	if (strcmp(hex, r->m.index_sha256) != 0)
		return eds_error_set(err, EDS_EX_DATAERR, "the consent "
		    "registry '%s' is corrupt: its index '%s' fails its "
		    "checksum (edited or damaged)", r->dir, r->m.index);
	(void)madvise(r->map, r->map_len, MADV_RANDOM);
	t = r->map + size - TRAILER;
	if (memcmp(t, INDEX_MAGIC, 8) != 0)
		return corrupt(err, r->dir, "the index has no trailer");
	if (ld32(t + 8) != EDS_REGISTRY_FORMAT)
		return eds_error_set(err, EDS_EX_DATAERR, "the consent "
		    "registry '%s' has an index of format version %u; this "
		    "eds-consent reads version %d only", r->dir, ld32(t + 8),
		    EDS_REGISTRY_FORMAT);
	r->bits = ld32(t + 12);
	r->npatients = ld64(t + 16);
	r->nentries = ld64(t + 24);
	r->nevents = ld64(t + 32);
	r->blob_len = ld64(t + 48);
	table_off = ld64(t + 56);
	dir_off = ld64(t + 64);
	str_off = ld64(t + 72);
	str_len = ld64(t + 80);
	r->nscopes = ld32(t + 88);
	r->nsources = ld32(t + 92);
	gen = ld64(t + 96);
	size -= TRAILER;
	if (r->bits > 32 || ld64(t + 40) != 0 || r->blob_len > table_off ||
	    r->npatients > UINT32_MAX || table_off > size ||
	    r->npatients > (size - table_off) / 8 ||
	    dir_off < table_off + 8 * r->npatients)
		return corrupt(err, r->dir, "the index trailer is "
		    "inconsistent");
	nb = (UINT64_C(1) << r->bits) + 1;
	if (dir_off > size || nb > (size - dir_off) / 4 ||
	    str_off < dir_off + 4 * nb || str_off > size ||
	    str_len > size - str_off || gen != r->m.generation ||
	    r->blob_len > OFF_MASK)
		return corrupt(err, r->dir, "the index trailer is "
		    "inconsistent");
	if (r->npatients != r->m.patients || r->nentries != r->m.entries ||
	    r->nevents != r->m.events)
		return corrupt(err, r->dir, "the index and the manifest "
		    "disagree on the counts");
	r->blob = r->map;
	r->table = r->map + table_off;
	r->buckets = r->map + dir_off;
	if (ld32(r->buckets + 4 * (nb - 1)) != r->npatients)
		return corrupt(err, r->dir, "the index directory is "
		    "inconsistent");
	p = r->map + str_off;
	end = p + str_len;
	if (load_names(r, &p, end, r->nscopes, &r->scopes, &r->scope_len,
	    err) == -1 || load_names(r, &p, end, r->nsources, &r->sources,
	    NULL, err) == -1)
		return -1;
	return 0;
}

static int
check_segments(struct eds_registry *r, int dirfd, int flags,
    struct eds_error *err)
{
	char hex[EDS_SHA256_HEX], path[PATH_MAX + 64];
	struct stat st;
	uint64_t size;
	size_t i;

	for (i = 0; i < r->m.nseg; i++) {
		const struct segment *s = &r->m.seg[i];

		if (fstatat(dirfd, s->name, &st, 0) == -1) {
			if (errno == ENOENT)
				return eds_error_set(err, EDS_EX_DATAERR,
				    "the consent registry '%s' is corrupt: its "
				    "log segment '%s' is missing", r->dir,
				    s->name);
			return eds_error_errno(err, EDS_EX_NOINPUT, errno,
			    "cannot stat '%s/%s'", r->dir, s->name);
		}
		if ((uint64_t)st.st_size != s->bytes)
			return eds_error_set(err, EDS_EX_DATAERR, "the consent "
			    "registry '%s' is corrupt: its log segment '%s' "
			    "has %llu bytes, the manifest says %llu (truncated "
			    "or appended to)", r->dir, s->name,
			    (unsigned long long)st.st_size,
			    (unsigned long long)s->bytes);
		r->log_bytes += s->bytes;
		snprintf(path, sizeof path, "%s/%s", r->dir, s->name);
		/*
		 * Readers use the index only, whose SHA-256 was checked: the
		 * log's content is checked by those who read it (import,
		 * stats), its size by everybody.
		 */
		if (!(flags & EDS_REGISTRY_VERIFY_LOG))
			continue;
		if (eds_sha256_file(path, hex, &size, err) == -1)
			return -1;
		if (strcmp(hex, s->sha256) != 0)
			return eds_error_set(err, EDS_EX_DATAERR, "the consent "
			    "registry '%s' is corrupt: its log segment '%s' "
			    "fails its checksum (edited or damaged)", r->dir,
			    s->name);
	}
	return 0;
}

static int
open_dir(const char *dir, struct eds_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1) {
		if (errno == ENOENT)
			return eds_error_set(err, EDS_EX_NOINPUT, "no consent "
			    "registry at '%s' (no such directory)", dir);
		return eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot "
		    "open the consent registry '%s'", dir);
	}
	return fd;
}

struct eds_registry *
eds_registry_open(const char *dir, int flags, struct eds_error *err)
{
	struct eds_registry *r = xcalloc(1, sizeof *r);
	unsigned char digest[EDS_SHA256_LEN];
	char hex[EDS_SHA256_HEX], *text = NULL, *again = NULL;
	size_t len, len2;
	int dirfd, fd = -1, tries;

	r->dir = xstrdup(dir);
	if ((dirfd = open_dir(dir, err)) == -1)
		goto fail;
	/*
	 * An import may replace the manifest and remove the old index
	 * between our reading the one and opening the other: read again.
	 */
	for (tries = 0; tries < OPEN_RETRIES; tries++) {
		manifest_release(&r->m);
		free(text);
		text = NULL;
		if (manifest_read(dirfd, dir, &text, &len, err) == -1)
			goto fail;
		if (manifest_parse(dir, text, len, &r->m, err) == -1)
			goto fail;
		if ((fd = openat(dirfd, r->m.index, O_RDONLY | O_CLOEXEC)) !=
		    -1)
			break;
		if (errno != ENOENT) {
			eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot "
			    "open '%s/%s'", dir, r->m.index);
			goto fail;
		}
		free(again);
		again = NULL;
		if (manifest_read(dirfd, dir, &again, &len2, err) == -1)
			goto fail;
		/* manifest_parse cut text up: compare checksums. */
		eds_sha256(again, len2, digest);
		eds_hex(digest, EDS_SHA256_LEN, hex);
		if (strcmp(hex, r->m.sha256) == 0) {
			eds_error_set(err, EDS_EX_DATAERR, "the consent "
			    "registry '%s' is corrupt: its index '%s' is "
			    "missing", dir, r->m.index);
			goto fail;
		}
	}
	if (fd == -1) {
		eds_error_set(err, EDS_EX_NOINPUT, "cannot open the consent "
		    "registry '%s': it keeps changing", dir);
		goto fail;
	}
	if (map_index(r, fd, err) == -1 ||
	    check_segments(r, dirfd, flags, err) == -1)
		goto fail;
	close(fd);
	close(dirfd);
	free(text);
	free(again);
	return r;
fail:
	if (fd != -1)
		close(fd);
	if (dirfd != -1)
		close(dirfd);
	free(text);
	free(again);
	eds_registry_close(r);
	return NULL;
}

void
eds_registry_close(struct eds_registry *r)
{
	uint32_t i;

	if (r == NULL)
		return;
	if (r->map != NULL)
		munmap(r->map, r->map_len);
	if (r->scopes != NULL)
		for (i = 0; i < r->nscopes; i++)
			free(r->scopes[i]);
	if (r->sources != NULL)
		for (i = 0; i < r->nsources; i++)
			free(r->sources[i]);
	free(r->scopes);
	free(r->scope_len);
	free(r->sources);
	manifest_release(&r->m);
	free(r->dir);
	free(r);
}

void
eds_registry_info(const struct eds_registry *r, struct eds_registry_info *i)
{
	memset(i, 0, sizeof *i);
	i->format = r->m.format;
	i->generation = r->m.generation;
	i->patients = r->npatients;
	i->entries = r->nentries;
	i->events = r->nevents;
	i->segments = r->m.nseg;
	i->log_bytes = r->log_bytes;
	i->index_bytes = r->m.index_bytes;
	i->manifest_bytes = r->m.bytes;
	i->updated = r->m.updated;
	memcpy(i->manifest_sha256, r->m.sha256, EDS_SHA256_HEX);
}

const char *
eds_registry_dir(const struct eds_registry *r)
{
	return r->dir;
}

uint32_t
eds_registry_nscopes(const struct eds_registry *r)
{
	return r->nscopes;
}

const char *
eds_registry_scope_name(const struct eds_registry *r, uint32_t i)
{
	return i < r->nscopes ? r->scopes[i] : NULL;
}

long
eds_registry_scope_find(const struct eds_registry *r, const char *s,
    size_t len)
{
	uint32_t i;

	for (i = 0; i < r->nscopes; i++)
		if (r->scope_len[i] == len && memcmp(r->scopes[i], s, len) == 0)
			return (long)i;
	return -1;
}

uint32_t
eds_registry_nsources(const struct eds_registry *r)
{
	return r->nsources;
}

const char *
eds_registry_source_name(const struct eds_registry *r, uint32_t i)
{
	return i < r->nsources ? r->sources[i] : NULL;
}

/* Bounds of record i in the blob. */
static int
record_bounds(const struct eds_registry *r, uint64_t i,
    const unsigned char **p, const unsigned char **end)
{
	uint64_t off = ld64(r->table + 8 * i) & OFF_MASK, next;

	next = i + 1 < r->npatients ? ld64(r->table + 8 * (i + 1)) & OFF_MASK
	    : r->blob_len;
	if (off > next || next > r->blob_len)
		return -1;
	*p = r->blob + off;
	*end = r->blob + next;
	return 0;
}

static int
record_open(const struct eds_registry *r, uint64_t i,
    struct eds_registry_patient *pt, struct eds_error *err)
{
	const unsigned char *p, *end;
	uint64_t len, n;

	if (record_bounds(r, i, &p, &end) == -1 ||
	    (p = get_uvar(p, end, &len)) == NULL ||
	    len > (uint64_t)(end - p) || len == 0)
		return corrupt(err, r->dir, "bad patient record in the index");
	pt->id = (const char *)p;
	pt->id_len = (size_t)len;
	p += len;
	if ((p = get_uvar(p, end, &n)) == NULL || n > (uint64_t)(end - p))
		return corrupt(err, r->dir, "bad patient record in the index");
	pt->nentries = pt->left = (size_t)n;
	pt->reg = r;
	pt->p = p;
	pt->end = end;
	return 0;
}

int
eds_registry_patient(const struct eds_registry *r, uint64_t i,
    struct eds_registry_patient *pt, struct eds_error *err)
{
	if (i >= r->npatients)
		return eds_error_set(err, EDS_EX_SOFTWARE, "patient %llu out "
		    "of range", (unsigned long long)i);
	return record_open(r, i, pt, err);
}

int
eds_registry_find(const struct eds_registry *r, const char *id, size_t len,
    struct eds_registry_patient *pt, struct eds_error *err)
{
	uint64_t h, b, fp, e, lo, hi, i;

	if (r->npatients == 0)
		return 0;
	h = eds_registry_hash(id, len);
	b = bucket_of(h, r->bits);
	fp = fingerprint(h, r->bits);
	lo = ld32(r->buckets + 4 * b);
	hi = ld32(r->buckets + 4 * (b + 1));
	if (lo > hi || hi > r->npatients)
		return corrupt(err, r->dir, "bad directory in the index");
	for (i = lo; i < hi; i++) {
		e = ld64(r->table + 8 * i) >> OFF_BITS;
		if (e < fp)
			continue;
		if (e > fp)
			break;
		if (record_open(r, i, pt, err) == -1)
			return -1;
		if (pt->id_len == len && memcmp(pt->id, id, len) == 0)
			return 1;
	}
	return 0;
}

/* Decode one item at p; NULL if malformed. */
static const unsigned char *
item_decode(const unsigned char *p, const unsigned char *end,
    uint32_t nsources, struct eds_consent_item *it)
{
	uint64_t v;
	int64_t t;
	unsigned f;

	if (p >= end)
		return NULL;
	f = *p++;
	if ((f & ~IT_KNOWN) != 0 || (f & IT_DECISION) == 0 ||
	    (!(f & IT_EXPIRES) && (f & IT_E_SEC)))
		return NULL;
	it->decision = (int)(f & IT_DECISION);
	if ((p = get_uvar(p, end, &v)) == NULL)
		return NULL;
	t = unzigzag(v);
	if (f & IT_T_SEC) {
		if (t < TIME_MIN_S || t > TIME_MAX_S)
			return NULL;
		t *= US;
	} else if (t < TIME_MIN_S * US || t > TIME_MAX_S * US)
		return NULL;
	it->recorded_at = t;
	it->expires_at = EDS_CONSENT_NEVER;
	if (f & IT_EXPIRES) {
		if ((p = get_uvar(p, end, &v)) == NULL)
			return NULL;
		t = unzigzag(v);
		if (f & IT_E_SEC) {
			if (t < TIME_MIN_S || t > TIME_MAX_S)
				return NULL;
			t *= US;
		} else if (t < TIME_MIN_S * US || t > TIME_MAX_S * US)
			return NULL;
		it->expires_at = t;
	}
	if ((p = get_uvar(p, end, &v)) == NULL || v >= nsources)
		return NULL;
	it->source = (uint32_t)v;
	return p;
}

static void
item_encode(struct eds_buf *b, const struct eds_consent_item *it)
{
	unsigned f = (unsigned)it->decision;
	int tsec = it->recorded_at % US == 0;
	int esec = it->expires_at != EDS_CONSENT_NEVER &&
	    it->expires_at % US == 0;

	if (tsec)
		f |= IT_T_SEC;
	if (it->expires_at != EDS_CONSENT_NEVER)
		f |= IT_EXPIRES;
	if (esec)
		f |= IT_E_SEC;
	eds_buf_addch(b, (char)f);
	put_uvar(b, zigzag(tsec ? it->recorded_at / US : it->recorded_at));
	if (it->expires_at != EDS_CONSENT_NEVER)
		put_uvar(b, zigzag(esec ? it->expires_at / US :
		    it->expires_at));
	put_uvar(b, it->source);
}

static int
next_entry(const struct eds_registry *r, struct eds_registry_patient *pt,
    struct eds_registry_entry *e, struct eds_consent_item **items,
    size_t *cap, struct eds_error *err)
{
	const unsigned char *p = pt->p;
	uint64_t scope, n, i;

	if (pt->left == 0)
		return 0;
	if ((p = get_uvar(p, pt->end, &scope)) == NULL ||
	    scope >= r->nscopes || (p = get_uvar(p, pt->end, &n)) == NULL ||
	    n == 0 || n > (uint64_t)(pt->end - p) / 3)
		return corrupt(err, r->dir, "bad scope entry in the index");
	if (n > *cap) {
		*cap = (size_t)n < 16 ? 16 : (size_t)n * 2;
		*items = xreallocarray(*items, *cap, sizeof **items);
	}
	for (i = 0; i < n; i++) {
		if ((p = item_decode(p, pt->end, r->nsources,
		    &(*items)[i])) == NULL)
			return corrupt(err, r->dir, "bad decision in the "
			    "index");
		/* A history out of order would decide by the wrong event. */
		if (i > 0 && (*items)[i].recorded_at <
		    (*items)[i - 1].recorded_at)
			return corrupt(err, r->dir, "decisions out of order in "
			    "the index");
	}
	e->scope = (uint32_t)scope;
	e->nitems = (size_t)n;
	pt->p = p;
	pt->left--;
	return 1;
}

int
eds_registry_next_entry(struct eds_registry_patient *pt,
    struct eds_registry_entry *e, struct eds_consent_item **items,
    size_t *cap, struct eds_error *err)
{
	return next_entry(pt->reg, pt, e, items, cap, err);
}

/* --- writing new registry files ------------------------------------------ */

/*
 * A file being written into the registry directory: unnamed (O_TMPFILE)
 * where the system allows, so that a killed import leaves nothing behind,
 * else under a temporary name that the next import removes.
 */
struct wfile {
	int dirfd;
	const char *dir;
	int fd;
	char tmp[64];		/* temporary name, "" when unnamed */
	unsigned char *buf;
	size_t len;
	uint64_t size;
	struct eds_sha256 sha;
	int sha_live;
	uLong crc;		/* CRC-32 of what was written */
};

static unsigned long temp_counter;

static int
wf_open(struct wfile *w, int dirfd, const char *dir, struct eds_error *err)
{
	memset(w, 0, sizeof *w);
	w->dirfd = dirfd;
	w->dir = dir;
	w->fd = -1;
#ifdef O_TMPFILE
	if (access("/proc/self/fd", X_OK) == 0)
		w->fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
		    0640);
#endif
	if (w->fd == -1) {
		snprintf(w->tmp, sizeof w->tmp, ".tmp-%ld-%lu",
		    (long)getpid(), temp_counter++);
		w->fd = openat(dirfd, w->tmp, O_RDWR | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0640);
		if (w->fd == -1) {
			w->tmp[0] = '\0';
			return eds_error_errno(err, EDS_EX_CANTCREAT, errno,
			    "cannot create a file in the consent registry "
			    "'%s'", dir);
		}
	}
	w->buf = xmalloc(WBUF);
	eds_sha256_init(&w->sha);
	w->sha_live = 1;
	w->crc = crc32(0L, Z_NULL, 0);
	return 0;
}

static int
wf_flush(struct wfile *w, struct eds_error *err)
{
	size_t off = 0;
	ssize_t n;

	while (off < w->len) {
		n = write(w->fd, w->buf + off, w->len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return eds_error_errno(err, EDS_EX_IOERR,
			    n == -1 ? errno : EIO, "cannot write to the "
			    "consent registry '%s'", w->dir);
		off += (size_t)n;
	}
	w->len = 0;
	return 0;
}

static int
wf_write(struct wfile *w, const void *p, size_t n, struct eds_error *err)
{
	const unsigned char *s = p;
	size_t k;

	eds_sha256_update(&w->sha, p, n);
	w->size += n;
	for (k = 0; k < n; k += WBUF)
		w->crc = crc32(w->crc, s + k, (uInt)(n - k < WBUF ? n - k :
		    WBUF));
	while (n > 0) {
		if (w->len == WBUF && wf_flush(w, err) == -1)
			return -1;
		k = WBUF - w->len < n ? WBUF - w->len : n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
	}
	return 0;
}

/* Flush and fsync; the SHA-256 and size of what was written. */
static int
wf_finish(struct wfile *w, char hex[EDS_SHA256_HEX], uint64_t *size,
    struct eds_error *err)
{
	if (wf_flush(w, err) == -1)
		return -1;
	if (fsync(w->fd) == -1)
		return eds_error_errno(err, EDS_EX_IOERR, errno, "cannot sync "
		    "the consent registry '%s'", w->dir);
	eds_sha256_final_hex(&w->sha, hex);
	w->sha_live = 0;
	*size = w->size;
	return 0;
}

/* Give the file its name in the directory (replacing nothing). */
static int
wf_link(struct wfile *w, const char *name, struct eds_error *err)
{
	char proc[64];
	int rc;

	if (w->tmp[0] != '\0') {
		rc = renameat(w->dirfd, w->tmp, w->dirfd, name);
		if (rc == 0)
			w->tmp[0] = '\0';
	} else {
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", w->fd);
		rc = linkat(AT_FDCWD, proc, w->dirfd, name, AT_SYMLINK_FOLLOW);
	}
	if (rc == -1)
		return eds_error_errno(err, EDS_EX_CANTCREAT, errno, "cannot "
		    "create '%s/%s'", w->dir, name);
	return 0;
}

static void
wf_close(struct wfile *w)
{
	if (w->fd != -1)
		close(w->fd);
	w->fd = -1;
	if (w->tmp[0] != '\0')
		(void)unlinkat(w->dirfd, w->tmp, 0);
	w->tmp[0] = '\0';
	if (w->sha_live)
		eds_sha256_release(&w->sha);
	w->sha_live = 0;
	free(w->buf);
	w->buf = NULL;
}

/* --- import -------------------------------------------------------------- */

/* An event read for import; strings live in the import's tables. */
struct nev {
	uint64_t h;		/* eds_registry_hash of the identifier */
	uint64_t id;		/* offset of the identifier in g->ids */
	int64_t t, exp;
	uint32_t scope, source;
	uint16_t id_len;
	uint8_t decision;
	uint8_t dup;		/* identical to an earlier event */
};

/* Interned strings (scopes, sources), numbered in order of arrival. */
struct strtab {
	char **s;
	size_t *len;
	uint32_t n, cap;
	uint32_t *slot;		/* open addressing: number + 1, 0 empty */
	size_t nslot;
};

static void
strtab_release(struct strtab *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->len);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static uint32_t
strtab_add(struct strtab *t, const char *s, size_t len)
{
	size_t i, mask;
	uint32_t k;

	if (2 * ((size_t)t->n + 1) > t->nslot) {
		size_t ns = t->nslot ? 2 * t->nslot : 64;

		free(t->slot);
		t->slot = xcalloc(ns, sizeof *t->slot);
		t->nslot = ns;
		for (k = 0; k < t->n; k++) {
			i = eds_registry_hash(t->s[k], t->len[k]) & (ns - 1);
			while (t->slot[i] != 0)
				i = (i + 1) & (ns - 1);
			t->slot[i] = k + 1;
		}
	}
	mask = t->nslot - 1;
	i = eds_registry_hash(s, len) & mask;
	while ((k = t->slot[i]) != 0) {
		if (t->len[k - 1] == len && memcmp(t->s[k - 1], s, len) == 0)
			return k - 1;
		i = (i + 1) & mask;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->s = xreallocarray(t->s, t->cap, sizeof *t->s);
		t->len = xreallocarray(t->len, t->cap, sizeof *t->len);
	}
	t->s[t->n] = xstrndup(s, len);
	t->len[t->n] = len;
	t->slot[i] = ++t->n;
	return t->n - 1;
}

struct import {
	const struct eds_import_options *o;
	const char *dir;
	int dirfd;
	struct eds_registry *old;
	struct strtab scopes, sources;
	struct nev *ev;
	size_t nev, cap;
	uint32_t *order;	/* ev indexes sorted for the merge */
	struct eds_buf ids;
	struct eds_consent_columns cols;
	int saw_header;
	struct eds_rejects *rej;
	struct eds_run *run;
	struct eds_input *in;
	uint64_t rows_in, rejected, duplicates, accepted, bytes_done;
	uint64_t new_entries;
	struct eds_error *err;
};

static int
import_reject(struct import *g, struct eds_record *rec, struct eds_error *err)
{
	g->rejected++;
	return eds_reject_row(g->rej, g->run, rec, g->o->on_reject, g->o->ctx,
	    err);
}

static int
import_row(void *ctx, struct eds_record *rec, struct eds_error *err)
{
	struct import *g = ctx;
	struct eds_consent_event e;
	struct nev *v;

	if (rec->index == 0) {
		g->saw_header = 1;
		return eds_consent_header(rec, &g->cols, err);
	}
	g->rows_in++;
	if (g->o->progress != NULL && g->rows_in % PROGRESS_EVERY == 0)
		g->o->progress(g->o->ctx, g->rows_in, g->bytes_done +
		    eds_input_stored_bytes(g->in));
	if (rec->reason != NULL || eds_consent_event_parse(&g->cols, rec,
	    &e) == -1)
		return import_reject(g, rec, err);
	if (g->nev == UINT32_MAX)
		return eds_error_at(err, EDS_EX_DATAERR, rec->file, rec->line,
		    0, "too many events in one import (split the files)");
	if (g->nev == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 4096;
		g->ev = xreallocarray(g->ev, g->cap, sizeof *g->ev);
	}
	v = &g->ev[g->nev++];
	v->h = eds_registry_hash(e.patient, e.patient_len);
	v->id = g->ids.len;
	v->id_len = (uint16_t)e.patient_len;
	eds_buf_add(&g->ids, e.patient, e.patient_len);
	v->t = e.recorded_at;
	v->exp = e.expires_at;
	v->scope = strtab_add(&g->scopes, e.scope, e.scope_len);
	v->source = strtab_add(&g->sources, e.source, e.source_len);
	v->decision = (uint8_t)e.decision;
	v->dup = 0;
	return 0;
}

static int
import_file(struct import *g, const char *path, struct eds_error *err)
{
	struct eds_csv_options opt;
	struct eds_csv_reader *r;
	char sha[EDS_SHA256_HEX];
	int rc;

	if ((g->in = eds_input_open(path, err)) == NULL)
		return -1;
	eds_csv_options_init(&opt);
	opt.sep = 0;		/* detected from the header */
	r = eds_csv_reader_new(g->in, &opt);
	g->saw_header = 0;
	rc = eds_csv_reader_run(r, import_row, g, err);
	if (rc == 0 && !g->saw_header)
		rc = eds_error_at(err, EDS_EX_DATAERR, eds_input_name(g->in),
		    0, 0, "file is empty (expected a header row)");
	eds_csv_reader_free(r);
	eds_input_sha256(g->in, sha);
	eds_run_input(g->run, eds_input_name(g->in), sha,
	    eds_input_stored_bytes(g->in));
	g->bytes_done += eds_input_stored_bytes(g->in);
	eds_input_close(g->in);
	g->in = NULL;
	return rc;
}

/* Sorting: (hash, index) pairs by radix, then runs of equal hash. */
struct hk {
	uint64_t h;
	uint64_t i;
};

static int
ev_cmp(const struct import *g, uint32_t a, uint32_t b)
{
	const struct nev *x = &g->ev[a], *y = &g->ev[b];
	int c = id_cmp(g->ids.p + x->id, x->id_len, g->ids.p + y->id,
	    y->id_len);

	if (c != 0)
		return c;
	if (x->scope != y->scope)
		return x->scope < y->scope ? -1 : 1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void
run_sort(const struct import *g, uint32_t *a, uint32_t *tmp, size_t n)
{
	size_t i, j, k, mid;
	uint32_t v;

	if (n <= 16) {
		for (i = 1; i < n; i++) {
			v = a[i];
			for (j = i; j > 0 && ev_cmp(g, a[j - 1], v) > 0; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
		return;
	}
	mid = n / 2;
	run_sort(g, a, tmp, mid);
	run_sort(g, a + mid, tmp, n - mid);
	memcpy(tmp, a, n * sizeof *a);
	for (i = 0, j = mid, k = 0; k < n; k++)
		if (j >= n || (i < mid && ev_cmp(g, tmp[i], tmp[j]) <= 0))
			a[k] = tmp[i++];
		else
			a[k] = tmp[j++];
}

static void
import_sort(struct import *g)
{
	struct hk *a, *b, *t;
	size_t *count, i, n = g->nev, s, e;
	uint32_t *tmp;
	int pass;

	a = xcalloc(n ? n : 1, sizeof *a);
	b = xcalloc(n ? n : 1, sizeof *b);
	count = xcalloc(65536, sizeof *count);
	for (i = 0; i < n; i++) {
		a[i].h = g->ev[i].h;
		a[i].i = i;
	}
	for (pass = 0; pass < 4; pass++) {
		size_t sum = 0, c;

		memset(count, 0, 65536 * sizeof *count);
		for (i = 0; i < n; i++)
			count[(a[i].h >> (16 * pass)) & 0xffff]++;
		for (i = 0; i < 65536; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[count[(a[i].h >> (16 * pass)) & 0xffff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	free(b);
	free(count);
	g->order = xcalloc(n ? n : 1, sizeof *g->order);
	for (i = 0; i < n; i++)
		g->order[i] = (uint32_t)a[i].i;
	tmp = NULL;
	for (s = 0; s < n; s = e) {
		for (e = s + 1; e < n && a[e].h == a[s].h; e++)
			;
		if (e - s > 1) {
			if (tmp == NULL)
				tmp = xcalloc(n, sizeof *tmp);
			run_sort(g, g->order + s, tmp, e - s);
		}
	}
	free(tmp);
	free(a);
}

/* The new index, built in one walk. */
struct builder {
	struct wfile w;
	uint64_t *tab;
	uint64_t np, cap;
	uint32_t *buckets;
	uint64_t next_bucket;
	unsigned bits;
	uint64_t blob_off;
	uint64_t entries, events;
	struct eds_buf rec, ent;
	struct eds_consent_item *items, *out;
	size_t items_cap, out_cap, nout;
};

static int
emit(struct import *g, struct builder *b, uint64_t h, const void *rec,
    size_t len, struct eds_error *err)
{
	uint64_t bk = bucket_of(h, b->bits);

	while (b->next_bucket <= bk)
		b->buckets[b->next_bucket++] = (uint32_t)b->np;
	if (b->blob_off + len > OFF_MASK)
		return eds_error_set(err, EDS_EX_DATAERR, "the consent "
		    "registry '%s' would exceed the index size limit of 1 TiB",
		    g->dir);
	b->tab[b->np++] = fingerprint(h, b->bits) << OFF_BITS | b->blob_off;
	b->blob_off += len;
	return wf_write(&b->w, rec, len, err);
}

static void
out_push(struct builder *b, const struct eds_consent_item *it)
{
	if (b->nout == b->out_cap) {
		b->out_cap = b->out_cap ? 2 * b->out_cap : 16;
		b->out = xreallocarray(b->out, b->out_cap, sizeof *b->out);
	}
	b->out[b->nout++] = *it;
}

/*
 * Merge the old items of a scope (old[0..nold), in stored order) with the
 * new events order[q..qe) of the same scope (sorted by time, then import
 * order), dropping new events identical to an item of the same time, and
 * append the entry to b->ent.
 */
static void
merge_entry(struct import *g, struct builder *b, uint32_t scope,
    const struct eds_consent_item *old, size_t nold, size_t q, size_t qe)
{
	struct eds_consent_item it;
	size_t i = 0, k, m;

	b->nout = 0;
	for (k = q; k < qe; k++) {
		struct nev *x = &g->ev[g->order[k]];
		int dup = 0;

		while (i < nold && old[i].recorded_at <= x->t)
			out_push(b, &old[i++]);
		for (m = b->nout; m > 0 && b->out[m - 1].recorded_at == x->t;
		    m--) {
			const struct eds_consent_item *o = &b->out[m - 1];

			if (o->decision == x->decision &&
			    o->expires_at == x->exp && o->source == x->source) {
				dup = 1;
				break;
			}
		}
		if (dup) {
			x->dup = 1;
			g->duplicates++;
			continue;
		}
		it.recorded_at = x->t;
		it.expires_at = x->exp;
		it.decision = x->decision;
		it.source = x->source;
		out_push(b, &it);
		g->accepted++;
	}
	while (i < nold)
		out_push(b, &old[i++]);
	if (nold == 0)
		g->new_entries++;
	put_uvar(&b->ent, scope);
	put_uvar(&b->ent, b->nout);
	for (k = 0; k < b->nout; k++)
		item_encode(&b->ent, &b->out[k]);
}

/* Build the record of a patient from its old record (or none) and news. */
static int
merge_patient(struct import *g, struct builder *b,
    struct eds_registry_patient *pt, size_t q, size_t qe,
    struct eds_error *err)
{
	struct eds_registry_entry e;
	const struct nev *x = &g->ev[g->order[q]];
	size_t nent = 0, se;
	int have;

	eds_buf_reset(&b->ent);
	have = pt != NULL ? next_entry(g->old, pt, &e, &b->items,
	    &b->items_cap, err) : 0;
	while (have == 1 || q < qe) {
		uint32_t sn = q < qe ? g->ev[g->order[q]].scope : UINT32_MAX;

		if (have == -1)
			return -1;
		for (se = q; se < qe && g->ev[g->order[se]].scope == sn; se++)
			;
		if (have == 1 && (q == qe || e.scope < sn)) {
			merge_entry(g, b, e.scope, b->items, e.nitems, q, q);
			have = next_entry(g->old, pt, &e, &b->items,
			    &b->items_cap, err);
		} else if (have == 1 && e.scope == sn) {
			merge_entry(g, b, sn, b->items, e.nitems, q, se);
			q = se;
			have = next_entry(g->old, pt, &e, &b->items,
			    &b->items_cap, err);
		} else {
			merge_entry(g, b, sn, NULL, 0, q, se);
			q = se;
		}
		nent++;
	}
	if (have == -1)
		return -1;
	eds_buf_reset(&b->rec);
	put_uvar(&b->rec, x->id_len);
	eds_buf_add(&b->rec, g->ids.p + x->id, x->id_len);
	put_uvar(&b->rec, nent);
	eds_buf_add(&b->rec, b->ent.p, b->ent.len);
	return emit(g, b, x->h, b->rec.p, b->rec.len, err);
}

static int
write_names(struct wfile *w, const struct strtab *t, struct eds_error *err)
{
	struct eds_buf b = EDS_BUF_INIT;
	uint32_t i;
	int rc;

	for (i = 0; i < t->n; i++) {
		put_uvar(&b, t->len[i]);
		eds_buf_add(&b, t->s[i], t->len[i]);
	}
	rc = b.len > 0 ? wf_write(w, b.p, b.len, err) : 0;
	eds_buf_release(&b);
	return rc;
}

static int
write_tail(struct import *g, struct builder *b, uint64_t generation,
    struct eds_error *err)
{
	unsigned char t[TRAILER], word[8], pad[8] = { 0 };
	uint64_t nb = (UINT64_C(1) << b->bits) + 1, i, table_off, dir_off;
	uint64_t str_off;

	while (b->next_bucket < nb)
		b->buckets[b->next_bucket++] = (uint32_t)b->np;
	if (b->w.size % 8 != 0 && wf_write(&b->w, pad, 8 - b->w.size % 8,
	    err) == -1)
		return -1;
	table_off = b->w.size;
	for (i = 0; i < b->np; i++) {
		st64(word, b->tab[i]);
		if (wf_write(&b->w, word, 8, err) == -1)
			return -1;
	}
	dir_off = b->w.size;
	for (i = 0; i < nb; i++) {
		st32(word, b->buckets[i]);
		if (wf_write(&b->w, word, 4, err) == -1)
			return -1;
	}
	str_off = b->w.size;
	if (write_names(&b->w, &g->scopes, err) == -1 ||
	    write_names(&b->w, &g->sources, err) == -1)
		return -1;
	memset(t, 0, sizeof t);
	memcpy(t, INDEX_MAGIC, 8);
	st32(t + 8, EDS_REGISTRY_FORMAT);
	st32(t + 12, b->bits);
	st64(t + 16, b->np);
	st64(t + 24, b->entries);
	st64(t + 32, b->events);
	st64(t + 40, 0);
	st64(t + 48, b->blob_off);
	st64(t + 56, table_off);
	st64(t + 64, dir_off);
	st64(t + 72, str_off);
	st64(t + 80, b->w.size - str_off);
	st32(t + 88, g->scopes.n);
	st32(t + 92, g->sources.n);
	st64(t + 96, generation);
	st64(t + 120, b->w.size + TRAILER);
	return wf_write(&b->w, t, TRAILER, err);
}

static void
builder_release(struct builder *b)
{
	wf_close(&b->w);
	free(b->tab);
	free(b->buckets);
	eds_buf_release(&b->rec);
	eds_buf_release(&b->ent);
	free(b->items);
	free(b->out);
}

/* Walk the old index and the sorted news together into b. */
static int
build_index(struct import *g, struct builder *b, uint64_t generation,
    struct eds_error *err)
{
	struct eds_registry_patient pt;
	const struct eds_registry *old = g->old;
	uint64_t nold = old != NULL ? old->npatients : 0, i = 0, oh = 0;
	uint64_t upper, cur = UINT64_MAX, ph = 0;
	size_t q = 0, qe, n = g->nev, plen = 0;
	const char *pid = NULL;
	const unsigned char *rp, *re;

	/* An upper bound of the patients sizes the directory. */
	upper = nold;
	for (q = 0; q < n; q = qe) {
		const struct nev *x = &g->ev[g->order[q]];

		for (qe = q + 1; qe < n; qe++) {
			const struct nev *y = &g->ev[g->order[qe]];

			if (y->h != x->h || id_cmp(g->ids.p + x->id, x->id_len,
			    g->ids.p + y->id, y->id_len) != 0)
				break;
		}
		upper++;
	}
	if (upper > UINT32_MAX)
		return eds_error_set(err, EDS_EX_DATAERR, "the consent "
		    "registry '%s' would hold more than %u patients", g->dir,
		    UINT32_MAX);
	b->bits = 0;
	while (b->bits < 32 && (UINT64_C(2) << b->bits) <= upper)
		b->bits++;
	b->cap = upper ? upper : 1;
	b->tab = xcalloc(b->cap, sizeof *b->tab);
	b->buckets = xcalloc((UINT64_C(1) << b->bits) + 1,
	    sizeof *b->buckets);
	for (q = 0;;) {
		const struct nev *x = q < n ? &g->ev[g->order[q]] : NULL;
		int c;

		if (i < nold && cur != i) {
			if (i > 0) {
				ph = oh;
				pid = pt.id;
				plen = pt.id_len;
			}
			if (record_open(old, i, &pt, err) == -1)
				return -1;
			oh = eds_registry_hash(pt.id, pt.id_len);
			cur = i;
			/*
			 * The walk merges two sorted lists: an old index out
			 * of order (its checksums hold, its order does not)
			 * would hide patients, old or new, from every look-up.
			 */
			if (i > 0 && (ph > oh || (ph == oh && id_cmp(pid,
			    plen, pt.id, pt.id_len) >= 0)))
				return corrupt(err, g->dir, "patients out of "
				    "order in the index");
		}
		if (i >= nold && x == NULL)
			break;
		if (x == NULL)
			c = -1;
		else if (i >= nold)
			c = 1;
		else if (oh != x->h)
			c = oh < x->h ? -1 : 1;
		else
			c = id_cmp(pt.id, pt.id_len, g->ids.p + x->id,
			    x->id_len);
		if (c < 0) {
			/* Nothing new for this patient: copy its record. */
			if (record_bounds(old, i, &rp, &re) == -1)
				return corrupt(err, g->dir, "bad patient "
				    "record in the index");
			if (emit(g, b, oh, rp, (size_t)(re - rp), err) == -1)
				return -1;
			i++;
			continue;
		}
		for (qe = q + 1; qe < n; qe++) {
			const struct nev *y = &g->ev[g->order[qe]];

			if (y->h != x->h || id_cmp(g->ids.p + x->id, x->id_len,
			    g->ids.p + y->id, y->id_len) != 0)
				break;
		}
		if (merge_patient(g, b, c == 0 ? &pt : NULL, q, qe, err) == -1)
			return -1;
		if (c == 0)
			i++;
		q = qe;
	}
	b->entries = (old != NULL ? old->nentries : 0) + g->new_entries;
	b->events = (old != NULL ? old->nevents : 0) + g->accepted;
	return write_tail(g, b, generation, err);
}

/* Append s[0..n) as a canonical CSV field. */
static void
csv_field(struct eds_buf *b, const char *s, size_t n)
{
	size_t i;

	if (memchr(s, ',', n) == NULL && memchr(s, '"', n) == NULL) {
		eds_buf_add(b, s, n);
		return;
	}
	eds_buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			eds_buf_addch(b, '"');
		eds_buf_addch(b, s[i]);
	}
	eds_buf_addch(b, '"');
}

static int
write_segment(struct import *g, struct wfile *w, struct eds_error *err)
{
	struct eds_buf b = EDS_BUF_INIT;
	char t[EDS_CONSENT_TIME_MAX];
	size_t i;
	int rc = 0;

	eds_buf_addstr(&b, LOG_HEADER);
	for (i = 0; i < g->nev && rc == 0; i++) {
		const struct nev *x = &g->ev[i];

		if (x->dup)
			continue;
		csv_field(&b, g->ids.p + x->id, x->id_len);
		eds_buf_addch(&b, ',');
		eds_buf_add(&b, g->scopes.s[x->scope], g->scopes.len[x->scope]);
		eds_buf_addch(&b, ',');
		eds_buf_addstr(&b, eds_consent_decision_name(x->decision));
		eds_buf_addch(&b, ',');
		eds_consent_time_format(x->t, t);
		eds_buf_addstr(&b, t);
		eds_buf_addch(&b, ',');
		csv_field(&b, g->sources.s[x->source],
		    g->sources.len[x->source]);
		eds_buf_addch(&b, ',');
		if (x->exp != EDS_CONSENT_NEVER) {
			eds_consent_time_format(x->exp, t);
			eds_buf_addstr(&b, t);
		}
		eds_buf_addch(&b, '\n');
		if (b.len >= WBUF / 2) {
			rc = wf_write(w, b.p, b.len, err);
			eds_buf_reset(&b);
		}
	}
	if (rc == 0 && b.len > 0)
		rc = wf_write(w, b.p, b.len, err);
	eds_buf_release(&b);
	return rc;
}

/*
 * Remove what a killed import left: files named like ours that the
 * manifest (m, NULL for none) does not list.  *foreign counts other files.
 */
static void
clean_orphans(int dirfd, const struct manifest *m, size_t *foreign)
{
	struct dirent *d;
	DIR *dh;
	size_t i;
	int fd = dup(dirfd), ours;

	*foreign = 0;
	if (fd == -1 || (dh = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((d = readdir(dh)) != NULL) {
		const char *n = d->d_name;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
		    strcmp(n, MANIFEST) == 0 || strcmp(n, LOCKFILE) == 0)
			continue;
		ours = strncmp(n, ".tmp-", 5) == 0 ||
		    strcmp(n, MANIFEST_NEW) == 0 ||
		    name_ok(n, "index-", ".bin") ||
		    name_ok(n, "events-", ".csv");
		if (!ours) {
			(*foreign)++;
			continue;
		}
		if (m != NULL && strcmp(n, m->index) == 0)
			continue;
		for (i = 0; m != NULL && i < m->nseg; i++)
			if (strcmp(n, m->seg[i].name) == 0)
				break;
		if (m != NULL && i < m->nseg)
			continue;
		(void)unlinkat(dirfd, n, 0);
	}
	closedir(dh);
}

static void
test_pause(const char *point)
{
	const char *p = getenv("EDS_TEST_PAUSE");

	if (p != NULL && strcmp(p, point) == 0)
		raise(SIGSTOP);
}

void
eds_import_options_init(struct eds_import_options *o)
{
	memset(o, 0, sizeof *o);
}

/*
 * Create dir if missing; open it and take the import lock, waiting for an
 * import that holds it (saying so through o->on_wait first, and counting
 * the wait in run).
 */
static int
lock_registry(const char *dir, const struct eds_import_options *o,
    struct eds_run *run, int *dirfd, int *lockfd, struct eds_error *err)
{
	struct timespec t0, t1;
	struct stat st;
	char lock[PATH_MAX];

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT || (mkdir(dir, 0750) == -1 &&
		    errno != EEXIST))
			return eds_error_errno(err, EDS_EX_CANTCREAT, errno,
			    "cannot create the consent registry '%s'", dir);
	} else if (!S_ISDIR(st.st_mode))
		return eds_error_set(err, EDS_EX_CANTCREAT, "cannot use '%s' "
		    "as a consent registry: Not a directory", dir);
	if ((*dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot "
		    "open the consent registry '%s'", dir);
	if ((*lockfd = openat(*dirfd, LOCKFILE, O_RDWR | O_CREAT | O_CLOEXEC,
	    0640)) == -1)
		return eds_error_errno(err, EDS_EX_CANTCREAT, errno, "cannot "
		    "open '%s/%s'", dir, LOCKFILE);
	while (flock(*lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot lock '%s/%s'", dir, LOCKFILE);
		/* Another import: wait for it, saying so. */
		snprintf(lock, sizeof lock, "%s/%s", dir, LOCKFILE);
		if (o->on_wait != NULL)
			o->on_wait(o->ctx, lock);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (flock(*lockfd, LOCK_EX) == -1)
			if (errno != EINTR)
				return eds_error_errno(err, EDS_EX_IOERR, errno,
				    "cannot lock '%s'", lock);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		eds_run_set(run, "lock_wait_ms", (uint64_t)((t1.tv_sec -
		    t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
		break;
	}
	return 0;
}

static void
import_release(struct import *g)
{
	eds_registry_close(g->old);
	strtab_release(&g->scopes);
	strtab_release(&g->sources);
	free(g->ev);
	free(g->order);
	eds_buf_release(&g->ids);
	eds_rejects_abort(g->rej);
}

/* Link the new files in and rename the new manifest over the old one. */
static int
commit(struct import *g, struct builder *b, struct wfile *seg,
    struct manifest *m, struct eds_error *err)
{
	struct eds_buf text = EDS_BUF_INIT;
	struct wfile mw;
	char hex[EDS_SHA256_HEX];
	uint64_t size;
	int rc = -1, linked = 0;	/* 1 segment, 2 index, 4 manifest.new */

	memset(&mw, 0, sizeof mw);
	mw.fd = -1;
	test_pause("import-written");
	if (seg != NULL && wf_link(seg, m->seg[m->nseg - 1].name, err) == -1)
		goto done;
	linked |= seg != NULL ? 1 : 0;
	if (wf_link(&b->w, m->index, err) == -1)
		goto done;
	linked |= 2;
	if (fsync(g->dirfd) == -1) {
		eds_error_errno(err, EDS_EX_IOERR, errno, "cannot sync the "
		    "consent registry '%s'", g->dir);
		goto done;
	}
	test_pause("import-linked");
	manifest_format(m, &text);
	(void)unlinkat(g->dirfd, MANIFEST_NEW, 0);
	if (wf_open(&mw, g->dirfd, g->dir, err) == -1 ||
	    wf_write(&mw, text.p, text.len, err) == -1 ||
	    wf_finish(&mw, hex, &size, err) == -1 ||
	    wf_link(&mw, MANIFEST_NEW, err) == -1)
		goto done;
	linked |= 4;
	if (renameat(g->dirfd, MANIFEST_NEW, g->dirfd, MANIFEST) == -1) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno, "cannot rename "
		    "'%s/%s'", g->dir, MANIFEST_NEW);
		goto done;
	}
	/* Committed: the new files are the registry's now. */
	linked = 0;
	if (fsync(g->dirfd) == -1) {
		eds_error_errno(err, EDS_EX_IOERR, errno, "cannot sync the "
		    "consent registry '%s'", g->dir);
		goto done;
	}
	memcpy(m->sha256, hex, EDS_SHA256_HEX);
	m->bytes = size;
	rc = 0;
done:
	/*
	 * Not committed: what was linked in goes, so that a failed import
	 * leaves the directory as it was (a killed one leaves them to the
	 * next import, which removes what no manifest names).
	 */
	if (linked & 1)
		(void)unlinkat(g->dirfd, m->seg[m->nseg - 1].name, 0);
	if (linked & 2)
		(void)unlinkat(g->dirfd, m->index, 0);
	if (linked & 4)
		(void)unlinkat(g->dirfd, MANIFEST_NEW, 0);
	wf_close(&mw);
	eds_buf_release(&text);
	return rc;
}

int
eds_registry_import(const char *dir, const struct eds_import_options *o,
    char *const *files, size_t nfiles, struct eds_run *run,
    struct eds_error *err)
{
	struct import g;
	struct builder b;
	struct wfile seg;
	struct manifest m;
	struct eds_error e2;
	struct eds_buf json = EDS_BUF_INIT;
	char hex[EDS_SHA256_HEX], path[PATH_MAX];
	uint64_t size, gen0 = 0;
	size_t i, foreign;
	int lockfd = -1, rc = -1, have_seg = 0;

	memset(&g, 0, sizeof g);
	memset(&b, 0, sizeof b);
	memset(&seg, 0, sizeof seg);
	memset(&m, 0, sizeof m);
	b.w.fd = seg.fd = -1;
	g.o = o;
	g.dir = dir;
	g.run = run;
	g.dirfd = -1;
	eds_run_set(run, "rows_in", 0);
	eds_run_set(run, "imported", 0);
	eds_run_set(run, "duplicates", 0);
	eds_run_set(run, "rows_rejected", 0);
	if (lock_registry(dir, o, run, &g.dirfd, &lockfd, err) == -1)
		goto done;
	if (faccessat(g.dirfd, MANIFEST, F_OK, 0) == 0) {
		if ((g.old = eds_registry_open(dir, EDS_REGISTRY_VERIFY_LOG,
		    err)) == NULL)
			goto done;
		clean_orphans(g.dirfd, &g.old->m, &foreign);
		gen0 = g.old->m.generation;
		for (i = 0; i < g.old->nscopes; i++)
			(void)strtab_add(&g.scopes, g.old->scopes[i],
			    g.old->scope_len[i]);
		for (i = 0; i < g.old->nsources; i++)
			(void)strtab_add(&g.sources, g.old->sources[i],
			    strlen(g.old->sources[i]));
	} else {
		clean_orphans(g.dirfd, NULL, &foreign);
		if (foreign > 0) {
			eds_error_set(err, EDS_EX_CANTCREAT, "'%s' is not "
			    "empty and holds no consent registry (no "
			    "manifest)", dir);
			goto done;
		}
	}
	if (o->rejects != NULL &&
	    (g.rej = eds_rejects_open(o->rejects, err)) == NULL)
		goto done;
	if (nfiles == 0 && import_file(&g, "-", err) == -1)
		goto done;
	for (i = 0; i < nfiles; i++)
		if (import_file(&g, files[i], err) == -1)
			goto done;
	if (g.rejected > 0 && !o->allow_partial) {
		eds_error_set(err, EDS_EX_DATAERR, "%llu of %llu rows "
		    "rejected: nothing imported (the registry is unchanged; "
		    "--allow-partial imports the valid rows)",
		    (unsigned long long)g.rejected,
		    (unsigned long long)g.rows_in);
		goto done;
	}
	import_sort(&g);
	if (wf_open(&b.w, g.dirfd, dir, err) == -1 ||
	    build_index(&g, &b, gen0 + 1, err) == -1)
		goto done;
	if (g.accepted == 0 && g.old != NULL) {
		rc = 0;		/* nothing new: the registry stays as it is */
		goto done;
	}
	m.format = EDS_REGISTRY_FORMAT;
	m.generation = gen0 + 1;
	m.updated = eds_consent_now();
	m.patients = b.np;
	m.entries = b.entries;
	m.events = b.events;
	snprintf(m.index, sizeof m.index, "index-%06llu.bin",
	    (unsigned long long)m.generation);
	if (g.old != NULL && g.old->m.nseg > 0) {
		m.seg = xcalloc(g.old->m.nseg + 1, sizeof *m.seg);
		memcpy(m.seg, g.old->m.seg, g.old->m.nseg * sizeof *m.seg);
		m.nseg = g.old->m.nseg;
	}
	if (wf_finish(&b.w, m.index_sha256, &m.index_bytes, err) == -1)
		goto done;
	if (g.accepted > 0) {
		struct segment *s;

		if (wf_open(&seg, g.dirfd, dir, err) == -1 ||
		    write_segment(&g, &seg, err) == -1)
			goto done;
		have_seg = 1;
		m.seg = xreallocarray(m.seg, m.nseg + 1, sizeof *m.seg);
		s = &m.seg[m.nseg++];
		memset(s, 0, sizeof *s);
		snprintf(s->name, sizeof s->name, "events-%06llu.csv",
		    (unsigned long long)m.generation);
		s->events = g.accepted;
		s->imported = m.updated;
		if (wf_finish(&seg, s->sha256, &s->bytes, err) == -1)
			goto done;
		s->crc = (uint32_t)seg.crc;
	}
	/* The rejects file must exist before the registry changes. */
	if (g.rej != NULL) {
		rc = eds_rejects_commit(g.rej, hex, &size, err);
		g.rej = NULL;
		if (rc == -1)
			goto done;
		eds_run_output(run, o->rejects, hex, size);
		rc = -1;
	}
	if (commit(&g, &b, have_seg ? &seg : NULL, &m, err) == -1)
		goto done;
	if (g.old != NULL && strcmp(g.old->m.index, m.index) != 0)
		(void)unlinkat(g.dirfd, g.old->m.index, 0);
	(void)fsync(g.dirfd);
	snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
	eds_run_output(run, path, m.sha256, m.bytes);
	eds_buf_addf(&json, "{\"path\":");
	eds_json_str(&json, dir);
	eds_buf_addf(&json, ",\"generation\":%llu,\"patients\":%llu,"
	    "\"entries\":%llu,\"events\":%llu}",
	    (unsigned long long)m.generation, (unsigned long long)m.patients,
	    (unsigned long long)m.entries, (unsigned long long)m.events);
	eds_run_extra(run, "registry", json.p);
	rc = 0;
done:
	if (rc == 0 && o->result != NULL) {
		memset(o->result, 0, sizeof *o->result);
		if (m.generation == 0 && g.old != NULL)
			eds_registry_info(g.old, o->result);
		else {
			o->result->format = EDS_REGISTRY_FORMAT;
			o->result->generation = m.generation;
			o->result->patients = m.patients;
			o->result->entries = m.entries;
			o->result->events = m.events;
			o->result->segments = m.nseg;
			o->result->index_bytes = m.index_bytes;
			o->result->manifest_bytes = m.bytes;
			o->result->updated = m.updated;
			memcpy(o->result->manifest_sha256, m.sha256,
			    EDS_SHA256_HEX);
		}
	}
	if (g.rej != NULL) {
		/* On failure the rejects file still explains it. */
		if (eds_rejects_commit(g.rej, hex, &size, &e2) == 0)
			eds_run_output(run, o->rejects, hex, size);
		g.rej = NULL;
	}
	eds_run_set(run, "rows_in", g.rows_in);
	eds_run_set(run, "imported", rc == 0 ? g.accepted : 0);
	eds_run_set(run, "duplicates", g.duplicates);
	eds_run_set(run, "rows_rejected", g.rejected);
	builder_release(&b);
	wf_close(&seg);
	free(m.seg);
	eds_buf_release(&json);
	import_release(&g);
	if (lockfd != -1)
		close(lockfd);
	if (g.dirfd != -1)
		close(g.dirfd);
	return rc;
}
