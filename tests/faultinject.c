/*
 * faultinject.c: an LD_PRELOAD shim that makes chosen system calls fail,
 * so that the tests exercise every error path of the writers instead of
 * hoping for a full disk (tests/fault-*.sh; built by make check as
 * tests/faultinject.so, without sanitizers).
 *
 * Selected by environment variables:
 *
 *   FI_CALL   the calls to fail, comma-separated: write read fsync
 *             fdatasync close open (open, open64, openat) mkstemp
 *             (mkstemp, mkostemp, mkstemps, mkostemps) mkdtemp mkdir
 *             (mkdir, mkdirat) rename (rename, renameat, renameat2)
 *             link (link, linkat) unlink
 *   FI_PATH   only calls on a path matching this fnmatch(3) pattern
 *             ('*' matches '/' too); for calls on a descriptor, the path
 *             it was opened with (from /proc/self/fd).  Default: any.
 *   FI_NTH    the first matching call to fail, counting from 1 (default 1)
 *   FI_TIMES  how many to fail from there (default 1; 0: all of them)
 *   FI_ERRNO  the error: ENOSPC EIO EACCES EPERM EDQUOT EROFS ENOENT EBADF
 *             EINTR or a number (default EIO); "short" makes a write or read
 *             move half the bytes (at least one) and succeed, once
 *   FI_LOG    a file to which every injected failure is appended as
 *             "call path errno", so that a test can show it fired
 *   FI_TRACE  a file to which every matching call, failed or not, is
 *             appended as "N call type path" (N counting from 1, as FI_NTH
 *             does; type d for a directory, f for a regular file, - when
 *             neither or not known): a test runs once with it to learn
 *             how many calls there are, then fails each in turn
 *
 * Paths relative to a directory descriptor (openat, renameat, linkat,
 * mkdirat) are made absolute from that descriptor's path, so that FI_PATH
 * sees "/tmp/x/reg/." for openat(regfd, ".", O_TMPFILE...).
 * Descriptors 0-2 are never failed, unless FI_PATH names them.  Nothing is
 * allocated; the real functions come from dlsym(RTLD_NEXT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* real_NAME: the next definition of NAME, libc's. */
#define REAL(name) \
	static __typeof__(&name) real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static unsigned long seen;	/* matching calls so far */

