/*
 * check_output.c: safe output: a temporary name renamed on commit, nothing
 * left by abort or failure, devices and FIFOs written directly, EXCL,
 * modes, gzip round trip, checksums, and write errors (a full device, a
 * file size limit) reported as 74 with nothing renamed into place.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"
#include "input.h"
#include "output.h"
#include "xmalloc.h"

/* A fresh empty directory for one test. */
static const char *
fresh_dir(const char *name)
{
	const char *d = tu_path(name);

	ck_assert_int_eq(mkdir(d, 0755), 0);
	return d;
}

/* Entries in dir, "." and ".." aside. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

START_TEST(output_is_written_under_a_temporary_name_and_renamed_on_commit)
{
	const char *dir = fresh_dir("commit");
	char path[600], *text;
	struct eds_output *o;
	struct eds_error err;
	DIR *d;
	struct dirent *e;
	int tmp = 0;

	snprintf(path, sizeof path, "%s/out.csv", dir);
	tu_write_str(path, "old complete file\n");
	o = eds_output_open(path, 0, &err);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(eds_output_puts(o, "new\n", &err), 0);
	ck_assert_int_eq(eds_output_drain(o, &err), 0);
	/* Before commit the old file is untouched and a temporary exists. */
	text = tu_read(path, NULL);
	ck_assert_str_eq(text, "old complete file\n");
	free(text);
	d = opendir(dir);
	while ((e = readdir(d)) != NULL)
		tmp += strncmp(e->d_name, ".out.csv.tmp-", 13) == 0;
	closedir(d);
	ck_assert_msg(tmp == 1, "one hidden temporary file expected in %s",
	    dir);
	ck_assert_int_eq(eds_output_commit(o, &err), 0);
	text = tu_read(path, NULL);
	ck_assert_str_eq(text, "new\n");
	free(text);
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

START_TEST(abort_leaves_nothing_behind)
{
	const char *dir = fresh_dir("abort");
	char path[600];
	struct eds_output *o;
	struct eds_error err;

	snprintf(path, sizeof path, "%s/out.csv", dir);
	o = eds_output_open(path, 0, &err);
	ck_assert_int_eq(eds_output_puts(o, "partial\n", &err), 0);
	ck_assert_int_eq(eds_output_drain(o, &err), 0);
	eds_output_abort(o);
	ck_assert_int_eq(entries(dir), 0);
	eds_output_abort(NULL);
}
END_TEST

START_TEST(signal_cleanup_removes_open_temporary_files)
{
	const char *dir = fresh_dir("signal");
	char path[600];
	struct eds_output *o;
	struct eds_error err;

	snprintf(path, sizeof path, "%s/out.csv", dir);
	o = eds_output_open(path, 0, &err);
	ck_assert_int_eq(entries(dir), 1);
	eds_output_cleanup_signal();
	ck_assert_int_eq(entries(dir), 0);
	eds_output_abort(o);
}
END_TEST

