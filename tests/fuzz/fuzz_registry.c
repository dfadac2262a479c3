/*
 * fuzz_registry.c: the consent registry reader (lib/registry.c) on a
 * damaged registry directory, and an import into it.
 *
 * The input is a flags byte, then the registry's files in the section
 * format of fuzz_files_unpack (fuzz.h): "@manifest", "@index-000001.bin
 * 233" (binary, with its length), "@events-000001.csv", ... and optionally
 * "@+import", events to import afterwards.  Flags:
 *
 *   bit 0  fix the checksums: the sizes, SHA-256 and CRC-32 of the files
 *          the manifest names, and its own sha256 line, are recomputed, so
 *          that the fuzzer reaches the index decoder (a registry whose
 *          checksums hold but whose index is damaged, as a bug in our
 *          writer or a deliberate edit would leave it)
 *   bit 1  open with EDS_REGISTRY_VERIFY_LOG (SHA-256 of the log)
 *   bit 2  import "+import" (or one fixed event when absent)
 *
 * Invariants: a refusal is 65, 66 or 74 with a message.  An open registry
 * answers every question without reading outside its map: each patient
 * in index order decodes or is reported corrupt (65); a decoded one has
 * scopes the registry knows and a history in recorded_at order with valid
 * decisions, and looking its identifier up finds a patient with that very
 * identifier.  An import either succeeds, and the registry then opens,
 * finds every patient imported and every patient its new index lists, or
 * fails with 64/65/66/73/74 and leaves the manifest byte for byte as it
 * was (still opening when it did).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "consent.h"
#include "digest.h"
#include "fuzz.h"
#include "registry.h"
#include "run.h"

#define MAX_PATIENTS 2048

/* Rewrite dir/manifest with the checksums of the files it names. */
static void
fix_manifest(const char *dir, const struct fuzz_section *m)
{
	char path[512], hex[65], sz[32], *text, *line, *next, *w[8], *out;
	char crcs[16];
	unsigned char md[32], buf[65536];
	size_t cap, len = 0, size, n, k;
	uLong crc;
	FILE *f;

	text = fuzz_text(m->data, m->size);
	cap = m->size * 2 + 512;
	out = malloc(cap);
	if (out == NULL)
		abort();
	for (line = text; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (strncmp(line, "sha256 ", 7) == 0)
			continue;
		n = 0;
		for (w[n++] = line; n < 8 && (w[n] = strchr(w[n - 1], ' ')) !=
		    NULL; n++)
			*w[n]++ = '\0';
		if ((n == 4 && strcmp(w[0], "index") == 0) ||
		    (n == 7 && strcmp(w[0], "segment") == 0)) {
			snprintf(path, sizeof path, "%s/%s", dir, w[1]);
			if (fuzz_sha256_file(path, hex, &size) == 0) {
				snprintf(sz, sizeof sz, "%zu", size);
				w[2] = sz;
				w[3] = hex;
				if (n == 7 && (f = fopen(path, "rb")) != NULL) {
					crc = crc32(0L, Z_NULL, 0);
					while ((k = fread(buf, 1, sizeof buf,
					    f)) > 0)
						crc = crc32(crc, buf, (uInt)k);
					fclose(f);
					snprintf(crcs, sizeof crcs, "%08lx",
					    (unsigned long)crc);
					w[4] = crcs;
				}
			}
		}
		for (k = 0; k < n; k++)
			len += (size_t)snprintf(out + len, cap - len, "%s%s",
			    k ? " " : "", w[k]);
		len += (size_t)snprintf(out + len, cap - len, "\n");
		if (len + 512 > cap)
			break;
	}
	eds_sha256(out, len, md);
	eds_hex(md, 32, hex);
	len += (size_t)snprintf(out + len, cap - len, "sha256 %s\n", hex);
	snprintf(path, sizeof path, "%s/manifest", dir);
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	fwrite(out, 1, len, f);
	fclose(f);
	free(out);
	free(text);
}

