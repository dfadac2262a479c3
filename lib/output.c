/*
 * output.c: buffered, optionally gzipped output written under a temporary
 * name and renamed on success (see output.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include <zlib.h>

#include "output.h"
#include "xmalloc.h"

#define OUT_BUF (128 * 1024)
#define MAX_TEMPS 32
#define MAX_TEMP_DIRS 8
#define MAX_TREE_DEPTH 8

struct eds_output {
	char *name;		/* final path, or "<stdout>" */
	char *tmp;		/* temporary path, NULL when writing directly */
	int fd;
	int flags;
	int direct;		/* stdout or a device: no rename */
	int failed;		/* sticky error already reported */
	int slot;		/* index in temps[], or -1 */
	struct eds_outbuf buf;
	unsigned char *zbuf;
	z_stream z;
	int z_init;
	uint64_t written;
	struct eds_sha256 sha;
	int sha_done;
	char sha_hex[EDS_SHA256_HEX];
};

/* Temporary paths for the signal handler: written before use, cleared after. */
static char temps[MAX_TEMPS][PATH_MAX];
static volatile sig_atomic_t temps_used[MAX_TEMPS];

/* Temporary directories, removed with their content on a signal. */
static char temp_dirs[MAX_TEMP_DIRS][PATH_MAX];
static volatile sig_atomic_t temp_dirs_used[MAX_TEMP_DIRS];

#if defined(__linux__) && defined(SYS_getdents64)
/* struct linux_dirent64, as getdents64(2) fills it. */
struct dirent64_raw {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * Empty the directory open on fd, with system calls only (no malloc, no
 * stdio: this runs in a signal handler).  Entries are removed while the
 * directory is read; it is read again from the start until a pass
 * removes nothing.
 */
static void
empty_dir_signal_safe(int fd, int depth)
{
	char buf[2048];
	long n, off;
	int removed, sub;

	do {
		removed = 0;
		if (lseek(fd, 0, SEEK_SET) == -1)
			return;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (off = 0; off < n; ) {
				struct dirent64_raw *d =
				    (struct dirent64_raw *)(void *)(buf + off);

				off += d->d_reclen;
				if (d->d_name[0] == '.' && (d->d_name[1] == '\0' ||
				    (d->d_name[1] == '.' && d->d_name[2] == '\0')))
					continue;
				if (unlinkat(fd, d->d_name, 0) == 0) {
					removed = 1;
					continue;
				}
				if (depth >= MAX_TREE_DEPTH ||
				    (sub = openat(fd, d->d_name, O_RDONLY |
				    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
					continue;
				empty_dir_signal_safe(sub, depth + 1);
				close(sub);
				if (unlinkat(fd, d->d_name, AT_REMOVEDIR) == 0)
					removed = 1;
			}
		}
	} while (removed);
}
#endif

static void
remove_dir_signal_safe(const char *path)
{
#if defined(__linux__) && defined(SYS_getdents64)
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd != -1) {
		empty_dir_signal_safe(fd, 1);
		close(fd);
	}
#endif
	rmdir(path);
}

void
eds_output_cleanup_signal(void)
{
	int i;

	for (i = 0; i < MAX_TEMPS; i++)
		if (temps_used[i])
			unlink(temps[i]);
	for (i = 0; i < MAX_TEMP_DIRS; i++)
		if (temp_dirs_used[i])
			remove_dir_signal_safe(temp_dirs[i]);
}

int
eds_output_temp_dir(const char *path)
{
	int i;

	if (strlen(path) >= PATH_MAX)
		return -1;
	for (i = 0; i < MAX_TEMP_DIRS; i++)
		if (!temp_dirs_used[i]) {
			memcpy(temp_dirs[i], path, strlen(path) + 1);
			temp_dirs_used[i] = 1;
			return i;
		}
	return -1;
}

void
eds_output_temp_dir_forget(int slot)
{
	if (slot >= 0 && slot < MAX_TEMP_DIRS)
		temp_dirs_used[slot] = 0;
}

static int
temp_register(const char *path)
{
	int i;

	if (strlen(path) >= PATH_MAX)
		return -1;
	for (i = 0; i < MAX_TEMPS; i++) {
		if (!temps_used[i]) {
			memcpy(temps[i], path, strlen(path) + 1);
			temps_used[i] = 1;
			return i;
		}
	}
	return -1;
}

static void
temp_unregister(int slot)
{
	if (slot >= 0)
		temps_used[slot] = 0;
}

void
eds_output_signals_hold(sigset_t *saved)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, saved);
}

