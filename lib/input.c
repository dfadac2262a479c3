/*
 * input.c: byte-stream input with gzip detection and a running SHA-256
 * (see input.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"
#include "xmalloc.h"

#define STORED_BUF (256 * 1024)

struct eds_input {
	int fd;
	int owns_fd;
	char *name;
	int gzip;
	int eof;		/* stored stream exhausted */
	int z_done;		/* last gzip member ended */
	unsigned char *sbuf;	/* stored bytes */
	size_t spos, slen;
	uint64_t stored;
	struct eds_sha256 sha;
	int sha_done;
	char sha_hex[EDS_SHA256_HEX];
	z_stream z;
	int z_init;
	unsigned char *obuf;	/* inflated bytes for eds_input_next */
	struct eds_sha256 *also;	/* eds_input_hash_also */
	int range;		/* eds_input_open_range: */
	uint64_t roff;		/* next offset to read */
	uint64_t rhead, rstart, rend;
};

/* fill for a range: the head, then [rstart, rend), with pread. */
static int
fill_range(struct eds_input *in, struct eds_error *err)
{
	uint64_t stop;
	size_t want;
	ssize_t n;
	int head;

	if (in->roff >= in->rhead && in->roff < in->rstart)
		in->roff = in->rstart;
	head = in->roff < in->rhead;
	stop = head ? in->rhead : in->rend;
	if (in->roff >= stop) {
		in->eof = 1;
		return 0;
	}
	want = stop - in->roff < STORED_BUF ? (size_t)(stop - in->roff) :
	    STORED_BUF;
	do
		n = pread(in->fd, in->sbuf, want, (off_t)in->roff);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot read '%s'", in->name);
	if (n == 0)
		return eds_error_at(err, EDS_EX_DATAERR, in->name, 0, 0,
		    "the file ends before byte %llu: it changed while the "
		    "shards ran", (unsigned long long)stop);
	in->roff += (uint64_t)n;
	in->spos = 0;
	in->slen = (size_t)n;
	if (!head) {
		in->stored += (uint64_t)n;
		eds_sha256_update(&in->sha, in->sbuf, (size_t)n);
		if (in->also != NULL)
			eds_sha256_update(in->also, in->sbuf, (size_t)n);
	}
	return 1;
}

/* Fill sbuf with more stored bytes; 0 at EOF, -1 on error. */
static int
fill(struct eds_input *in, struct eds_error *err)
{
	ssize_t n;

	if (in->spos < in->slen)
		return 1;
	if (in->eof)
		return 0;
	if (in->range)
		return fill_range(in, err);
	for (;;) {
		n = read(in->fd, in->sbuf, STORED_BUF);
		if (n == -1 && errno == EINTR)
			continue;
		break;
	}
	if (n == -1)
		return eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot read '%s'", in->name);
	in->spos = 0;
	in->slen = (size_t)n;
	if (n == 0) {
		in->eof = 1;
		return 0;
	}
	in->stored += (uint64_t)n;
	eds_sha256_update(&in->sha, in->sbuf, (size_t)n);
	if (in->also != NULL)
		eds_sha256_update(in->also, in->sbuf, (size_t)n);
	return 1;
}

struct eds_input *
eds_input_open(const char *path, struct eds_error *err)
{
	struct eds_input *in;
	struct stat st;
	int fd, r;

	if (path == NULL || strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		path = "<stdin>";
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot open '%s'",
		    path);
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		eds_error_set(err, EDS_EX_NOINPUT, "cannot read '%s': "
		    "Is a directory", path);
		if (fd != STDIN_FILENO)
			close(fd);
		return NULL;
	}
#ifdef HAVE_POSIX_FADVISE
	if (fd != STDIN_FILENO)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	in = xcalloc(1, sizeof *in);
	in->fd = fd;
	in->owns_fd = fd != STDIN_FILENO;
	in->name = xstrdup(path);
	in->sbuf = xmalloc(STORED_BUF);
	eds_sha256_init(&in->sha);

	/* Look at the first two bytes for the gzip magic. */
	while (in->slen < 2 && !in->eof) {
		ssize_t n;

		if (in->slen == 0) {
			if ((r = fill(in, err)) < 0)
				goto fail;
			continue;
		}
		/* One byte so far: read more after it. */
		n = read(fd, in->sbuf + in->slen, STORED_BUF - in->slen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot read '%s'", in->name);
			goto fail;
		}
		if (n == 0) {
			in->eof = 1;
			break;
		}
		eds_sha256_update(&in->sha, in->sbuf + in->slen, (size_t)n);
		in->stored += (uint64_t)n;
		in->slen += (size_t)n;
	}
	if (in->slen >= 2 && in->sbuf[0] == 0x1f && in->sbuf[1] == 0x8b) {
		in->gzip = 1;
		memset(&in->z, 0, sizeof in->z);
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
			eds_error_set(err, EDS_EX_SOFTWARE,
			    "cannot initialise zlib");
			goto fail;
		}
		in->z_init = 1;
	}
	return in;