/*
 * Everything an open registry can be asked; returns patients seen.  When
 * built means the index was written by our own import, every patient that
 * decodes must also be found by its identifier.
 */
static uint64_t
walk(struct eds_registry *reg, int built)
{
	struct eds_registry_info info;
	struct eds_registry_patient pt, found;
	struct eds_registry_entry e;
	struct eds_consent_item *items = NULL;
	struct eds_consent_status st;
	struct eds_error err;
	size_t cap = 0, k;
	uint32_t ns;
	uint64_t i, seen = 0;
	int rc, r2;

	eds_registry_info(reg, &info);
	FUZZ_CHECK(info.format == EDS_REGISTRY_FORMAT);
	ns = eds_registry_nscopes(reg);
	for (k = 0; k < ns; k++) {
		const char *s = eds_registry_scope_name(reg, (uint32_t)k);

		FUZZ_CHECK(s != NULL);
		FUZZ_CHECK(eds_registry_scope_find(reg, s, strlen(s)) >= 0);
	}
	for (k = 0; k < eds_registry_nsources(reg); k++)
		FUZZ_CHECK(eds_registry_source_name(reg, (uint32_t)k) != NULL);
	for (i = 0; i < info.patients && i < MAX_PATIENTS; i++) {
		eds_error_clear(&err);
		if (eds_registry_patient(reg, i, &pt, &err) == -1) {
			FUZZ_CHECK(err.status == EDS_EX_DATAERR);
			continue;
		}
		seen++;
		FUZZ_CHECK(pt.id != NULL || pt.id_len == 0);
		while ((rc = eds_registry_next_entry(&pt, &e, &items, &cap,
		    &err)) == 1) {
			FUZZ_CHECK(e.scope < ns);
			for (k = 0; k < e.nitems; k++) {
				FUZZ_CHECK(eds_consent_decision_name(
				    items[k].decision) != NULL);
				FUZZ_CHECK(k == 0 || items[k - 1].recorded_at <=
				    items[k].recorded_at);
			}
			eds_consent_status(items, e.nitems, INT64_MAX - 1, &st);
			FUZZ_CHECK(st.item < (long)e.nitems);
		}
		FUZZ_CHECK(rc == 0 || err.status == EDS_EX_DATAERR);
		eds_error_clear(&err);
		r2 = eds_registry_find(reg, pt.id, pt.id_len, &found, &err);
		FUZZ_CHECK(r2 >= -1 && r2 <= 1);
		FUZZ_CHECK(!built || r2 == 1);
		if (r2 == 1)
			FUZZ_CHECK(found.id_len == pt.id_len &&
			    memcmp(found.id, pt.id, pt.id_len) == 0);
		else if (r2 == -1)
			FUZZ_CHECK(err.status == EDS_EX_DATAERR);
	}
	free(items);
	return seen;
}

static const char one_event[] =
    "patient_id,scope,decision,recorded_at,source\n"
    "FUZZ1,primary,granted,2024-01-01,fuzz\n";

/* Every patient of the import file is found in the registry. */
static void
check_imported(struct eds_registry *reg, const char *text, size_t len)
{
	struct eds_registry_patient pt;
	struct eds_error err;
	const char *line = text, *end = text + len, *eol, *comma;

	/* Only simple files: one comma-separated event per line. */
	if (len < 11 || memcmp(text, "patient_id,", 11) != 0 ||
	    memchr(text, '"', len) != NULL || memchr(text, '\r', len) != NULL ||
	    memchr(text, ';', len) != NULL || memchr(text, '\t', len) != NULL ||
	    memchr(text, '|', len) != NULL || memchr(text, '\0', len) != NULL)
		return;
	while (line < end && (eol = memchr(line, '\n', (size_t)(end - line)))
	    != NULL) {
		line = eol + 1;
		if ((comma = memchr(line, ',', (size_t)(end - line))) == NULL)
			break;
		if (comma == line || memchr(line, ' ', (size_t)(comma - line))
		    != NULL || memchr(line, '\t', (size_t)(comma - line)) !=
		    NULL || memchr(line, '\n', (size_t)(comma - line)) != NULL)
			continue;
		eds_error_clear(&err);
		FUZZ_CHECK(eds_registry_find(reg, line, (size_t)(comma - line),
		    &pt, &err) == 1);
	}
}

