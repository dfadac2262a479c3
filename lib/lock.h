/*
 * lock.h: a lock that keeps two runs of the same job from writing the same
 * target at once, e.g. cron starting tonight's export while last night's
 * is still running, or two consent imports into one registry.
 *
 * The lock is an flock(2) on a lock file beside the target, "TARGET.lock"
 * (a trailing '/' of a directory target is ignored: "registry/" locks
 * "registry.lock").  It is taken without waiting: a second run fails at
 * once, with status 73 and "another run holds the lock 'TARGET.lock' (pid
 * N since TIME)".  It is held until eds_lock_release or the end of the
 * process: the kernel drops it even after SIGKILL, so a crashed run never
 * leaves a stale lock behind.  The lock file holds the holder's pid and
 * start time, for that message only.  Release removes it, and so does a
 * tool stopped by SIGTERM, SIGINT or SIGHUP (through the clean-up of
 * output.h); a run killed by SIGKILL leaves it, unlocked: the next run
 * takes it and removes it.  So a lock file is there only while a run
 * holds it.  Removing a lock file
 * could let two runs lock two different files (one opened the old file
 * just before it went, one creates a new one): a run that has locked a
 * file checks that the path still names it, and starts again if not.
 *
 * Why 73 (EX_CANTCREAT): sysexits' 75 (EX_TEMPFAIL) is not among the
 * statuses of DESIGN section 3, and the refused run is one that cannot
 * create its output now; 74 would say a disk failed, which sends the
 * operator to the wrong place.  A lock file that cannot be created is 73
 * as well; a lock that cannot be taken for another reason (no locks on
 * that file system) is 74.
 */
#ifndef EDS_LOCK_H
#define EDS_LOCK_H

#include "eds.h"

struct eds_lock;

/*
 * Lock target (a file or directory, existing or not) through
 * "TARGET.lock", created with mode 0644 if needed (never through a
 * symbolic link).  The caller owns the result and releases it.  NULL with
 * 73 if another run holds it or the lock file cannot be created, 74 if
 * the lock cannot be taken.
 *
 * For tests: with EDS_TEST_PAUSE=lock-opened in the environment the
 * process stops itself (SIGSTOP) once the lock file is open, before it
 * is locked (the first time only).
 */
struct eds_lock *eds_lock_acquire(const char *target, struct eds_error *);
/* Remove the lock file, release and free; NULL is ignored. */
void eds_lock_release(struct eds_lock *);
/* The lock file's path. */
const char *eds_lock_path(const struct eds_lock *);

#endif
