/*
 * lock.c: run locks (see lock.h).  The lock file is opened with O_NOFOLLOW
 * and O_CLOEXEC (a tool it runs does not inherit the lock), locked with
 * flock(LOCK_EX | LOCK_NB), checked to be still the file at its path (see
 * eds_lock_acquire), and then rewritten with "pid time\n" so that a
 * refused run can say who holds it.  Release removes it, still holding it.  A run that is refused reads that line
 * back (it may be empty or half written if the holder has just started:
 * the message then leaves it out).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "output.h"
#include "xmalloc.h"

struct eds_lock {
	char *path;
	int fd;
	int slot;		/* for the signal handler (output.h), or -1 */
};

/* "TARGET.lock", trailing slashes of target removed. */
static char *
lock_name(const char *target)
{
	size_t n = strlen(target);

	while (n > 1 && target[n - 1] == '/')
		n--;
	return xasprintf("%.*s.lock", (int)n, target);
}

/* Append " (pid N since TIME)" from the holder's line, if it reads well. */
static void
holder(int fd, char *out, size_t len)
{
	char buf[64], when[32];
	unsigned long pid;
	ssize_t n;

	out[0] = '\0';
	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "%lu %31[0-9TZ:-]\n", &pid, when) == 2)
		snprintf(out, len, " (pid %lu since %s)", pid, when);
}

struct eds_lock *
eds_lock_acquire(const char *target, struct eds_error *err)
{
	struct eds_lock *l;
	char line[64], when[32], who[80];
	struct stat fst, pst;
	struct tm tm;
	const char *pause;
	time_t t;
	sigset_t saved;
	int fd, n, tries;

	l = xcalloc(1, sizeof *l);
	l->path = lock_name(target);
	tries = 0;
again:
	fd = open(l->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno,
		    "cannot create lock file '%s'", l->path);
		goto fail;
	}
	l->fd = fd;
	if (tries == 0 && (pause = getenv("EDS_TEST_PAUSE")) != NULL &&
	    strcmp(pause, "lock-opened") == 0)
		raise(SIGSTOP);
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK) {
			holder(fd, who, sizeof who);
			eds_error_set(err, EDS_EX_CANTCREAT, "another run holds "
			    "the lock '%s'%s", l->path, who);
		} else
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot lock '%s'", l->path);
		goto fail;
	}
	/*
	 * The holder before us removes the file as it releases it: if that
	 * happened between our open and our flock, we hold a file no longer
	 * at the path, and a third run could lock a new one.  So the path
	 * must still name what we locked; else start again.
	 */
	if (fstat(fd, &fst) == -1 || lstat(l->path, &pst) == -1 ||
	    fst.st_dev != pst.st_dev || fst.st_ino != pst.st_ino) {
		close(fd);
		fd = -1;
		if (++tries < 100)
			goto again;
		eds_error_set(err, EDS_EX_CANTCREAT, "cannot lock '%s': it "
		    "keeps being replaced", l->path);
		goto fail;
	}
	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), when);
	/*
	 * A run stopped by SIGTERM, SIGINT or SIGHUP removes it too: the
	 * signals wait while our pid is written and the file registered.
	 */
	eds_output_signals_hold(&saved);
	/* Only informative: a failure here does not lose the lock. */
	if (ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, line, (size_t)n, 0);
	l->slot = eds_output_temp_file(l->path);
	eds_output_signals_release(&saved);
	return l;
fail:
	if (fd != -1)
		close(fd);
	free(l->path);
	free(l);
	return NULL;
}

void
eds_lock_release(struct eds_lock *l)
{
	struct stat fst, pst;

	if (l == NULL)
		return;
	eds_output_temp_file_forget(l->slot);
	/* Removed while still held, and only if the path is still ours. */
	if (fstat(l->fd, &fst) == 0 && lstat(l->path, &pst) == 0 &&
	    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino)
		(void)unlink(l->path);
	close(l->fd);	/* drops the flock */
	free(l->path);
	free(l);
}

const char *
eds_lock_path(const struct eds_lock *l)
{
	return l->path;
}
