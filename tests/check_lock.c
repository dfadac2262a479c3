/*
 * check_lock.c: run locks: the lock file beside the target, a second
 * holder refused at once with 73 naming the holder's pid, in the same
 * process and from another one; the lock dropped when its holder exits
 * or is killed; the lock file removed on release, taken over when a killed
 * run left it, and never held by two runs racing for its removal; a lock
 * file that cannot be created, or is a symbolic link.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "lock.h"

START_TEST(the_lock_file_sits_beside_the_target_and_names_its_holder)
{
	struct eds_error err;
	struct eds_lock *l;
	char *text, want[32];
	struct stat st;

	l = eds_lock_acquire(tu_path("out.csv"), &err);
	ck_assert_msg(l != NULL, "%s", err.msg);
	ck_assert_str_eq(eds_lock_path(l), tu_path("out.csv.lock"));
	ck_assert_msg(stat(tu_path("out.csv"), &st) == -1,
	    "locking does not create the target");
	text = tu_read(tu_path("out.csv.lock"), NULL);
	snprintf(want, sizeof want, "%ld ", (long)getpid());
	ck_assert_msg(strncmp(text, want, strlen(want)) == 0,
	    "the lock file starts with the holder's pid: '%s'", text);
	ck_assert_msg(strchr(text, 'T') != NULL && strchr(text, 'Z') != NULL,
	    "and gives the time it was taken: '%s'", text);
	free(text);
	eds_lock_release(l);
	ck_assert_msg(stat(tu_path("out.csv.lock"), &st) == -1,
	    "the lock file goes on release: there only while held");

	/* A directory target: its trailing slashes are not part of the name. */
	mkdir(tu_path("registry"), 0755);
	l = eds_lock_acquire(tu_path("registry//"), &err);
	ck_assert_msg(l != NULL, "%s", err.msg);
	ck_assert_str_eq(eds_lock_path(l), tu_path("registry.lock"));
	eds_lock_release(l);
	eds_lock_release(NULL);
}
END_TEST

START_TEST(a_second_holder_is_refused_at_once_with_73_and_the_holders_pid)
{
	struct eds_error err;
	struct eds_lock *a, *b;
	char want[64];

	a = eds_lock_acquire(tu_path("reg"), &err);
	ck_assert_msg(a != NULL, "%s", err.msg);
	eds_error_clear(&err);
	b = eds_lock_acquire(tu_path("reg"), &err);
	ck_assert_msg(b == NULL, "the same target cannot be locked twice");
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	snprintf(want, sizeof want, "(pid %ld since ", (long)getpid());
	ck_assert_msg(strstr(err.msg, "another run holds the lock '") != NULL &&
	    strstr(err.msg, "reg.lock' (pid ") != NULL &&
	    strstr(err.msg, want) != NULL, "message: %s", err.msg);
	/* Another target is another lock. */
	b = eds_lock_acquire(tu_path("reg2"), &err);
	ck_assert_msg(b != NULL, "%s", err.msg);
	eds_lock_release(b);
	eds_lock_release(a);
	b = eds_lock_acquire(tu_path("reg"), &err);
	ck_assert_msg(b != NULL, "released, the lock can be taken: %s",
	    err.msg);
	eds_lock_release(b);
}
END_TEST

/*
 * A child process takes the lock, says so through a pipe, and then waits
 * for its end: exit (exit_code) or SIGKILL (kill_it).
 */
static pid_t
child_holding(const char *target, int *to_child)
{
	int up[2], down[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(up), 0);
	ck_assert_int_eq(pipe(down), 0);
	if ((pid = fork()) == 0) {
		struct eds_error err;
		struct eds_lock *l = eds_lock_acquire(target, &err);

		c = l != NULL ? 'y' : 'n';
		(void)!write(up[1], &c, 1);
		(void)!read(down[0], &c, 1);	/* until told, or killed */
		_exit(l != NULL ? 0 : 1);	/* without releasing */
	}
	ck_assert_int_gt(pid, 0);
	close(up[1]);
	close(down[0]);
	ck_assert_int_eq(read(up[0], &c, 1), 1);
	ck_assert_msg(c == 'y', "the child takes the lock");
	close(up[0]);
	*to_child = down[1];
	return pid;
}

START_TEST(another_process_holding_the_lock_keeps_this_one_out_until_it_ends)
{
	struct eds_error err;
	struct eds_lock *l;
	char want[64];
	int fd, status;
	pid_t pid;

	pid = child_holding(tu_path("export"), &fd);
	eds_error_clear(&err);
	l = eds_lock_acquire(tu_path("export"), &err);
	ck_assert_msg(l == NULL, "a lock held by another process refuses");
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	snprintf(want, sizeof want, "(pid %ld since ", (long)pid);
	ck_assert_msg(strstr(err.msg, want) != NULL,
	    "the message names the other process: %s", err.msg);
	/* The child exits without releasing: the kernel drops the lock. */
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the child exits normally");
	l = eds_lock_acquire(tu_path("export"), &err);
	ck_assert_msg(l != NULL, "the holder exited: %s", err.msg);
	eds_lock_release(l);
}
END_TEST

