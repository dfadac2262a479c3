/*
 * check_key.c: master key files: the format (comments, one line of 64 hex
 * digits), every refusal with its exit status and a message that never
 * quotes the key, the permission and symlink checks, and keygen (mode
 * 0600, never overwrites, fresh randomness, a key id that loading agrees
 * with).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"
#include "key.h"

#define HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static int
parse(const char *text, struct eds_key *k, struct eds_error *err)
{
	eds_error_clear(err);
	return eds_key_parse("t.key", text, strlen(text), k, err);
}

START_TEST(key_file_allows_comments_blank_lines_and_crlf)
{
	struct eds_key k;
	struct eds_error err;
	size_t i;

	ck_assert_msg(parse("# master key\n\n  " HEX "  # 2026\r\n# end\n", &k,
	    &err) == 0, "%s", err.msg);
	for (i = 0; i < EDS_KEY_LEN; i++)
		ck_assert_uint_eq(k.k[i], i);
	ck_assert_uint_eq(strlen(k.id), 16);
	ck_assert_msg(parse(HEX, &k, &err) == 0, "no final newline: %s",
	    err.msg);
	ck_assert_msg(parse("000102030405060708090A0B0C0D0E0F101112131415161718"
	    "191A1B1C1D1E1F\n", &k, &err) == 0, "upper-case hex: %s", err.msg);
}
END_TEST

START_TEST(malformed_keys_are_config_errors_that_never_quote_the_key)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "", "no key" },
		{ "# only a comment\n\n", "no key" },
		{ HEX "00\n", "66 characters" },
		{ "0001020304\n", "10 characters" },
		{ "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d"
		    "1e1f\n", "not hexadecimal" },
		{ HEX " extra\n", "malformed" },
		{ HEX "\n" HEX "\n", "second key" },
	};
	struct eds_key k;
	struct eds_error err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(parse(bad[i].text, &k, &err) == -1,
		    "case %zu accepted", i);
		ck_assert_int_eq(err.status, EDS_EX_CONFIG);
		ck_assert_msg(strstr(err.msg, bad[i].why) != NULL,
		    "case %zu: '%s' lacks '%s'", i, err.msg, bad[i].why);
		ck_assert_msg(strstr(err.msg, "0102030405") == NULL &&
		    strstr(err.msg, "zz01") == NULL,
		    "message quotes the key: %s", err.msg);
	}
}
END_TEST

static const char *
write_key(const char *name, mode_t mode)
{
	const char *p = tu_path(name);

	unlink(p);
	tu_write_str(p, "# test\n" HEX "\n");
	ck_assert_int_eq(chmod(p, mode), 0);
	return p;
}

START_TEST(key_readable_by_group_or_others_is_refused_unless_allowed)
{
	static const mode_t unsafe[] = { 0644, 0640, 0604, 0620, 0602, 0660 };
	struct eds_key k;
	struct eds_error err;
	const char *p;
	size_t i;

	for (i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
		p = write_key("unsafe.key", unsafe[i]);
		eds_error_clear(&err);
		ck_assert_msg(eds_key_load(p, 0, &k, &err) == -1,
		    "mode %04o accepted", (unsigned)unsafe[i]);
		ck_assert_int_eq(err.status, EDS_EX_NOPERM);
		ck_assert_msg(strstr(err.msg, "group or others") != NULL, "%s",
		    err.msg);
		ck_assert_msg(eds_key_load(p, EDS_KEY_ALLOW_UNSAFE, &k,
		    &err) == 0, "allowed unsafe key refused: %s", err.msg);
		ck_assert_int_eq(k.unsafe, 1);
	}
	p = write_key("safe.key", 0600);
	ck_assert_msg(eds_key_load(p, 0, &k, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(k.unsafe, 0);
	p = write_key("ro.key", 0400);
	ck_assert_msg(eds_key_load(p, 0, &k, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(k.k[31], 31);
}
END_TEST

START_TEST(key_symlink_directory_missing_and_huge_files_are_refused)
{
	struct eds_key k;
	struct eds_error err;
	const char *target = write_key("target.key", 0600);
	const char *link = tu_path("link.key");
	char big[EDS_KEY_FILE_MAX + 100];

	unlink(link);
	ck_assert_int_eq(symlink(target, link), 0);
	eds_error_clear(&err);
	ck_assert_int_eq(eds_key_load(link, EDS_KEY_ALLOW_UNSAFE, &k, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_NOPERM);
	ck_assert_msg(strstr(err.msg, "symbolic link") != NULL, "%s", err.msg);

	ck_assert_int_eq(eds_key_load(tu_tmpdir(), 0, &k, &err), -1);
	ck_assert_msg(err.status == EDS_EX_CONFIG || err.status ==
	    EDS_EX_NOPERM, "directory: status %d", err.status);

	ck_assert_int_eq(eds_key_load(tu_path("absent.key"), 0, &k, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);

	memset(big, '#', sizeof big);
	tu_write(tu_path("big.key"), big, sizeof big);
	chmod(tu_path("big.key"), 0600);
	ck_assert_int_eq(eds_key_load(tu_path("big.key"), 0, &k, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "too large") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(keygen_makes_a_private_loadable_key_and_never_overwrites)
{
	struct eds_key a, b, l;
	struct eds_error err;
	const char *p = tu_path("new.key"), *q = tu_path("new2.key");
	const char *dangling = tu_path("dangling.key");
	struct stat st;
	mode_t old = umask(0);
	char *before, *after;

	unlink(p);
	unlink(q);
	eds_error_clear(&err);
	ck_assert_msg(eds_keygen(p, &a, &err) == 0, "%s", err.msg);
	umask(old);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "mode %04o",
	    (unsigned)(st.st_mode & 07777));
	ck_assert_msg(eds_key_load(p, 0, &l, &err) == 0, "%s", err.msg);
	ck_assert_mem_eq(l.k, a.k, EDS_KEY_LEN);
	ck_assert_str_eq(l.id, a.id);
	before = tu_read(p, NULL);
	ck_assert_msg(strstr(before, a.id) != NULL, "the file names its key id");

	ck_assert_int_eq(eds_keygen(p, &b, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_msg(strstr(err.msg, "already exists") != NULL, "%s", err.msg);
	after = tu_read(p, NULL);
	ck_assert_str_eq(before, after);

	ck_assert_msg(eds_keygen(q, &b, &err) == 0, "%s", err.msg);
	ck_assert_msg(memcmp(a.k, b.k, EDS_KEY_LEN) != 0,
	    "two keys from the CSPRNG are equal");

	unlink(dangling);
	ck_assert_int_eq(symlink(tu_path("nowhere"), dangling), 0);
	ck_assert_int_eq(eds_keygen(dangling, &b, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_int_eq(access(tu_path("nowhere"), F_OK), -1);
	free(before);
	free(after);
}
END_TEST

START_TEST(key_wipe_clears_the_key_but_keeps_the_id)
{
	struct eds_key k;
	struct eds_error err;
	static const unsigned char zero[EDS_KEY_LEN];

	ck_assert_int_eq(parse(HEX, &k, &err), 0);
	eds_key_wipe(&k);
	ck_assert_mem_eq(k.k, zero, EDS_KEY_LEN);
	ck_assert_uint_eq(strlen(k.id), 16);
}
END_TEST

Suite *
key_suite(void)
{
	Suite *s = suite_create("key");
	TCase *t = tcase_create("key");

	tcase_add_test(t, key_file_allows_comments_blank_lines_and_crlf);
	tcase_add_test(t, malformed_keys_are_config_errors_that_never_quote_the_key);
	tcase_add_test(t, key_readable_by_group_or_others_is_refused_unless_allowed);
	tcase_add_test(t, key_symlink_directory_missing_and_huge_files_are_refused);
	tcase_add_test(t, keygen_makes_a_private_loadable_key_and_never_overwrites);
	tcase_add_test(t, key_wipe_clears_the_key_but_keeps_the_id);
	suite_add_tcase(s, t);
	return s;
}