static const char *
opt(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
selected(const char *call)
{
	const char *list = opt("FI_CALL"), *p;
	size_t n = strlen(call);

	if (list == NULL)
		return 0;
	for (p = list; (p = strstr(p, call)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

static int
error_number(void)
{
	static const struct { const char *name; int e; } names[] = {
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EACCES", EACCES },
		{ "EPERM", EPERM }, { "EDQUOT", EDQUOT }, { "EROFS", EROFS },
		{ "ENOENT", ENOENT }, { "EBADF", EBADF }, { "EINTR", EINTR },
		{ NULL, 0 }
	};
	const char *v = opt("FI_ERRNO");
	int i;

	if (v == NULL)
		return EIO;
	for (i = 0; names[i].name != NULL; i++)
		if (strcmp(v, names[i].name) == 0)
			return names[i].e;
	return atoi(v) > 0 ? atoi(v) : EIO;
}

static void
log_fault(const char *call, const char *path, const char *what)
{
	const char *log = opt("FI_LOG");
	char line[1200];
	int fd, n;
	REAL(open);
	REAL(write);
	REAL(close);

	if (log == NULL)
		return;
	n = snprintf(line, sizeof line, "%s %s %s\n", call, path, what);
	if (n < 0 || (size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	if ((fd = real_open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		return;
	(void)real_write(fd, line, (size_t)n);
	real_close(fd);
}

static void
trace(const char *call, const char *path, int fd)
{
	const char *log = opt("FI_TRACE");
	char line[1200], type = '-';
	struct stat st;
	int lfd, n;
	REAL(open);
	REAL(write);
	REAL(close);

	if (log == NULL)
		return;
	/* What the call is on: a directory or a regular file. */
	if (fd >= 0 ? fstat(fd, &st) == 0 : path != NULL &&
	    stat(path, &st) == 0)
		type = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' :
		    '-';
	n = snprintf(line, sizeof line, "%lu %s %c %s\n", seen, call, type,
	    path);
	if (n < 0 || (size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	if ((lfd = real_open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		return;
	(void)real_write(lfd, line, (size_t)n);
	real_close(lfd);
}

/*
 * path relative to dirfd, made absolute into buf (path itself when it is
 * absolute or relative to the working directory, or dirfd has no path).
 */
static const char *
at_path(int dirfd, const char *path, char *buf, size_t len)
{
	char link[64], dir[1024];
	ssize_t n;

	if (path == NULL || path[0] == '/' || dirfd == AT_FDCWD)
		return path;
	snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
	if ((n = readlink(link, dir, sizeof dir - 1)) <= 0)
		return path;
	dir[n] = '\0';
	snprintf(buf, len, "%s/%s", dir, path);
	return buf;
}

/*
 * Should this call fail?  1 to fail with errno, 2 to be short; 0 to go on.
 * path may be NULL for a descriptor that has none.
 */
static int
inject(const char *call, const char *path, int fd)
{
	const char *pat = opt("FI_PATH"), *v;
	unsigned long nth = 1, times = 1;
	char what[32];

	if (!selected(call))
		return 0;
	if (pat != NULL ? path == NULL || fnmatch(pat, path, 0) != 0 :
	    fd >= 0 && fd <= 2)
		return 0;
	if ((v = opt("FI_NTH")) != NULL)
		nth = strtoul(v, NULL, 10);
	if ((v = opt("FI_TIMES")) != NULL)
		times = strtoul(v, NULL, 10);
	seen++;
	trace(call, path != NULL ? path : "-", fd);
	if (seen < nth || (times != 0 && seen >= nth + times))
		return 0;
	if ((v = opt("FI_ERRNO")) != NULL && strcmp(v, "short") == 0) {
		if (seen != nth)
			return 0;
		log_fault(call, path != NULL ? path : "-", "short");
		return 2;
	}
	snprintf(what, sizeof what, "%d", error_number());
	log_fault(call, path != NULL ? path : "-", what);
	return 1;
}

static const char *
fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, buf, len - 1)) <= 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static int
inject_fd(const char *call, int fd)
{
	char buf[1024];

	if (!selected(call))
		return 0;
	return inject(call, fd_path(fd, buf, sizeof buf), fd);
}

ssize_t
write(int fd, const void *p, size_t n)
{
	REAL(write);

	switch (inject_fd("write", fd)) {
	case 1:
		errno = error_number();
		return -1;
	case 2:
		return real_write(fd, p, n > 1 ? n / 2 : n);
	}
	return real_write(fd, p, n);
}

ssize_t
read(int fd, void *p, size_t n)
{
	REAL(read);

	switch (inject_fd("read", fd)) {
	case 1:
		errno = error_number();
		return -1;
	case 2:
		return real_read(fd, p, n > 1 ? n / 2 : n);
	}
	return real_read(fd, p, n);
}

int
fsync(int fd)
{
	REAL(fsync);

	if (inject_fd("fsync", fd)) {
		errno = error_number();
		return -1;
	}
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(fdatasync);

	if (inject_fd("fdatasync", fd)) {
		errno = error_number();
		return -1;
	}
	return real_fdatasync(fd);
}

int
close(int fd)
{
	REAL(close);

	if (inject_fd("close", fd)) {
		/* Like Linux: the descriptor is gone all the same. */
		real_close(fd);
		errno = error_number();
		return -1;
	}
	return real_close(fd);
}

int
rename(const char *from, const char *to)
{
	const char *pat = opt("FI_PATH");
	REAL(rename);

	/* The pattern may name either side; the call counts once. */
	if (inject("rename", pat == NULL || fnmatch(pat, to, 0) == 0 ? to :
	    from, -1)) {
		errno = error_number();
		return -1;
	}
	return real_rename(from, to);
}

int
unlink(const char *path)
{
	REAL(unlink);

	if (inject("unlink", path, -1)) {
		errno = error_number();
		return -1;
	}
	return real_unlink(path);
}

#define OPEN_MODE(flags, mode) do { \
	if ((flags) & (O_CREAT | O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, flags); \
		mode = (mode_t)va_arg(ap, int); \
		va_end(ap); \
	} \
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	REAL(open);

	OPEN_MODE(flags, mode);
	if (inject("open", path, -1)) {
		errno = error_number();
		return -1;
	}
	return real_open(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	REAL(open64);

	OPEN_MODE(flags, mode);
	if (inject("open", path, -1)) {
		errno = error_number();
		return -1;
	}
	return real_open64(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	char buf[1100];
	REAL(openat);

	OPEN_MODE(flags, mode);
	if (selected("open") &&
	    inject("open", at_path(dirfd, path, buf, sizeof buf), -1)) {
		errno = error_number();
		return -1;
	}
	return real_openat(dirfd, path, flags, mode);
}

int
mkstemp(char *tmpl)
{
	REAL(mkstemp);

	if (inject("mkstemp", tmpl, -1)) {
		errno = error_number();
		return -1;
	}
	return real_mkstemp(tmpl);
}

int
mkostemp(char *tmpl, int flags)
{
	REAL(mkostemp);

	if (inject("mkstemp", tmpl, -1)) {
		errno = error_number();
		return -1;
	}
	return real_mkostemp(tmpl, flags);
}

int
mkstemps(char *tmpl, int suffixlen)
{
	REAL(mkstemps);

	if (inject("mkstemp", tmpl, -1)) {
		errno = error_number();
		return -1;
	}
	return real_mkstemps(tmpl, suffixlen);
}

int
mkostemps(char *tmpl, int suffixlen, int flags)
{
	REAL(mkostemps);

	if (inject("mkstemp", tmpl, -1)) {
		errno = error_number();
		return -1;
	}
	return real_mkostemps(tmpl, suffixlen, flags);
}

/* The pattern may name either side of a rename or link; it counts once. */
static int
inject2(const char *call, const char *from, const char *to)
{
	const char *pat = opt("FI_PATH");

	return inject(call, pat == NULL || (to != NULL &&
	    fnmatch(pat, to, 0) == 0) ? to : from, -1);
}

int
renameat(int olddirfd, const char *from, int newdirfd, const char *to)
{
	char a[1100], b[1100];
	REAL(renameat);

	if (selected("rename") && inject2("rename", at_path(olddirfd, from, a,
	    sizeof a), at_path(newdirfd, to, b, sizeof b))) {
		errno = error_number();
		return -1;
	}
	return real_renameat(olddirfd, from, newdirfd, to);
}

int
renameat2(int olddirfd, const char *from, int newdirfd, const char *to,
    unsigned int flags)
{
	char a[1100], b[1100];
	REAL(renameat2);

	if (selected("rename") && inject2("rename", at_path(olddirfd, from, a,
	    sizeof a), at_path(newdirfd, to, b, sizeof b))) {
		errno = error_number();
		return -1;
	}
	return real_renameat2(olddirfd, from, newdirfd, to, flags);
}

int
link(const char *from, const char *to)
{
	REAL(link);

	if (inject2("link", from, to)) {
		errno = error_number();
		return -1;
	}
	return real_link(from, to);
}

int
linkat(int olddirfd, const char *from, int newdirfd, const char *to,
    int flags)
{
	char a[1100], b[1100];
	REAL(linkat);

	if (selected("link") && inject2("link", at_path(olddirfd, from, a,
	    sizeof a), at_path(newdirfd, to, b, sizeof b))) {
		errno = error_number();
		return -1;
	}
	return real_linkat(olddirfd, from, newdirfd, to, flags);
}

int
mkdir(const char *path, mode_t mode)
{
	REAL(mkdir);

	if (inject("mkdir", path, -1)) {
		errno = error_number();
		return -1;
	}
	return real_mkdir(path, mode);
}

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	char buf[1100];
	REAL(mkdirat);

	if (selected("mkdir") &&
	    inject("mkdir", at_path(dirfd, path, buf, sizeof buf), -1)) {
		errno = error_number();
		return -1;
	}
	return real_mkdirat(dirfd, path, mode);
}

char *
mkdtemp(char *tmpl)
{
	REAL(mkdtemp);

	if (inject("mkdtemp", tmpl, -1)) {
		errno = error_number();
		return NULL;
	}
	return real_mkdtemp(tmpl);
}