fail:
	eds_input_close(in);
	return NULL;
}

struct eds_input *
eds_input_open_range(const char *path, uint64_t head, uint64_t start,
    uint64_t end, struct eds_error *err)
{
	struct eds_input *in;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot open '%s'",
		    path);
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		eds_error_set(err, EDS_EX_NOINPUT, "cannot read '%s': "
		    "Is a directory", path);
		close(fd);
		return NULL;
	}
	in = xcalloc(1, sizeof *in);
	in->fd = fd;
	in->owns_fd = 1;
	in->name = xstrdup(path);
	in->sbuf = xmalloc(STORED_BUF);
	eds_sha256_init(&in->sha);
	in->range = 1;
	in->rhead = head;
	in->rstart = start > head ? start : head;
	in->rend = end > in->rstart ? end : in->rstart;
	return in;
}

void
eds_input_hash_also(struct eds_input *in, struct eds_sha256 *sha)
{
	in->also = sha;
}

static ssize_t
read_gzip(struct eds_input *in, unsigned char *out, size_t n,
    struct eds_error *err)
{
	int r, z;

	if (in->z_done)
		return 0;
	in->z.next_out = out;
	in->z.avail_out = (uInt)(n > (1u << 30) ? (1u << 30) : n);
	while (in->z.avail_out > 0) {
		if (in->spos >= in->slen) {
			if ((r = fill(in, err)) < 0)
				return -1;
			if (r == 0) {
				if (in->z.avail_out < n)
					break;	/* return what we have */
				eds_error_at(err, EDS_EX_DATAERR, in->name,
				    0, 0, "truncated gzip stream (the file "
				    "ends inside compressed data)");
				return -1;
			}
		}
		in->z.next_in = in->sbuf + in->spos;
		in->z.avail_in = (uInt)(in->slen - in->spos);
		z = inflate(&in->z, Z_NO_FLUSH);
		in->spos = in->slen - in->z.avail_in;
		if (z == Z_STREAM_END) {
			/* Another member may follow; anything else is junk. */
			if (in->spos >= in->slen && (r = fill(in, err)) <= 0) {
				if (r < 0)
					return -1;
				in->z_done = 1;
				break;
			}
			if (in->sbuf[in->spos] != 0x1f) {
				eds_error_at(err, EDS_EX_DATAERR, in->name,
				    0, 0, "unexpected data after the end of "
				    "the gzip stream");
				return -1;
			}
			inflateReset(&in->z);
			continue;
		}
		if (z == Z_BUF_ERROR && in->z.avail_in == 0)
			continue;	/* needs more input */
		if (z != Z_OK) {
			eds_error_at(err, EDS_EX_DATAERR, in->name, 0, 0,
			    "corrupt gzip stream: %s", in->z.msg != NULL ?
			    in->z.msg : "inflate failed");
			return -1;
		}
	}
	return (ssize_t)(n - in->z.avail_out);
}

ssize_t
eds_input_next(struct eds_input *in, const unsigned char **p,
    struct eds_error *err)
{
	size_t k;
	int r;

	if (in->gzip) {
		if (in->obuf == NULL)
			in->obuf = xmalloc(STORED_BUF);
		*p = in->obuf;
		return read_gzip(in, in->obuf, STORED_BUF, err);
	}
	if ((r = fill(in, err)) <= 0)
		return r;
	k = in->slen - in->spos;
	*p = in->sbuf + in->spos;
	in->spos = in->slen;
	return (ssize_t)k;
}

ssize_t
eds_input_read(struct eds_input *in, void *buf, size_t n,
    struct eds_error *err)
{
	size_t k;
	int r;

	if (in->gzip)
		return read_gzip(in, buf, n, err);
	if ((r = fill(in, err)) <= 0)
		return r;
	k = in->slen - in->spos;
	if (k > n)
		k = n;
	memcpy(buf, in->sbuf + in->spos, k);
	in->spos += k;
	return (ssize_t)k;
}

const char *
eds_input_name(const struct eds_input *in)
{
	return in->name;
}

int
eds_input_is_gzip(const struct eds_input *in)
{
	return in->gzip;
}

uint64_t
eds_input_stored_bytes(const struct eds_input *in)
{
	return in->stored;
}

void
eds_input_sha256(struct eds_input *in, char hex[EDS_SHA256_HEX])
{
	if (!in->sha_done) {
		eds_sha256_final_hex(&in->sha, in->sha_hex);
		in->sha_done = 1;
	}
	memcpy(hex, in->sha_hex, EDS_SHA256_HEX);
}

void
eds_input_close(struct eds_input *in)
{
	if (in == NULL)
		return;
	if (in->z_init)
		inflateEnd(&in->z);
	if (!in->sha_done)
		eds_sha256_release(&in->sha);
	if (in->owns_fd)
		close(in->fd);
	free(in->sbuf);
	free(in->obuf);
	free(in->name);
	free(in);
}
