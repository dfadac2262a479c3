/*
 * fuzz.h: what the fuzz targets in tests/fuzz/fuzz_<name>.c share.
 *
 * A target is one function, FUZZ_TARGET(name) { ... }, taking the bytes of
 * one input.  Built by "make fuzz" with clang and -DFUZZ_LIBFUZZER, it is
 * libFuzzer's LLVMFuzzerTestOneInput, one binary per target
 * (tests/fuzz/fuzz_<name>).  Built by "make check" with the configured
 * compiler, every target is a function fuzz_<name> of one program,
 * tests/fuzz/fuzz-replay, which replays the seed and regression corpora
 * (tests/fuzz-replay.sh) without fuzzing: a fixed crash stays fixed.
 *
 * A target returns 0, never prints, and reports a broken invariant with
 * FUZZ_CHECK, which aborts (a crash to libFuzzer, a failure to the replay).
 * The library never touches files the target did not name: inputs that
 * must be files are written with fuzz_file() into a private directory.
 */
#ifndef EDS_FUZZ_H
#define EDS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
#define FUZZ_TARGET(name) \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name) \
	int fuzz_##name(const uint8_t *, size_t); \
	int fuzz_##name(const uint8_t *data, size_t size)
#endif

/* Abort with a message when cond is false. */
#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/*
 * Write data to a file named name in the target's private directory
 * (created on first use, removed at exit) and return its path (static
 * storage, valid until the next call with the same name).
 */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);
/* The private directory. */
const char *fuzz_dir(void);
/*
 * A subdirectory name of the private directory, emptied (recursively) and
 * made anew; returns its path (static storage, one per name, valid until
 * the next call).  Everything in it is removed at exit with the rest.
 */
const char *fuzz_empty_dir(const char *name);

/*
 * Several files in one input, for targets that read a directory (the
 * consent registry, a bag).  The input is a sequence of sections, each a
 * header line and the file's bytes:
 *
 *   @NAME\n       the content runs to the next line starting with '@'
 *                 (its last newline included) or to the end;
 *   @NAME LEN\n   the content is exactly the next LEN bytes (binary).
 *
 * Bytes before the first section are ignored.  NAME is a relative path:
 * components of [A-Za-z0-9._-] (and, with FUZZ_FILES_BAG, also space, '%',
 * '~' and '+'), none empty, "." or "..", at most 3 (1 without
 * FUZZ_FILES_NESTED); a bad name skips its section.  A name starting with
 * '+' is not written: the target asks for it with fuzz_files_get.  Files
 * are written under dir (directories made as needed); a later section of
 * the same name replaces an earlier one.  Returns how many were written.
 */
enum { FUZZ_FILES_NESTED = 1 << 0, FUZZ_FILES_BAG = 1 << 1 };
struct fuzz_section {
	char name[96];
	const uint8_t *data;
	size_t size;
};
#define FUZZ_MAX_SECTIONS 24
struct fuzz_files {
	struct fuzz_section s[FUZZ_MAX_SECTIONS];
	size_t n;
};
size_t fuzz_files_unpack(const char *dir, const uint8_t *data, size_t size,
    int flags, struct fuzz_files *out);
/* The section named name, or NULL. */
const struct fuzz_section *fuzz_files_get(const struct fuzz_files *,
    const char *name);
/* The SHA-256 (lower-case hex) and size of the file at path; -1 if absent. */
int fuzz_sha256_file(const char *path, char hex[65], size_t *size);

/* A NUL-terminated copy of data (caller frees). */
char *fuzz_text(const uint8_t *data, size_t size);
/* FNV-1a, to compare what two runs saw. */
uint64_t fuzz_hash(uint64_t h, const void *p, size_t n);
#define FUZZ_HASH_INIT 0xcbf29ce484222325ULL

#endif
