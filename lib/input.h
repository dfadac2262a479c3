/*
 * input.h: reading an input file or stdin as a byte stream.  Gzip is
 * detected by its magic bytes (1f 8b), not by the file name, and inflated
 * with zlib (several concatenated members are one stream).  While reading,
 * the SHA-256 of the bytes as stored (compressed or not) is computed for
 * provenance and the journal.
 */
#ifndef EDS_INPUT_H
#define EDS_INPUT_H

#include <stdint.h>
#include <sys/types.h>

#include "digest.h"
#include "eds.h"

struct eds_input;

/*
 * Open path, or stdin when path is NULL or "-" (named "<stdin>" in
 * messages).  Fails with 66 if the file is missing or unreadable or is a
 * directory.  The caller owns the result and closes it.
 */
struct eds_input *eds_input_open(const char *path, struct eds_error *);

/*
 * A piece of a plain file cut at row boundaries (shardplan.h): its bytes
 * [0, head) (the header row, or nothing) then [start, end), with head <=
 * start <= end.  No gzip detection.  The SHA-256 and the stored byte
 * count are those of [start, end) only.  66 as eds_input_open; reading
 * fails with 65 if the file ends before end (it changed).
 */
struct eds_input *eds_input_open_range(const char *path, uint64_t head,
    uint64_t start, uint64_t end, struct eds_error *);
/*
 * Also feed every stored byte that goes into the input's SHA-256 from now
 * on into sha (the caller's, which must outlive the reading).
 */
void eds_input_hash_also(struct eds_input *, struct eds_sha256 *sha);

/*
 * Read up to n decompressed bytes.  Returns the count, 0 at the end, or -1:
 * 74 on a read error, 65 on a truncated or corrupt gzip stream (err->file
 * names the input; the CSV reader adds the line it had reached).
 */
ssize_t eds_input_read(struct eds_input *, void *, size_t n,
    struct eds_error *);

/*
 * The next chunk of decompressed bytes, without a copy: *p points into the
 * input's own buffer, valid until the next call.  Same returns as
 * eds_input_read.
 */
ssize_t eds_input_next(struct eds_input *, const unsigned char **p,
    struct eds_error *);

const char *eds_input_name(const struct eds_input *);
int eds_input_is_gzip(const struct eds_input *);
/* Bytes read from the file as stored (before decompression). */
uint64_t eds_input_stored_bytes(const struct eds_input *);
/* SHA-256 of the stored bytes read so far (the whole file once at EOF). */
void eds_input_sha256(struct eds_input *, char hex[EDS_SHA256_HEX]);
void eds_input_close(struct eds_input *);

#endif
