/*
 * check_error.c: struct eds_error: setting, positions, errno text,
 * formatting as "file:line:column: message", truncation, and eds_wipe.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check_util.h"
#include "eds.h"

START_TEST(error_set_records_status_and_message_and_clears_the_position)
{
	struct eds_error e;
	char buf[1200];

	eds_error_clear(&e);
	ck_assert_int_eq(e.status, 0);
	ck_assert_int_eq(eds_error_at(&e, 65, "a.csv", 3, 4, "bad %s", "x"),
	    -1);
	ck_assert_int_eq(eds_error_set(&e, EDS_EX_CONFIG, "value %d", 7), -1);
	ck_assert_int_eq(e.status, EDS_EX_CONFIG);
	ck_assert_str_eq(e.msg, "value 7");
	ck_assert_msg(e.file[0] == '\0' && e.line == 0 && e.column == 0,
	    "a plain error must not keep an earlier position");
	eds_error_format(&e, buf, sizeof buf);
	ck_assert_str_eq(buf, "value 7");
}
END_TEST

START_TEST(error_format_shows_only_the_parts_of_the_position_known)
{
	struct eds_error e;
	char buf[1200];

	eds_error_at(&e, 78, "s.yaml", 12, 5, "unknown key '%s'", "x");
	eds_error_format(&e, buf, sizeof buf);
	ck_assert_str_eq(buf, "s.yaml:12:5: unknown key 'x'");
	eds_error_at(&e, 65, "a.csv", 9, 0, "bad row");
	eds_error_format(&e, buf, sizeof buf);
	ck_assert_str_eq(buf, "a.csv:9: bad row");
	eds_error_at(&e, 65, "a.csv", 0, 0, "file is empty");
	eds_error_format(&e, buf, sizeof buf);
	ck_assert_str_eq(buf, "a.csv: file is empty");
	eds_error_at(&e, 65, NULL, 4, 0, "no file");
	eds_error_format(&e, buf, sizeof buf);
	ck_assert_str_eq(buf, "no file");
}
END_TEST

START_TEST(error_errno_appends_the_system_message)
{
	struct eds_error e;
	char want[300];

	eds_error_errno(&e, EDS_EX_NOINPUT, ENOENT, "cannot open '%s'", "k");
	snprintf(want, sizeof want, "cannot open 'k': %s", strerror(ENOENT));
	ck_assert_int_eq(e.status, EDS_EX_NOINPUT);
	ck_assert_str_eq(e.msg, want);
}
END_TEST

START_TEST(error_messages_and_paths_that_are_too_long_are_cut_not_overrun)
{
	struct eds_error e;
	char big[4000], buf[64];

	memset(big, 'p', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	eds_error_at(&e, 65, big, 1, 1, "%s", big);
	ck_assert_uint_eq(strlen(e.file), sizeof e.file - 1);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	eds_error_errno(&e, 74, EIO, "%s", big);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	eds_error_format(&e, buf, sizeof buf);
	ck_assert_uint_eq(strlen(buf), sizeof buf - 1);
}
END_TEST

START_TEST(wipe_overwrites_every_byte)
{
	unsigned char key[32];
	size_t i;

	memset(key, 0xA5, sizeof key);
	eds_wipe(key, sizeof key);
	for (i = 0; i < sizeof key; i++)
		ck_assert_msg(key[i] == 0, "byte %zu not wiped", i);
}
END_TEST

Suite *
error_suite(void)
{
	Suite *s = suite_create("error");
	TCase *t = tcase_create("error");

	tcase_add_test(t, error_set_records_status_and_message_and_clears_the_position);
	tcase_add_test(t, error_format_shows_only_the_parts_of_the_position_known);
	tcase_add_test(t, error_errno_appends_the_system_message);
	tcase_add_test(t, error_messages_and_paths_that_are_too_long_are_cut_not_overrun);
	tcase_add_test(t, wipe_overwrites_every_byte);
	suite_add_tcase(s, t);
	return s;
}
