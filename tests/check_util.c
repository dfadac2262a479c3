/*
 * check_util.c: scratch files and vector lookup for the unit tests
 * (see check_util.h).
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"

static char tmpdir[256];
static char paths[8][512];
static int slot;

static void
cleanup(void)
{
	char cmd[300];

	if (tmpdir[0] != '\0' && getenv("EDS_KEEP_TMP") == NULL) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

const char *
tu_tmpdir(void)
{
	if (tmpdir[0] == '\0') {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof tmpdir, "%s/eds-check-XXXXXX",
		    base != NULL ? base : "/tmp");
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			abort();
		}
		atexit(cleanup);
	}
	return tmpdir;
}

const char *
tu_path(const char *name)
{
	char *p = paths[slot++ % 8];

	snprintf(p, sizeof paths[0], "%s/%s", tu_tmpdir(), name);
	return p;
}

void
tu_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert_msg(fwrite(data, 1, len, f) == len, "cannot write %s", path);
	ck_assert_msg(fclose(f) == 0, "cannot close %s", path);
}

void
tu_write_str(const char *path, const char *s)
{
	tu_write(path, s, strlen(s));
}

char *
tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			ck_assert(buf != NULL);
		}
		k = fread(buf + n, 1, 4096, f);
		n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

const char *
tu_vectors(void)
{
	static char dir[512];
	const char *v = getenv("EDS_VECTORS");
	struct stat st;

	if (v == NULL)
		v = EDS_VECTORS_DEFAULT;
	snprintf(dir, sizeof dir, "%s", v);
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return NULL;
	return dir;
}

int
tu_skip_without_vectors(const char *test)
{
	if (tu_vectors() != NULL)
		return 0;
	printf("SKIP: %s: test vectors not found (set EDS_VECTORS or "
	    "configure --with-vectors)\n", test);
	return 1;
}