FUZZ_TARGET(registry)
{
	const char *dir = fuzz_empty_dir("reg");
	const struct fuzz_section *m, *imp;
	struct eds_import_options io;
	struct eds_registry *reg;
	struct eds_error err;
	struct eds_run run;
	struct fuzz_files files;
	char mpath[512], before[65], after[65], *ipath;
	int flags, opened, rc;

	if (size < 1)
		return 0;
	flags = data[0];
	fuzz_files_unpack(dir, data + 1, size - 1, 0, &files);
	if ((flags & 1) && (m = fuzz_files_get(&files, "manifest")) != NULL)
		fix_manifest(dir, m);

	eds_error_clear(&err);
	reg = eds_registry_open(dir, (flags & 2) ? EDS_REGISTRY_VERIFY_LOG : 0,
	    &err);
	opened = reg != NULL;
	if (reg == NULL) {
		FUZZ_CHECK(err.status == EDS_EX_DATAERR ||
		    err.status == EDS_EX_NOINPUT || err.status == EDS_EX_IOERR);
		FUZZ_CHECK(err.msg[0] != '\0');
	} else {
		walk(reg, 0);
		eds_registry_close(reg);
	}
	if (!(flags & 4))
		return 0;

	/* An import into it: all or nothing. */
	snprintf(mpath, sizeof mpath, "%s/manifest", dir);
	if (fuzz_sha256_file(mpath, before, NULL) == -1)
		before[0] = '\0';
	if ((imp = fuzz_files_get(&files, "+import")) != NULL)
		ipath = strdup(fuzz_file("import.csv", imp->data, imp->size));
	else
		ipath = strdup(fuzz_file("import.csv",
		    (const uint8_t *)one_event, sizeof one_event - 1));
	eds_import_options_init(&io);
	io.allow_partial = (flags & 8) != 0;
	eds_run_init(&run, "eds-fuzz", "import");
	eds_error_clear(&err);
	rc = eds_registry_import(dir, &io, &ipath, 1, &run, &err);
	eds_run_release(&run);
	if (rc == -1) {
		FUZZ_CHECK(err.status == EDS_EX_USAGE ||
		    err.status == EDS_EX_DATAERR ||
		    err.status == EDS_EX_NOINPUT ||
		    err.status == EDS_EX_CANTCREAT ||
		    err.status == EDS_EX_IOERR);
		if (fuzz_sha256_file(mpath, after, NULL) == -1)
			after[0] = '\0';
		FUZZ_CHECK(strcmp(before, after) == 0);
		if (opened) {
			eds_error_clear(&err);
			reg = eds_registry_open(dir, 0, &err);
			FUZZ_CHECK(reg != NULL);
			eds_registry_close(reg);
		}
	} else {
		eds_error_clear(&err);
		reg = eds_registry_open(dir, EDS_REGISTRY_VERIFY_LOG, &err);
		FUZZ_CHECK(reg != NULL);
		/* Nothing accepted (--allow-partial) leaves the old index. */
		if (fuzz_sha256_file(mpath, after, NULL) == -1)
			after[0] = '\0';
		walk(reg, strcmp(before, after) != 0);
		if (!io.allow_partial) {
			if (imp != NULL)
				check_imported(reg, (const char *)imp->data,
				    imp->size);
			else
				check_imported(reg, one_event,
				    sizeof one_event - 1);
		}
		eds_registry_close(reg);
	}
	free(ipath);
	return 0;
}
