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
/* A NUL-terminated copy of data (caller frees). */
char *fuzz_text(const uint8_t *data, size_t size);
/* FNV-1a, to compare what two runs saw. */
uint64_t fuzz_hash(uint64_t h, const void *p, size_t n);
#define FUZZ_HASH_INIT 0xcbf29ce484222325ULL

#endif
