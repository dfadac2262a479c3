/*
 * tar.h: a deterministic tar archive (POSIX ustar; pax extended headers
 * only for a path longer than ustar's 100+155 bytes or a file of 8 GiB or
 * more), written into an eds_output, which gzips it (EDS_OUT_GZIP: zlib,
 * gzip header without name or time) and renames it into place on commit.
 *
 * Every entry has owner and group 0 with empty names, mode 0755 for
 * directories and 0644 for files, and the same mtime given by the caller;
 * eds_tar_directory adds a tree's entries sorted by path, so the same tree
 * and mtime always give the same bytes.  Only directories and regular
 * files are archived: a symbolic link or a special file is an error.
 * Extract with any tar: "tar -xzf BUNDLE.tar.gz".
 */
#ifndef EDS_TAR_H
#define EDS_TAR_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "digest.h"
#include "eds.h"
#include "output.h"

struct eds_tar;

/* Start an archive on out (borrowed; the caller commits or aborts it). */
struct eds_tar *eds_tar_new(struct eds_output *out, uint64_t mtime);
/* A directory entry ("a/b", written "a/b/"). */
int eds_tar_add_dir(struct eds_tar *, const char *name, struct eds_error *);
/* A regular file copied from src; 66 unreadable, 74 changed while read. */
int eds_tar_add_file(struct eds_tar *, const char *name, const char *src,
    struct eds_error *);
int eds_tar_add_buffer(struct eds_tar *, const char *name, const void *,
    size_t, struct eds_error *);
/* Write the two zero blocks that end the archive (does not commit out). */
int eds_tar_finish(struct eds_tar *, struct eds_error *);
void eds_tar_free(struct eds_tar *);

/*
 * Archive the tree at dir as prefix/... (prefix is the top directory in
 * the archive, usually the bundle's name) into out_path, gzipped, with
 * out_flags added to EDS_OUT_GZIP (EDS_OUT_EXCL to refuse an existing
 * file).  sha and bytes, when not NULL, receive the SHA-256 and size of
 * the archive as written.
 */
int eds_tar_directory(const char *dir, const char *prefix,
    const char *out_path, uint64_t mtime, int out_flags,
    char sha[EDS_SHA256_HEX], uint64_t *bytes, struct eds_error *);

/*
 * Append the header block(s) of one entry to b: a pax 'x' header first
 * when needed, then the ustar header.  type is '0' (file) or '5'
 * (directory).  Exposed for the tests; 64 if name is empty.
 */
int eds_tar_header(struct eds_buf *b, const char *name, char type,
    uint64_t size, uint64_t mtime, struct eds_error *);

#endif
