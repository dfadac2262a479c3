/*
 * fuzz_util.c: helpers for the fuzz targets (see fuzz.h): a private
 * scratch directory for inputs that must be files, and small utilities.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[256];
static char paths[8][320];

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
	abort();
}

static void
remove_dir(void)
{
	DIR *d;
	struct dirent *e;
	char p[600];

	if (dir[0] == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
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
