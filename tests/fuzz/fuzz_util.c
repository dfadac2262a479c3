/*
 * fuzz_util.c: helpers for the fuzz targets (see fuzz.h): a private
 * scratch directory for inputs that must be files, and small utilities.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "fuzz.h"

static char dir[256];
static char paths[8][320];

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
	abort();
}

static int
remove_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Remove path and everything under it (symbolic links are not followed). */
static void
remove_tree(const char *path)
{
	/* A directory the target made unreadable must still go. */
	chmod(path, 0700);
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
remove_dir(void)
{
	if (dir[0] != '\0')
		remove_tree(dir);
}

const char *
fuzz_dir(void)
{
	const char *tmp;

	if (dir[0] != '\0')
		return dir;
	/* Memory first: targets write a file per input (fsync is free there). */
	if ((tmp = getenv("FUZZ_TMPDIR")) == NULL || *tmp == '\0')
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
		    getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof dir, "%s/eds-fuzz.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "fuzz: cannot create %s: %s\n", dir,
		    strerror(errno));
		abort();
	}
	atexit(remove_dir);
	return dir;
}

const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static unsigned slot;
	char *p = paths[slot++ % 8];
	size_t off = 0;
	ssize_t w;
	int fd;

	snprintf(p, sizeof paths[0], "%s/%s", fuzz_dir(), name);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1) {
		fprintf(stderr, "fuzz: cannot create %s: %s\n", p,
		    strerror(errno));
		abort();
	}
	while (off < size) {
		if ((w = write(fd, data + off, size - off)) <= 0) {
			fprintf(stderr, "fuzz: cannot write %s\n", p);
			abort();
		}
		off += (size_t)w;
	}
	close(fd);
	return p;
}

const char *
fuzz_empty_dir(const char *name)
{
	static char subs[4][320];
	static char names[4][64];
	size_t i;

	for (i = 0; i < 4; i++)
		if (names[i][0] == '\0' || strcmp(names[i], name) == 0)
			break;
	if (i == 4)
		abort();
	snprintf(names[i], sizeof names[i], "%s", name);
	snprintf(subs[i], sizeof subs[i], "%s/%s", fuzz_dir(), name);
	remove_tree(subs[i]);
	if (mkdir(subs[i], 0700) == -1) {
		fprintf(stderr, "fuzz: cannot create %s: %s\n", subs[i],
		    strerror(errno));
		abort();
	}
	return subs[i];
}

/* 1 if name[0..len) is a path fuzz_files_unpack may write. */
static int
name_ok(const char *name, int flags)
{
	const char *c, *start = name;
	int parts = 1;

	if (*name == '\0')
		return 0;
	for (c = name; ; c++) {
		if (*c == '/' || *c == '\0') {
			size_t n = (size_t)(c - start);

			if (n == 0 || (n == 1 && start[0] == '.') ||
			    (n == 2 && start[0] == '.' && start[1] == '.'))
				return 0;
			if (*c == '\0')
				break;
			if (!(flags & FUZZ_FILES_NESTED) || ++parts > 3)
				return 0;
			start = c + 1;
			continue;
		}
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
		    *c == '-')
			continue;
		if ((flags & FUZZ_FILES_BAG) && (*c == ' ' || *c == '%' ||
		    *c == '~' || *c == '+'))
			continue;
		return 0;
	}
	return 1;
}

static void
write_under(const char *root, const char *name, const uint8_t *data,
    size_t size)
{
	char path[512], *slash;
	size_t off = 0;
	ssize_t w;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", root, name) >=
	    sizeof path)
		return;
	for (slash = path + strlen(root) + 1; (slash = strchr(slash, '/')) !=
	    NULL; slash++) {
		*slash = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			*slash = '/';
			return;
		}
		*slash = '/';
	}
	/* A name that is already a directory (or under a file) is skipped. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return;
	while (off < size) {
		if ((w = write(fd, data + off, size - off)) <= 0)
			abort();
		off += (size_t)w;
	}
	close(fd);
}

static void
add_section(struct fuzz_files *out, const char *name, const uint8_t *body,
    size_t len)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (strcmp(out->s[i].name, name) == 0)
			break;
	if (i == FUZZ_MAX_SECTIONS || strlen(name) >= sizeof out->s[i].name)
		return;
	memcpy(out->s[i].name, name, strlen(name) + 1);
	out->s[i].data = body;
	out->s[i].size = len;
	if (i == out->n)
		out->n++;
}

size_t
fuzz_files_unpack(const char *root, const uint8_t *data, size_t size,
    int flags, struct fuzz_files *out)
{
	const uint8_t *p = data, *end = data + size, *eol, *body, *next;
	size_t written = 0, hlen, len, i;
	char head[128], *sp, *num;
	unsigned long long want;

	out->n = 0;
	/* The first section starts at a '@' opening a line. */
	if (p < end && *p != '@') {
		while (p < end && !(p[0] == '\n' && p + 1 < end && p[1] == '@'))
			p++;
		p = p < end ? p + 1 : end;
	}
	while (p < end && *p == '@') {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			break;
		hlen = (size_t)(eol - p - 1);
		body = eol + 1;
		if (hlen >= sizeof head)
			hlen = sizeof head - 1;
		memcpy(head, p + 1, hlen);
		head[hlen] = '\0';
		/* "@NAME LEN": the last word, all digits, is a length. */
		len = (size_t)-1;
		if ((sp = strrchr(head, ' ')) != NULL && sp[1] != '\0' &&
		    strspn(sp + 1, "0123456789") == strlen(sp + 1) &&
		    strlen(sp + 1) <= 9) {
			num = sp + 1;
			want = strtoull(num, NULL, 10);
			*sp = '\0';
			len = want <= (unsigned long long)(end - body) ?
			    (size_t)want : (size_t)(end - body);
		}
		if (len == (size_t)-1) {
			next = body;
			while (next < end && !(next > body && next[-1] == '\n' &&
			    *next == '@'))
				next++;
			len = (size_t)(next - body);
		}
		next = body + len;
		if (head[0] == '+' ? name_ok(head + 1, 0) :
		    name_ok(head, flags))
			add_section(out, head, body, len);
		p = next;
		/* A length section may be followed by the newline ending it. */
		if (p < end && *p == '\n' && p + 1 < end && p[1] == '@')
			p++;
	}
	for (i = 0; i < out->n; i++)
		if (out->s[i].name[0] != '+') {
			write_under(root, out->s[i].name, out->s[i].data,
			    out->s[i].size);
			written++;
		}
	return written;
}

const struct fuzz_section *
fuzz_files_get(const struct fuzz_files *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->s[i].name, name) == 0)
			return &f->s[i];
	return NULL;
}

int
fuzz_sha256_file(const char *path, char hex[65], size_t *size)
{
	struct eds_sha256 c;
	unsigned char buf[65536];
	ssize_t n;
	size_t total = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	eds_sha256_init(&c);
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		eds_sha256_update(&c, buf, (size_t)n);
		total += (size_t)n;
	}
	close(fd);
	eds_sha256_final_hex(&c, hex);
	eds_sha256_release(&c);
	if (n < 0)
		return -1;
	if (size != NULL)
		*size = total;
	return 0;
}

char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

uint64_t
fuzz_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n-- > 0) {
		h ^= *c++;
		h *= 0x100000001b3ULL;
	}
	return h;
}
