/*
 * check_xmalloc.c: allocation that never returns NULL.  Zero sizes give a
 * usable pointer, calloc zeroes, a grown array keeps its contents, the
 * string copies are terminated, and a size that overflows aborts with one
 * line on stderr instead of allocating too little.
 */
#include "config.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "xmalloc.h"

START_TEST(allocations_are_usable_zeroed_and_kept_when_grown)
{
	unsigned char *z = xcalloc(64, 4);
	int *a = xreallocarray(NULL, 4, sizeof *a);
	void *e = xmalloc(0);
	size_t i;

	ck_assert_ptr_nonnull(e);
	for (i = 0; i < 256; i++)
		ck_assert_int_eq(z[i], 0);
	for (i = 0; i < 4; i++)
		a[i] = (int)i * 7;
	a = xreallocarray(a, 1000, sizeof *a);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(a[i], (int)i * 7);
	a[999] = 1;
	free(a);
	free(z);
	free(e);
}
END_TEST

START_TEST(string_copies_are_terminated)
{
	char *d = xstrdup("Hôpital");
	char *n = xstrndup("abcdef", 3);
	char *f = xasprintf("%s-%03d", "PROJ", 14);

	ck_assert_str_eq(d, "Hôpital");
	ck_assert_str_eq(n, "abc");
	ck_assert_str_eq(f, "PROJ-014");
	free(d);
	free(n);
	free(f);
}
END_TEST

START_TEST(an_overflowing_size_aborts)
{
	int status;
	pid_t pid = fork();

	ck_assert(pid >= 0);
	if (pid == 0) {
		/* n * size wraps to 2: a plain realloc would succeed. */
		void *p = xreallocarray(NULL, SIZE_MAX / 2 + 2, 2);

		free(p);
		_exit(0);
	}
	ck_assert(waitpid(pid, &status, 0) == pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	    "an overflowing array size aborts (status %#x)", status);
}
END_TEST

Suite *
xmalloc_suite(void)
{
	Suite *s = suite_create("xmalloc");
	TCase *t = tcase_create("xmalloc");

	tcase_add_test(t, allocations_are_usable_zeroed_and_kept_when_grown);
	tcase_add_test(t, string_copies_are_terminated);
	tcase_add_test(t, an_overflowing_size_aborts);
	suite_add_tcase(s, t);
	return s;
}