void
eds_output_signals_release(const sigset_t *saved)
{
	sigprocmask(SIG_SETMASK, saved, NULL);
}

int
eds_output_temp_file(const char *path)
{
	return temp_register(path);
}

void
eds_output_temp_file_forget(int slot)
{
	if (slot < MAX_TEMPS)
		temp_unregister(slot);
}

struct eds_output *
eds_output_open(const char *path, int flags, struct eds_error *err)
{
	struct eds_output *o;
	struct stat st;
	const char *slash, *base;
	char *dir;
	mode_t mask;
	sigset_t saved;
	int e;

	o = xcalloc(1, sizeof *o);
	o->fd = -1;
	o->slot = -1;
	o->flags = flags;
	if (path == NULL || strcmp(path, "-") == 0) {
		o->name = xstrdup("<stdout>");
		o->fd = STDOUT_FILENO;
		o->direct = 1;
	} else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			eds_error_set(err, EDS_EX_CANTCREAT,
			    "cannot create '%s': Is a directory", path);
			goto fail;
		}
		if (flags & EDS_OUT_EXCL) {
			eds_error_set(err, EDS_EX_CANTCREAT,
			    "'%s' already exists", path);
			goto fail;
		}
		o->name = xstrdup(path);
		if ((o->fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
			eds_error_errno(err, EDS_EX_CANTCREAT, errno,
			    "cannot open '%s'", path);
			goto fail;
		}
		o->direct = 1;
	} else {
		if ((flags & EDS_OUT_EXCL) && lstat(path, &st) == 0) {
			eds_error_set(err, EDS_EX_CANTCREAT,
			    "'%s' already exists", path);
			goto fail;
		}
		o->name = xstrdup(path);
		slash = strrchr(path, '/');
		base = slash != NULL ? slash + 1 : path;
		dir = slash != NULL ? xstrndup(path, (size_t)(slash - path + 1))
		    : xstrdup("");
		o->tmp = xasprintf("%s.%s.tmp-XXXXXX", dir, base);
		free(dir);
		eds_output_signals_hold(&saved);
		if ((o->fd = mkostemp(o->tmp, O_CLOEXEC)) == -1) {
			e = errno;
			eds_output_signals_release(&saved);
			eds_error_errno(err, EDS_EX_CANTCREAT, e,
			    "cannot create '%s'", path);
			free(o->tmp);
			o->tmp = NULL;
			goto fail;
		}
		o->slot = temp_register(o->tmp);
		eds_output_signals_release(&saved);
		if (!(flags & EDS_OUT_PRIVATE)) {
			mask = umask(0);
			umask(mask);
			(void)fchmod(o->fd, 0666 & ~mask);
		}
	}
	o->buf.cap = OUT_BUF;
	o->buf.p = xmalloc(OUT_BUF);
	if (flags & EDS_OUT_GZIP) {
		o->zbuf = xmalloc(OUT_BUF);
		if (deflateInit2(&o->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
		    16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			eds_error_set(err, EDS_EX_SOFTWARE,
			    "cannot initialise zlib");
			goto fail;
		}
		o->z_init = 1;
	}
	eds_sha256_init(&o->sha);
	return o;
fail:
	eds_output_abort(o);
	return NULL;
}

static void final_sha(struct eds_output *, char hex[EDS_SHA256_HEX]);

static int
write_all(struct eds_output *o, const void *p, size_t n,
    struct eds_error *err)
{
	const char *c = p;
	ssize_t w;

	eds_sha256_update(&o->sha, p, n);
	while (n > 0) {
		w = write(o->fd, c, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			o->failed = 1;
			return eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot write '%s'", o->name);
		}
		c += w;
		n -= (size_t)w;
		o->written += (uint64_t)w;
	}
	return 0;
}

static int
deflate_out(struct eds_output *o, const void *p, size_t n, int flush,
    struct eds_error *err)
{
	int z;

	o->z.next_in = (unsigned char *)(uintptr_t)p;
	o->z.avail_in = (uInt)n;
	do {
		o->z.next_out = o->zbuf;
		o->z.avail_out = OUT_BUF;
		z = deflate(&o->z, flush);
		if (z == Z_STREAM_ERROR)
			return eds_error_set(err, EDS_EX_SOFTWARE,
			    "zlib deflate failed for '%s'", o->name);
		if (write_all(o, o->zbuf, OUT_BUF - o->z.avail_out, err) == -1)
			return -1;
	} while (o->z.avail_out == 0 || (flush == Z_FINISH && z != Z_STREAM_END));
	return 0;
}

