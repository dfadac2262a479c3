/*
 * check_jlist.c: journal listing: which records are exports, the project
 * as a string or an object, the row's columns (outputs, flattened counts),
 * tabs in values, and the --all and --project selections.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "jlist.h"

struct got {
	char rows[8][512];
	int n;
};

static int
keep(void *ctx, unsigned long lineno, const struct eds_jnode *rec,
    const char *row)
{
	struct got *g = ctx;

	(void)lineno;
	(void)rec;
	ck_assert_int_lt(g->n, 8);
	snprintf(g->rows[g->n++], 512, "%s", row);
	return 0;
}

static const char journal[] =
    "{\"seq\":1,\"time\":\"T1\",\"tool\":\"eds-ingest\",\"action\":\"ingest\","
    "\"counts\":{\"rows_in\":3},\"outputs\":[],\"status\":0}\n"
    "{\"seq\":2,\"time\":\"T2\",\"tool\":\"eds-export\",\"action\":\"export\","
    "\"counts\":{\"rows_out\":9,\"excluded\":{\"refused\":2,\"expired\":1}},"
    "\"outputs\":[{\"path\":\"/srv/B1\",\"sha256\":\"0123456789abcdef99\","
    "\"bytes\":1},{\"path\":\"/srv/B1.tar.gz\",\"sha256\":null}],"
    "\"status\":0,\"project\":\"P1\"}\n"
    "not json at all\n"
    "{\"seq\":4,\"time\":\"T4\",\"tool\":\"eds-export\",\"action\":\"export\","
    "\"counts\":{},\"outputs\":[],\"status\":65,"
    "\"project\":{\"id\":\"P\\t2\",\"title\":\"x\"}}\n";

START_TEST(exports_are_listed_with_their_columns)
{
	struct eds_error err;
	struct got g;

	tu_write_str(tu_path("j.jsonl"), journal);
	memset(&g, 0, sizeof g);
	ck_assert(eds_jlist(tu_path("j.jsonl"), NULL, 0, keep, &g, &err) == 0);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rows[0], "2\tT2\tP1\t0\t/srv/B1 sha256:"
	    "0123456789abcdef, /srv/B1.tar.gz\t"
	    "rows_out=9 excluded.refused=2 excluded.expired=1");
	ck_assert_str_eq(g.rows[1], "4\tT4\tP 2\t65\t-\t-");
	ck_assert_str_eq(EDS_JLIST_HEADER,
	    "SEQ\tTIME\tPROJECT\tSTATUS\tOUTPUTS\tCOUNTS");
}
END_TEST

START_TEST(all_and_project_select_records)
{
	struct eds_error err;
	struct got g;

	tu_write_str(tu_path("j2.jsonl"), journal);
	memset(&g, 0, sizeof g);
	ck_assert(eds_jlist(tu_path("j2.jsonl"), NULL, EDS_JLIST_ALL, keep, &g,
	    &err) == 0);
	ck_assert_int_eq(g.n, 3);
	ck_assert_str_eq(g.rows[0], "1\tT1\t-\t0\t-\trows_in=3");
	memset(&g, 0, sizeof g);
	ck_assert(eds_jlist(tu_path("j2.jsonl"), "P1", EDS_JLIST_ALL, keep, &g,
	    &err) == 0);
	ck_assert_int_eq(g.n, 1);
	memset(&g, 0, sizeof g);
	ck_assert(eds_jlist(tu_path("j2.jsonl"), "P\t2", 0, keep, &g,
	    &err) == 0);
	ck_assert_int_eq(g.n, 1);
	ck_assert(eds_jlist(tu_path("none.jsonl"), NULL, 0, keep, &g,
	    &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
}
END_TEST

Suite *
jlist_suite(void)
{
	Suite *s = suite_create("jlist");
	TCase *t = tcase_create("jlist");

	tcase_add_test(t, exports_are_listed_with_their_columns);
	tcase_add_test(t, all_and_project_select_records);
	suite_add_tcase(s, t);
	return s;
}
