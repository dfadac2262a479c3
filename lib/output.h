/*
 * output.h: writing an output file safely.  A regular file is written to a
 * temporary name in its target directory and renamed into place only by
 * eds_output_commit, after a flush and fsync: a failed or interrupted run
 * never leaves a file that looks complete under the final name.  stdout
 * ("-" or NULL) and existing non-regular files (/dev/null, a FIFO) are
 * written directly.  Writes are buffered; an error is remembered and
 * reported by the next write or by commit (74, never a silent success).
 * Optional gzip compression; SHA-256 of the bytes as written.
 */
#ifndef EDS_OUTPUT_H
#define EDS_OUTPUT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "eds.h"

enum {
	EDS_OUT_GZIP = 1 << 0,		/* gzip the stream */
	EDS_OUT_PRIVATE = 1 << 1,	/* mode 0600 instead of 0666 & ~umask */
	EDS_OUT_EXCL = 1 << 2		/* fail with 73 if the target exists */
};

struct eds_output;

/* Open for writing; 73 if the temporary file cannot be created. */
struct eds_output *eds_output_open(const char *path, int flags,
    struct eds_error *);
int eds_output_write(struct eds_output *, const void *, size_t,
    struct eds_error *);
int eds_output_puts(struct eds_output *, const char *, struct eds_error *);
/*
 * Flush, finish compression, fsync, close and rename into place.  Frees the
 * output whatever happens; on failure the temporary file is removed.
 */
int eds_output_commit(struct eds_output *, struct eds_error *);
/* Discard: remove the temporary file and free. NULL is ignored. */
void eds_output_abort(struct eds_output *);

const char *eds_output_name(const struct eds_output *);
/* Bytes written so far, after compression. */
uint64_t eds_output_bytes(const struct eds_output *);
/*
 * Commit, keeping the checksum: like eds_output_commit but stores the hex
 * SHA-256 of the final file in hex and its size in bytes (either may be
 * NULL).
 */
int eds_output_commit_sha(struct eds_output *, char hex[EDS_SHA256_HEX],
    uint64_t *bytes, struct eds_error *);

/*
 * Remove every temporary file still open, then every temporary directory
 * registered below with all it holds.  Async-signal-safe: the tools call
 * it from their SIGTERM/SIGINT/SIGHUP handler before re-raising.
 */
void eds_output_cleanup_signal(void);

/*
 * A working directory (a bag being built, a partial export) that a signal
 * must remove with its content: register it once created (returns a slot,
 * or -1 if the table is full or the path too long, then it is simply not
 * removed), forget it once renamed into place or removed (-1 is ignored).
 * On a signal the tree is removed with system calls only (Linux
 * getdents64; elsewhere only the empty directory is removed), at most 8
 * levels deep.
 */
int eds_output_temp_dir(const char *path);
void eds_output_temp_dir_forget(int slot);
/*
 * The same for a single file that a signal must remove (a run's lock
 * file): a slot or -1; forget it when it is removed otherwise.
 */
int eds_output_temp_file(const char *path);
void eds_output_temp_file_forget(int slot);
/*
 * Hold SIGTERM, SIGINT and SIGHUP (saving the mask in *saved) while a
 * temporary file or directory is created and registered, then release
 * them: a signal arriving in between is delivered after the
 * registration, so it never leaves an unregistered temporary behind.
 */
void eds_output_signals_hold(sigset_t *saved);
void eds_output_signals_release(const sigset_t *saved);

/* Fast path for the CSV writer: room for n more bytes in the buffer. */
struct eds_outbuf {
	char *p;
	size_t len;
	size_t cap;
};
struct eds_outbuf *eds_output_buf(struct eds_output *);
/* Drain the buffer to the file (and compressor); -1 on error. */
int eds_output_drain(struct eds_output *, struct eds_error *);

#endif
