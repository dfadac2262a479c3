/*
 * check_generalise.c: départements (overseas and Corsica included), year
 * and month, ages with their top code, and numeric bins.
 */
#include "config.h"

#include <string.h>

#include "check_util.h"
#include "generalise.h"

START_TEST(postcodes_become_departements)
{
	static const struct { const char *cp, *dep; } c[] = {
		{ "75012", "75" }, { "01000", "01" }, { "06000", "06" },
		{ "97400", "974" }, { "97110", "971" }, { "98800", "988" },
		{ "20000", "2A" }, { "20199", "2A" }, { "20200", "2B" },
		{ "20620", "2B" }, { "20699", "2B" }, { "95000", "95" },
	};
	static const char *const bad[] = { "7501", "750123", "75O12", "",
	    "2A004", " 7501" };
	char out[4];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		ck_assert_int_eq(eds_departement(c[i].cp, strlen(c[i].cp), out),
		    (int)strlen(c[i].dep));
		ck_assert_msg(strcmp(out, c[i].dep) == 0, "%s gave %s, not %s",
		    c[i].cp, out, c[i].dep);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(eds_departement(bad[i], strlen(bad[i]), out) == -1,
		    "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(dates_become_years_or_months)
{
	char y[5], m[8];

	ck_assert_int_eq(eds_gen_year("2024-03-15", 10, y), 4);
	ck_assert_str_eq(y, "2024");
	ck_assert_int_eq(eds_gen_month("2024-03-15T10:30:00", 19, m), 7);
	ck_assert_str_eq(m, "2024-03");
	ck_assert_int_eq(eds_gen_year("15/03/2024", 10, y), -1);
	ck_assert_int_eq(eds_gen_month("2024-02-30", 10, m), -1);
}
END_TEST

START_TEST(ages_count_whole_years_and_are_top_coded)
{
	struct eds_tm b, a;
	char out[16];

	memset(&b, 0, sizeof b);
	memset(&a, 0, sizeof a);
	b.year = 1950; b.month = 3; b.day = 12;
	a.year = 2024; a.month = 3; a.day = 11;
	ck_assert_int_eq(eds_gen_age(&b, &a, 90, out), 2);
	ck_assert_str_eq(out, "73");
	a.day = 12;
	eds_gen_age(&b, &a, 90, out);
	ck_assert_str_eq(out, "74");
	eds_gen_age(&b, &a, 74, out);
	ck_assert_str_eq(out, "74+");
	eds_gen_age(&b, &a, 0, out);
	ck_assert_str_eq(out, "74");
	b.year = 2025;
	ck_assert_int_eq(eds_gen_age(&b, &a, 90, out), -1);
	/* Born on 29 February: a year older on 1 March. */
	b.year = 2000; b.month = 2; b.day = 29;
	a.year = 2001; a.month = 2; a.day = 28;
	eds_gen_age(&b, &a, 90, out);
	ck_assert_str_eq(out, "0");
	a.month = 3; a.day = 1;
	eds_gen_age(&b, &a, 90, out);
	ck_assert_str_eq(out, "1");
}
END_TEST

START_TEST(numbers_fall_in_bins_with_default_or_given_labels)
{
	static const double e[] = { 18, 45, 65.5 };
	static char *const labels[] = { "child", "young", "middle", "old" };
	struct eds_bins b, l;

	eds_bins_init(&b, e, 3, NULL);
	ck_assert_str_eq(eds_bins_label(&b, "3", 1), "<18");
	ck_assert_str_eq(eds_bins_label(&b, "18", 2), "[18,45)");
	ck_assert_str_eq(eds_bins_label(&b, "44.99", 5), "[18,45)");
	ck_assert_str_eq(eds_bins_label(&b, "65.4", 4), "[45,65.5)");
	ck_assert_str_eq(eds_bins_label(&b, "65.5", 4), ">=65.5");
	ck_assert_str_eq(eds_bins_label(&b, "-2", 2), "<18");
	ck_assert_ptr_null(eds_bins_label(&b, "12a", 3));
	ck_assert_ptr_null(eds_bins_label(&b, "", 0));
	ck_assert_ptr_null(eds_bins_label(&b, "nan", 3));
	ck_assert_ptr_null(eds_bins_label(&b, "<5", 2));
	eds_bins_init(&l, e, 3, labels);
	ck_assert_str_eq(eds_bins_label(&l, "50", 2), "middle");
	ck_assert_str_eq(eds_bins_label(&l, "99", 2), "old");
	eds_bins_release(&b);
	eds_bins_release(&l);
}
END_TEST

Suite *
generalise_suite(void)
{
	Suite *s = suite_create("generalise");
	TCase *t = tcase_create("generalise");

	tcase_add_test(t, postcodes_become_departements);
	tcase_add_test(t, dates_become_years_or_months);
	tcase_add_test(t, ages_count_whole_years_and_are_top_coded);
	tcase_add_test(t, numbers_fall_in_bins_with_default_or_given_labels);
	suite_add_tcase(s, t);
	return s;
}
