/*
 * fuzz_bagverify.c: the bundle verifier (lib/bagverify.c) on a small bag
 * materialised from the input in a private directory.
 *
 * The input is a flags byte, then the bag's files in the section format
 * of fuzz_files_unpack (fuzz.h), nested paths allowed: "@bagit.txt",
 * "@data/lab.csv", "@manifest-sha256.txt", "@bag-info.txt", ...  Flags
 * make the bag consistent where the fuzzer cannot be (it cannot compute
 * a SHA-256), so that it reaches the checks behind the checksums:
 *
 *   bit 0  manifest-sha256.txt is rewritten to list every file under
 *          data/ with its right checksum
 *   bit 1  bag-info.txt gets the right Payload-Oxum (any other is removed)
 *   bit 2  tagmanifest-sha256.txt is rewritten to list every other tag
 *          file with its right checksum
 *
 * Invariants: the report callback sees every problem with a message, and
 * its counts are those of the result.  A bag that verifies has no error,
 * and its payload is exactly the regular files under data/: their number
 * and total size.  A refusal is 65 with at least one error reported, or
 * 66 / 74.
 */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bagverify.h"
#include "eds.h"
#include "fuzz.h"

struct seen {
	unsigned long errors, warnings;
};

static void
report(void *ctx, enum eds_bagv_severity sev, const char *file,
    unsigned long line, const char *msg)
{
	struct seen *s = ctx;

	(void)line;
	FUZZ_CHECK(file != NULL && msg != NULL && msg[0] != '\0');
	if (sev == EDS_BAGV_ERROR)
		s->errors++;
	else
		s->warnings++;
}

/* The walk's state: nftw takes no context. */
static const char *walk_root;
static FILE *walk_out;		/* manifest lines, or NULL */
static int walk_tags;		/* tag files (top level) instead of data/ */
static uint64_t walk_files, walk_bytes;

/* The path relative to the bag, percent-encoded as BagIt wants. */
static void
put_name(FILE *f, const char *rel)
{
	for (; *rel != '\0'; rel++)
		if (*rel == '%')
			fputs("%25", f);
		else
			fputc(*rel, f);
}

static int
visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + strlen(walk_root) + 1;
	char hex[65];

	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (walk_tags) {
		if (strncmp(rel, "data/", 5) == 0 ||
		    strcmp(rel, "tagmanifest-sha256.txt") == 0)
			return 0;
	}
	walk_files++;
	walk_bytes += (uint64_t)st->st_size;
	if (walk_out != NULL && fuzz_sha256_file(path, hex, NULL) == 0) {
		fprintf(walk_out, "%s  ", hex);
		put_name(walk_out, rel);
		fputc('\n', walk_out);
	}
	return 0;
}

/* Walk dir (the bag's data/, or the whole bag for tag files). */
static void
walk(const char *bag, const char *dir, FILE *out, int tags)
{
	walk_root = bag;
	walk_out = out;
	walk_tags = tags;
	walk_files = walk_bytes = 0;
	nftw(dir, visit, 16, FTW_PHYS);
}

static void
fix_manifest(const char *bag)
{
	char path[512], data[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/manifest-sha256.txt", bag);
	snprintf(data, sizeof data, "%s/data", bag);
	if ((f = fopen(path, "w")) == NULL)
		return;		/* e.g. a directory of that name */
	walk(bag, data, f, 0);
	fclose(f);
}

static void
fix_oxum(const char *bag, const struct fuzz_files *files)
{
	const struct fuzz_section *info = fuzz_files_get(files, "bag-info.txt");
	char path[512], data[512], *text, *line, *next;
	FILE *f;

	snprintf(data, sizeof data, "%s/data", bag);
	walk(bag, data, NULL, 0);
	snprintf(path, sizeof path, "%s/bag-info.txt", bag);
	if ((f = fopen(path, "w")) == NULL)
		return;
	if (info != NULL) {
		text = fuzz_text(info->data, info->size);
		for (line = text; *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			else
				next = line + strlen(line);
			if (strncmp(line, "Payload-Oxum", 12) != 0)
				fprintf(f, "%s\n", line);
		}
		free(text);
	}
	fprintf(f, "Payload-Oxum: %llu.%llu\n",
	    (unsigned long long)walk_bytes, (unsigned long long)walk_files);
	fclose(f);
}

static void
fix_tagmanifest(const char *bag)
{
	char path[512], tmp[520];
	FILE *f;

	snprintf(path, sizeof path, "%s/tagmanifest-sha256.txt", bag);
	snprintf(tmp, sizeof tmp, "%s/tagmanifest.new", fuzz_dir());
	/* Written aside first: the walk must not see it half made. */
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	walk(bag, bag, f, 1);
	fclose(f);
	if (rename(tmp, path) == -1)
		remove(tmp);
}

FUZZ_TARGET(bagverify)
{
	const char *bag = fuzz_empty_dir("bag");
	struct eds_bagv_options o;
	struct eds_bagv_result res;
	struct eds_error err;
	struct fuzz_files files;
	struct seen seen = { 0, 0 };
	char data_dir[512];
	uint64_t nfiles, nbytes;
	int flags, rc;

	if (size < 1)
		return 0;
	flags = data[0];
	fuzz_files_unpack(bag, data + 1, size - 1,
	    FUZZ_FILES_NESTED | FUZZ_FILES_BAG, &files);
	if (flags & 1)
		fix_manifest(bag);
	if (flags & 2)
		fix_oxum(bag, &files);
	if (flags & 4)
		fix_tagmanifest(bag);

	memset(&o, 0, sizeof o);
	o.report = report;
	o.ctx = &seen;
	eds_error_clear(&err);
	rc = eds_bag_verify(bag, &o, &res, &err);
	FUZZ_CHECK(seen.errors == res.errors);
	FUZZ_CHECK(seen.warnings == res.warnings);
	if (rc == 0) {
		FUZZ_CHECK(res.errors == 0);
		snprintf(data_dir, sizeof data_dir, "%s/data", bag);
		walk(bag, data_dir, NULL, 0);
		nfiles = walk_files;
		nbytes = walk_bytes;
		FUZZ_CHECK(res.payload_files == nfiles);
		FUZZ_CHECK(res.payload_bytes == nbytes);
	} else {
		FUZZ_CHECK(err.status == EDS_EX_DATAERR ||
		    err.status == EDS_EX_NOINPUT || err.status == EDS_EX_IOERR);
		FUZZ_CHECK(err.msg[0] != '\0');
		if (err.status == EDS_EX_DATAERR)
			FUZZ_CHECK(res.errors >= 1);
	}
	return 0;
}