START_TEST(signal_cleanup_removes_registered_directories_and_their_content)
{
	const char *dir = fresh_dir("signal-dirs");
	char path[600], kept[700], deep[800];
	int slot, other, i;

	/* A tree with more entries than one getdents buffer, and depth. */
	snprintf(path, sizeof path, "%s/work", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	for (i = 0; i < 300; i++) {
		snprintf(deep, sizeof deep, "%s/file-with-a-long-name-%03d.csv",
		    path, i);
		tu_write_str(deep, "x\n");
	}
	snprintf(deep, sizeof deep, "%s/data", path);
	ck_assert_int_eq(mkdir(deep, 0700), 0);
	snprintf(deep, sizeof deep, "%s/data/sub", path);
	ck_assert_int_eq(mkdir(deep, 0700), 0);
	snprintf(deep, sizeof deep, "%s/data/sub/.hidden.tmp-x", path);
	tu_write_str(deep, "y\n");
	snprintf(kept, sizeof kept, "%s/kept", dir);
	ck_assert_int_eq(mkdir(kept, 0700), 0);

	slot = eds_output_temp_dir(path);
	other = eds_output_temp_dir(kept);
	ck_assert_int_ge(slot, 0);
	ck_assert_int_ge(other, 0);
	eds_output_temp_dir_forget(other);
	eds_output_cleanup_signal();
	ck_assert_msg(!exists(path), "the registered tree is removed");
	ck_assert_msg(exists(kept), "a forgotten directory is left alone");
	eds_output_temp_dir_forget(slot);
	eds_output_temp_dir_forget(-1);
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

START_TEST(devices_and_fifos_are_written_directly)
{
	const char *dir = fresh_dir("fifo");
	char path[600], buf[32];
	struct eds_output *o;
	struct eds_error err;
	int rd;
	ssize_t n;

	o = eds_output_open("/dev/null", 0, &err);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(eds_output_name(o), "/dev/null");
	ck_assert_int_eq(eds_output_puts(o, "discarded\n", &err), 0);
	ck_assert_int_eq(eds_output_commit(o, &err), 0);

	snprintf(path, sizeof path, "%s/pipe", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	rd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rd, 0);
	o = eds_output_open(path, 0, &err);
	ck_assert_msg(o != NULL, "%s", err.msg);
	ck_assert_int_eq(eds_output_puts(o, "through the fifo\n", &err), 0);
	ck_assert_int_eq(eds_output_commit(o, &err), 0);
	n = read(rd, buf, sizeof buf);
	ck_assert_int_eq(n, 17);
	ck_assert_int_eq(memcmp(buf, "through the fifo\n", 17), 0);
	close(rd);
	ck_assert_int_eq(entries(dir), 1);	/* just the fifo */
}
END_TEST

START_TEST(excl_refuses_an_existing_target)
{
	const char *dir = fresh_dir("excl");
	char path[600];
	struct eds_output *o;
	struct eds_error err;

	snprintf(path, sizeof path, "%s/key", dir);
	o = eds_output_open(path, EDS_OUT_EXCL | EDS_OUT_PRIVATE, &err);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(eds_output_puts(o, "secret\n", &err), 0);
	ck_assert_int_eq(eds_output_commit(o, &err), 0);
	ck_assert_ptr_null(eds_output_open(path, EDS_OUT_EXCL, &err));
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_msg(strstr(err.msg, "already exists") != NULL, "%s", err.msg);
	ck_assert_ptr_null(eds_output_open("/dev/null", EDS_OUT_EXCL, &err));
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

START_TEST(files_get_the_umask_mode_or_0600_when_private)
{
	const char *dir = fresh_dir("mode");
	char path[600];
	struct eds_output *o;
	struct eds_error err;
	struct stat st;
	mode_t old = umask(022);

	snprintf(path, sizeof path, "%s/public", dir);
	o = eds_output_open(path, 0, &err);
	ck_assert_int_eq(eds_output_commit(o, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	snprintf(path, sizeof path, "%s/private", dir);
	o = eds_output_open(path, EDS_OUT_PRIVATE, &err);
	ck_assert_int_eq(eds_output_commit(o, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	umask(old);
}
END_TEST

START_TEST(an_uncreatable_target_is_cantcreat)
{
	struct eds_error err;
	char path[600];

	ck_assert_ptr_null(eds_output_open(tu_tmpdir(), 0, &err));
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_msg(strstr(err.msg, "Is a directory") != NULL, "%s", err.msg);
	snprintf(path, sizeof path, "%s/no/such/dir/out.csv", tu_tmpdir());
	ck_assert_ptr_null(eds_output_open(path, 0, &err));
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_msg(strstr(err.msg, "out.csv") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(gzip_output_reads_back_and_checksums_match_the_file)
{
	const char *dir = fresh_dir("gzip");
	char path[600], hex[EDS_SHA256_HEX], want[EDS_SHA256_HEX];
	char *data = xmalloc(1000000), *back = xmalloc(1000001);
	struct eds_output *o;
	struct eds_input *in;
	struct eds_error err;
	uint64_t bytes = 0, size = 0;
	size_t i, n = 0;
	ssize_t k;

	for (i = 0; i < 1000000; i++)
		data[i] = (char)(' ' + (i * i % 90));
	snprintf(path, sizeof path, "%s/out.csv.gz", dir);
	o = eds_output_open(path, EDS_OUT_GZIP, &err);
	/* small writes, then one larger than the buffer */
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(eds_output_write(o, data + i * 100, 100,
		    &err), 0);
	ck_assert_int_eq(eds_output_write(o, data + 100000, 900000, &err), 0);
	ck_assert_int_eq(eds_output_commit_sha(o, hex, &bytes, &err), 0);
	ck_assert_int_eq(eds_sha256_file(path, want, &size, &err), 0);
	ck_assert_str_eq(hex, want);
	ck_assert_uint_eq(bytes, size);
	ck_assert_uint_lt(size, 1000000);

	in = eds_input_open(path, &err);
	ck_assert_int_eq(eds_input_is_gzip(in), 1);
	while ((k = eds_input_read(in, back + n, 1000001 - n, &err)) > 0)
		n += (size_t)k;
	ck_assert_int_eq(k, 0);
	eds_input_close(in);
	ck_assert_uint_eq(n, 1000000);
	ck_assert_int_eq(memcmp(back, data, n), 0);
	free(data);
	free(back);
}
END_TEST

START_TEST(a_full_device_fails_with_ioerr_at_commit)
{
	struct eds_output *o;
	struct eds_error err;

	if (access("/dev/full", W_OK) != 0) {
		printf("SKIP: /dev/full is not available\n");
		return;
	}
	o = eds_output_open("/dev/full", 0, &err);
	ck_assert_ptr_nonnull(o);
	/* Small writes are buffered: the error comes at commit. */
	ck_assert_int_eq(eds_output_puts(o, "a,b\n1,2\n", &err), 0);
	ck_assert_int_eq(eds_output_commit(o, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_IOERR);
	ck_assert_msg(strstr(err.msg, "/dev/full") != NULL &&
	    strstr(err.msg, strerror(ENOSPC)) != NULL, "%s", err.msg);
}
END_TEST

START_TEST(a_write_error_on_a_file_renames_nothing_and_removes_the_temporary)
{
	const char *dir = fresh_dir("fsize");
	char path[600], *data = xmalloc(300000);
	struct eds_output *o;
	struct eds_error err;
	struct rlimit saved, lim;
	void (*old)(int);
	int rc, wrc = 0;

	memset(data, 'x', 300000);
	snprintf(path, sizeof path, "%s/out.csv", dir);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	old = signal(SIGXFSZ, SIG_IGN);
	o = eds_output_open(path, 0, &err);
	ck_assert_ptr_nonnull(o);
	lim = saved;
	lim.rlim_cur = 4096;	/* the "disk" fills after 4 KiB */
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	wrc = eds_output_write(o, data, 300000, &err);
	rc = wrc == 0 ? eds_output_commit(o, &err) : (eds_output_abort(o), -1);
	setrlimit(RLIMIT_FSIZE, &saved);
	signal(SIGXFSZ, old);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err.status, EDS_EX_IOERR);
	ck_assert_msg(strstr(err.msg, "out.csv") != NULL, "%s", err.msg);
	ck_assert_msg(!exists(path), "a failed output must not be renamed "
	    "into place");
	ck_assert_int_eq(entries(dir), 0);

	/* The same failure surfacing only at commit (buffered). */
	o = eds_output_open(path, 0, &err);
	ck_assert_int_eq(eds_output_write(o, data, 8000, &err), 0);
	lim.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = eds_output_commit(o, &err);
	setrlimit(RLIMIT_FSIZE, &saved);
	signal(SIGXFSZ, old);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err.status, EDS_EX_IOERR);
	ck_assert_int_eq(entries(dir), 0);
	free(data);
}
END_TEST

START_TEST(after_a_failed_write_every_later_write_fails_too)
{
	struct eds_output *o;
	struct eds_error err;
	char big[200000];

	if (access("/dev/full", W_OK) != 0)
		return;
	memset(big, 'y', sizeof big);
	o = eds_output_open("/dev/full", 0, &err);
	ck_assert_int_eq(eds_output_write(o, big, sizeof big, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_IOERR);
	eds_error_clear(&err);
	ck_assert_int_eq(eds_output_puts(o, "x", &err), 0);	/* buffered */
	ck_assert_int_eq(eds_output_commit(o, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_IOERR);
}
END_TEST

static volatile sig_atomic_t hups;

static void
count_hup(int sig)
{
	(void)sig;
	hups++;
}

START_TEST(held_signals_arrive_after_the_release)
{
	struct sigaction sa, old;
	sigset_t saved, now;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = count_hup;
	sigemptyset(&sa.sa_mask);
	ck_assert(sigaction(SIGHUP, &sa, &old) == 0);
	hups = 0;
	eds_output_signals_hold(&saved);
	raise(SIGHUP);
	ck_assert_msg(hups == 0, "a held SIGHUP waits");
	ck_assert(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
	ck_assert(sigismember(&now, SIGTERM) && sigismember(&now, SIGINT) &&
	    sigismember(&now, SIGHUP));
	eds_output_signals_release(&saved);
	ck_assert_msg(hups == 1, "delivered once released");
	ck_assert(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
	ck_assert_msg(!sigismember(&now, SIGTERM) && !sigismember(&now, SIGHUP),
	    "the mask is restored");
	ck_assert(sigaction(SIGHUP, &old, NULL) == 0);
}
END_TEST

Suite *
output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *t = tcase_create("output");

	tcase_add_test(t, output_is_written_under_a_temporary_name_and_renamed_on_commit);
	tcase_add_test(t, abort_leaves_nothing_behind);
	tcase_add_test(t, signal_cleanup_removes_open_temporary_files);
	tcase_add_test(t, signal_cleanup_removes_registered_directories_and_their_content);
	tcase_add_test(t, held_signals_arrive_after_the_release);
	tcase_add_test(t, devices_and_fifos_are_written_directly);
	tcase_add_test(t, excl_refuses_an_existing_target);
	tcase_add_test(t, files_get_the_umask_mode_or_0600_when_private);
	tcase_add_test(t, an_uncreatable_target_is_cantcreat);
	tcase_add_test(t, gzip_output_reads_back_and_checksums_match_the_file);
	tcase_add_test(t, a_full_device_fails_with_ioerr_at_commit);
	tcase_add_test(t, a_write_error_on_a_file_renames_nothing_and_removes_the_temporary);
	tcase_add_test(t, after_a_failed_write_every_later_write_fails_too);
	suite_add_tcase(s, t);
	return s;
}
