/*
 * replay.c: tests/fuzz/fuzz-replay, every fuzz target in one program,
 * without libFuzzer: "fuzz-replay TARGET PATH..." runs the target once on
 * every file named, and on every file of every directory named (sorted),
 * so that make check replays the seed and regression corpora cheaply (see
 * fuzz.h and tests/fuzz-replay.sh).  "fuzz-replay -l" lists the targets.
 * It prints one line per target run: how many inputs it took.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

typedef int (*target_fn)(const uint8_t *, size_t);

#define FUZZ(n) int fuzz_##n(const uint8_t *, size_t);
#include "fuzz/targets.h"
#undef FUZZ

static const struct {
	const char *name;
	target_fn fn;
} targets[] = {
#define FUZZ(n) { #n, fuzz_##n },
#include "fuzz/targets.h"
#undef FUZZ
	{ NULL, NULL }
};

#define REPLAY_MAX_INPUT (4 * 1024 * 1024)

static int
run_file(target_fn fn, const char *path, unsigned long *n)
{
	FILE *f;
	uint8_t *buf;
	size_t len;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "fuzz-replay: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	if ((buf = malloc(REPLAY_MAX_INPUT)) == NULL)
		abort();
	len = fread(buf, 1, REPLAY_MAX_INPUT, f);
	if (ferror(f)) {
		fprintf(stderr, "fuzz-replay: cannot read '%s'\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	/* A copy of the exact size, so that ASan sees reads past the end. */
	{
		uint8_t *exact = malloc(len > 0 ? len : 1);

		if (exact == NULL)
			abort();
		memcpy(exact, buf, len);
		free(buf);
		if (getenv("FUZZ_REPLAY_VERBOSE") != NULL)
			fprintf(stderr, "fuzz-replay: %s\n", path);
		fn(exact, len);
		free(exact);
	}
	(*n)++;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_path(target_fn fn, const char *path, unsigned long *n)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL, *p;
	size_t k = 0, i;
	int rc = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "fuzz-replay: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(fn, path, n);
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "fuzz-replay: cannot list '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((names = realloc(names, (k + 1) * sizeof *names)) == NULL ||
		    (names[k] = strdup(e->d_name)) == NULL)
			abort();
		k++;
	}
	closedir(d);
	if (k > 0)
		qsort(names, k, sizeof *names, cmp);
	for (i = 0; i < k; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;

		if ((p = malloc(len)) == NULL)
			abort();
		snprintf(p, len, "%s/%s", path, names[i]);
		if (run_path(fn, p, n) == -1)
			rc = -1;
		free(p);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	target_fn fn = NULL;
	unsigned long n = 0;
	int i, rc = 0;

	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		for (i = 0; targets[i].name != NULL; i++)
			printf("%s\n", targets[i].name);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: fuzz-replay -l | TARGET PATH...\n");
		return 64;
	}
	for (i = 0; targets[i].name != NULL; i++)
		if (strcmp(targets[i].name, argv[1]) == 0)
			fn = targets[i].fn;
	if (fn == NULL) {
		fprintf(stderr, "fuzz-replay: no target '%s'\n", argv[1]);
		return 64;
	}
	for (i = 2; i < argc; i++)
		if (run_path(fn, argv[i], &n) == -1)
			rc = 66;
	printf("%s: %lu inputs replayed\n", argv[1], n);
	return rc;
}
