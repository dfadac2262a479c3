/*
 * check_run.c: the account of a run and its --stats JSON: counts in the
 * order first set, dotted names nested, files with checksums, nulls for
 * what is absent, extra members, and writing the file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "json.h"
#include "run.h"

static struct eds_jnode *
stats(const struct eds_run *r)
{
	struct eds_buf b = EDS_BUF_INIT;
	struct eds_jnode *n;
	char why[128];

	eds_run_stats_json(r, &b);
	ck_assert_msg(strchr(b.p, '\n') == NULL, "stats must be one line");
	n = eds_json_parse(b.p, b.len, why, sizeof why);
	ck_assert_msg(n != NULL, "stats are not JSON (%s): %s", why, b.p);
	eds_buf_release(&b);
	return n;
}

START_TEST(counts_keep_their_order_and_dotted_names_nest)
{
	struct eds_run r;
	struct eds_buf b = EDS_BUF_INIT;

	eds_run_init(&r, "eds-ingest", "ingest");
	eds_run_set(&r, "rows_in", 10);
	eds_run_count(&r, "rejected.bad-date", 1);
	eds_run_set(&r, "rows_out", 7);
	eds_run_count(&r, "rejected.bad-nir", 2);
	eds_run_count(&r, "rejected.bad-date", 0);
	eds_run_count(&r, "dropped.refused", 4);
	eds_run_count(&r, "rejected.bad-date", 2);
	ck_assert_uint_eq(eds_run_get(&r, "rejected.bad-date"), 3);
	ck_assert_uint_eq(eds_run_get(&r, "absent"), 0);
	eds_run_counts_json(&r, &b);
	ck_assert_str_eq(b.p, "\"rows_in\":10,\"rejected\":{\"bad-date\":3,"
	    "\"bad-nir\":2},\"rows_out\":7,\"dropped\":{\"refused\":4}");
	eds_buf_release(&b);
	eds_run_release(&r);
}
END_TEST

START_TEST(stats_json_holds_files_config_key_status_and_extras)
{
	struct eds_run r;
	struct eds_jnode *n;
	const struct eds_jnode *in, *out, *rej;

	eds_run_init(&r, "eds-ingest", "ingest");
	eds_run_input(&r, "lab \"2026\"\n.csv", "ab12", 100);
	eds_run_input(&r, "<stdin>", NULL, 0);
	eds_run_output(&r, "out.csv", "cd34", 50);
	eds_run_set(&r, "rows_in", 3);
	eds_run_count(&r, "rejected.column-count", 1);
	eds_run_extra(&r, "project", "{\"id\":\"P-1\"}");
	r.status = 65;
	n = stats(&r);
	ck_assert_str_eq(eds_json_get(n, "tool")->str, "eds-ingest");
	ck_assert_str_eq(eds_json_get(n, "version")->str, EDS_VERSION);
	ck_assert_str_eq(eds_json_get(n, "action")->str, "ingest");
	ck_assert_str_eq(eds_json_get(n, "status")->str, "65");
	ck_assert_str_eq(eds_json_get(n, "rows_in")->str, "3");
	rej = eds_json_get(n, "rejected");
	ck_assert_str_eq(eds_json_get(rej, "column-count")->str, "1");
	in = eds_json_get(n, "inputs");
	ck_assert_uint_eq(in->n, 2);
	ck_assert_str_eq(eds_json_get(in->items[0], "path")->str,
	    "lab \"2026\"\n.csv");
	ck_assert_str_eq(eds_json_get(in->items[0], "sha256")->str, "ab12");
	ck_assert_str_eq(eds_json_get(in->items[0], "bytes")->str, "100");
	ck_assert_int_eq(eds_json_get(in->items[1], "sha256")->type, EDS_JNULL);
	out = eds_json_get(n, "outputs");
	ck_assert_str_eq(eds_json_get(out->items[0], "path")->str, "out.csv");
	ck_assert_int_eq(eds_json_get(n, "config_sha256")->type, EDS_JNULL);
	ck_assert_int_eq(eds_json_get(n, "key_id")->type, EDS_JNULL);
	ck_assert_str_eq(eds_json_get(eds_json_get(n, "project"), "id")->str,
	    "P-1");
	eds_json_free(n);

	snprintf(r.config_sha256, sizeof r.config_sha256, "%064d", 7);
	snprintf(r.key_id, sizeof r.key_id, "0123456789abcdef");
	n = stats(&r);
	ck_assert_uint_eq(eds_json_get(n, "config_sha256")->len, 64);
	ck_assert_str_eq(eds_json_get(n, "key_id")->str, "0123456789abcdef");
	eds_json_free(n);
	eds_run_release(&r);
}
END_TEST

START_TEST(a_run_without_counts_or_files_is_still_valid_json)
{
	struct eds_run r;
	struct eds_jnode *n;

	eds_run_init(&r, "eds-pseudo", "keygen");
	n = stats(&r);
	ck_assert_uint_eq(eds_json_get(n, "inputs")->n, 0);
	eds_json_free(n);
	eds_run_release(&r);
}
END_TEST

START_TEST(stats_files_are_written_whole_or_not_at_all)
{
	const char *p = tu_path("stats.json");
	struct eds_run r;
	struct eds_error err;
	char *text, bad[600];
	size_t len;

	eds_run_init(&r, "eds-ingest", "ingest");
	eds_run_set(&r, "rows_in", 5);
	ck_assert_int_eq(eds_run_write_stats(&r, p, &err), 0);
	text = tu_read(p, &len);
	ck_assert_msg(len > 2 && text[len - 1] == '\n' && text[0] == '{',
	    "%s", text);
	ck_assert_msg(strstr(text, "\"rows_in\":5") != NULL, "%s", text);
	free(text);
	snprintf(bad, sizeof bad, "%s/no-dir/stats.json", tu_tmpdir());
	ck_assert_int_eq(eds_run_write_stats(&r, bad, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	eds_run_release(&r);
}
END_TEST

Suite *
run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *t = tcase_create("run");

	tcase_add_test(t, counts_keep_their_order_and_dotted_names_nest);
	tcase_add_test(t, stats_json_holds_files_config_key_status_and_extras);
	tcase_add_test(t, a_run_without_counts_or_files_is_still_valid_json);
	tcase_add_test(t, stats_files_are_written_whole_or_not_at_all);
	suite_add_tcase(s, t);
	return s;
}