START_TEST(a_holder_killed_by_sigkill_leaves_no_stale_lock)
{
	struct eds_error err;
	struct eds_lock *l;
	int fd, status;
	pid_t pid;

	pid = child_holding(tu_path("import"), &fd);
	ck_assert_msg(eds_lock_acquire(tu_path("import"), &err) == NULL,
	    "held by the child");
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "the child was killed");
	close(fd);
	l = eds_lock_acquire(tu_path("import"), &err);
	ck_assert_msg(l != NULL, "a killed holder's lock is gone: %s",
	    err.msg);
	eds_lock_release(l);
}
END_TEST

START_TEST(a_lock_file_left_by_a_killed_run_is_taken_and_then_removed)
{
	struct eds_error err;
	struct eds_lock *l;
	struct stat st;
	int fd, status;
	pid_t pid;

	pid = child_holding(tu_path("stale"), &fd);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(fd);
	ck_assert_msg(stat(tu_path("stale.lock"), &st) == 0,
	    "a killed run leaves its lock file");
	l = eds_lock_acquire(tu_path("stale"), &err);
	ck_assert_msg(l != NULL, "an unlocked lock file is taken: %s",
	    err.msg);
	eds_lock_release(l);
	ck_assert_msg(stat(tu_path("stale.lock"), &st) == -1,
	    "and removed on release");
}
END_TEST

/*
 * The race that removing the lock file on release opens, made to happen
 * (EDS_TEST_PAUSE stops a run between opening the lock file and locking
 * it): run B opens the lock file; A locks it; A releases (removes it,
 * unlocks it); C takes the lock through a new file; B, resumed, locks the
 * old one without a fight.  B must see that its file is no longer the lock and
 * start again, and be refused: C holds it.
 */
START_TEST(a_run_that_locks_a_removed_lock_file_starts_again)
{
	struct eds_error err;
	struct eds_lock *a, *c;
	char race[1024];
	int status;
	pid_t b;

	/* The path before the fork: one scratch directory for all. */
	snprintf(race, sizeof race, "%s", tu_path("race"));
	/* B first, so that it does not inherit A's lock with A's file. */
	if ((b = fork()) == 0) {
		struct eds_lock *l;

		setenv("EDS_TEST_PAUSE", "lock-opened", 1);
		l = eds_lock_acquire(race, &err);
		_exit(l == NULL && err.status == EDS_EX_CANTCREAT ? 0 : 1);
	}
	ck_assert_int_gt(b, 0);
	ck_assert_int_eq(waitpid(b, &status, WUNTRACED), b);
	ck_assert_msg(WIFSTOPPED(status), "B stops with the file open");
	a = eds_lock_acquire(race, &err);
	ck_assert_msg(a != NULL, "A locks the file B has open: %s", err.msg);
	eds_lock_release(a);
	c = eds_lock_acquire(race, &err);
	ck_assert_msg(c != NULL, "C takes the lock A released: %s", err.msg);
	kill(b, SIGCONT);
	ck_assert_int_eq(waitpid(b, &status, 0), b);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "B, having locked a removed file, started again and was refused");
	eds_lock_release(c);
}
END_TEST

START_TEST(a_lock_file_that_cannot_be_created_or_is_a_symlink_is_refused)
{
	struct eds_error err;
	struct eds_lock *l;

	eds_error_clear(&err);
	l = eds_lock_acquire(tu_path("no-dir/out.csv"), &err);
	ck_assert_msg(l == NULL, "no directory, no lock");
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_msg(strstr(err.msg, "cannot create lock file '") != NULL &&
	    strstr(err.msg, "no-dir/out.csv.lock': No such file or directory")
	    != NULL, "message: %s", err.msg);

	/* A symbolic link could point the lock's writes anywhere. */
	tu_write_str(tu_path("victim"), "keep me\n");
	ck_assert_int_eq(symlink(tu_path("victim"), tu_path("t.lock")), 0);
	eds_error_clear(&err);
	l = eds_lock_acquire(tu_path("t"), &err);
	ck_assert_msg(l == NULL, "a symlinked lock file is refused");
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_msg(strstr(err.msg, "t.lock'") != NULL, "message: %s",
	    err.msg);
	{
		char *text = tu_read(tu_path("victim"), NULL);

		ck_assert_str_eq(text, "keep me\n");
		free(text);
	}
}
END_TEST

Suite *
lock_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *t = tcase_create("lock");

	tcase_add_test(t, the_lock_file_sits_beside_the_target_and_names_its_holder);
	tcase_add_test(t, a_second_holder_is_refused_at_once_with_73_and_the_holders_pid);
	tcase_add_test(t, another_process_holding_the_lock_keeps_this_one_out_until_it_ends);
	tcase_add_test(t, a_holder_killed_by_sigkill_leaves_no_stale_lock);
	tcase_add_test(t, a_lock_file_left_by_a_killed_run_is_taken_and_then_removed);
	tcase_add_test(t, a_run_that_locks_a_removed_lock_file_starts_again);
	tcase_add_test(t, a_lock_file_that_cannot_be_created_or_is_a_symlink_is_refused);
	suite_add_tcase(s, t);
	return s;
}