int
eds_output_drain(struct eds_output *o, struct eds_error *err)
{
	int r;

	if (o->failed)
		return eds_error_set(err, EDS_EX_IOERR,
		    "cannot write '%s': earlier write failed", o->name);
	if (o->buf.len == 0)
		return 0;
	if (o->z_init)
		r = deflate_out(o, o->buf.p, o->buf.len, Z_NO_FLUSH, err);
	else
		r = write_all(o, o->buf.p, o->buf.len, err);
	o->buf.len = 0;
	return r;
}

struct eds_outbuf *
eds_output_buf(struct eds_output *o)
{
	return &o->buf;
}

int
eds_output_write(struct eds_output *o, const void *p, size_t n,
    struct eds_error *err)
{
	if (o->buf.len + n > o->buf.cap) {
		if (eds_output_drain(o, err) == -1)
			return -1;
		if (n > o->buf.cap)
			return o->z_init ? deflate_out(o, p, n, Z_NO_FLUSH, err)
			    : write_all(o, p, n, err);
	}
	memcpy(o->buf.p + o->buf.len, p, n);
	o->buf.len += n;
	return 0;
}

int
eds_output_puts(struct eds_output *o, const char *s, struct eds_error *err)
{
	return eds_output_write(o, s, strlen(s), err);
}

static int
fsync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, r = 0;

	dir = slash == NULL ? xstrdup(".") :
	    slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		r = fsync(fd);
		if (r == -1 && (errno == EINVAL || errno == EROFS))
			r = 0;	/* not supported there: nothing to do */
		close(fd);
	}
	free(dir);
	return r;
}

int
eds_output_commit_sha(struct eds_output *o, char hex[EDS_SHA256_HEX],
    uint64_t *bytes, struct eds_error *err)
{
	int e;

	if (eds_output_drain(o, err) == -1)
		goto fail;
	if (o->z_init && deflate_out(o, NULL, 0, Z_FINISH, err) == -1)
		goto fail;
	if (!o->direct) {
		if (fsync(o->fd) == -1) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot write '%s'", o->name);
			goto fail;
		}
		e = close(o->fd);
		o->fd = -1;
		if (e == -1) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot write '%s'", o->name);
			goto fail;
		}
		if (rename(o->tmp, o->name) == -1) {
			eds_error_errno(err, EDS_EX_CANTCREAT, errno,
			    "cannot rename into '%s'", o->name);
			goto fail;
		}
		temp_unregister(o->slot);
		o->slot = -1;
		free(o->tmp);
		o->tmp = NULL;
		(void)fsync_dir(o->name);
	} else if (o->fd != STDOUT_FILENO) {
		e = close(o->fd);
		o->fd = -1;
		if (e == -1) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot write '%s'", o->name);
			goto fail;
		}
	}
	final_sha(o, o->sha_hex);
	if (hex != NULL)
		memcpy(hex, o->sha_hex, EDS_SHA256_HEX);
	if (bytes != NULL)
		*bytes = o->written;
	eds_output_abort(o);
	return 0;
fail:
	eds_output_abort(o);
	return -1;
}

int
eds_output_commit(struct eds_output *o, struct eds_error *err)
{
	return eds_output_commit_sha(o, NULL, NULL, err);
}

void
eds_output_abort(struct eds_output *o)
{
	if (o == NULL)
		return;
	if (o->z_init)
		deflateEnd(&o->z);
	if (o->fd != -1 && o->fd != STDOUT_FILENO)
		close(o->fd);
	if (o->tmp != NULL) {
		unlink(o->tmp);
		free(o->tmp);
	}
	temp_unregister(o->slot);
	if (!o->sha_done && o->sha.ctx != NULL)
		eds_sha256_release(&o->sha);
	free(o->buf.p);
	free(o->zbuf);
	free(o->name);
	free(o);
}

const char *
eds_output_name(const struct eds_output *o)
{
	return o->name;
}

uint64_t
eds_output_bytes(const struct eds_output *o)
{
	return o->written + (o->z_init ? 0 : o->buf.len);
}

static void
final_sha(struct eds_output *o, char hex[EDS_SHA256_HEX])
{
	if (!o->sha_done) {
		eds_sha256_final_hex(&o->sha, o->sha_hex);
		o->sha_done = 1;
	}
	memcpy(hex, o->sha_hex, EDS_SHA256_HEX);
}
