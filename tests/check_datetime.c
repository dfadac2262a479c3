/*
 * check_datetime.c: the calendar (leap years, no 31/02), day counts
 * walked day by day over years 1 to 9999 and checked against timegm(3),
 * strptime-like formats, ISO 8601 with offsets, and day arithmetic and
 * ages.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "check_util.h"
#include "datetime.h"

/* The Gregorian rule, typed here independently of the module. */
static int
leap(int y)
{
	return y % 400 == 0 || (y % 4 == 0 && y % 100 != 0);
}

START_TEST(calendar_knows_month_lengths_and_leap_years)
{
	ck_assert_int_eq(eds_days_in_month(2024, 2), 29);
	ck_assert_int_eq(eds_days_in_month(2023, 2), 28);
	ck_assert_int_eq(eds_days_in_month(2000, 2), 29);
	ck_assert_int_eq(eds_days_in_month(1900, 2), 28);
	ck_assert_int_eq(eds_days_in_month(2023, 4), 30);
	ck_assert_int_eq(eds_days_in_month(2023, 12), 31);
	ck_assert_int_eq(eds_days_in_month(2023, 13), 0);
	ck_assert(!eds_date_valid(2023, 2, 31));
	ck_assert(!eds_date_valid(2023, 2, 29));
	ck_assert(eds_date_valid(2024, 2, 29));
	ck_assert(!eds_date_valid(1900, 2, 29));
	ck_assert(eds_date_valid(2000, 2, 29));
	ck_assert(!eds_date_valid(2023, 4, 31));
	ck_assert(!eds_date_valid(2023, 0, 1));
	ck_assert(!eds_date_valid(2023, 1, 0));
	ck_assert(!eds_date_valid(0, 1, 1));
	ck_assert(!eds_date_valid(10000, 1, 1));
	ck_assert(eds_date_valid(1, 1, 1) && eds_date_valid(9999, 12, 31));
}
END_TEST

START_TEST(day_counts_walk_every_day_from_year_1_to_9999)
{
	int y = 1, m = 1, d = 1, yy, mm, dd;
	int64_t day = eds_days_from_civil(1, 1, 1), n = 0;
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	ck_assert_int_eq(eds_days_from_civil(1970, 1, 1), 0);
	for (;;) {
		eds_civil_from_days(day, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d ||
		    eds_days_from_civil(y, m, d) != day)
			ck_abort_msg("day %lld: %04d-%02d-%02d gives "
			    "%04d-%02d-%02d", (long long)day, y, m, d, yy, mm,
			    dd);
		if (y == 9999 && m == 12 && d == 31)
			break;
		day++;
		n++;
		if (++d > len[m - 1] + (m == 2 && leap(y))) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	ck_assert_int_eq(n + 1, 3652059);	/* 9999 years of days */
}
END_TEST

START_TEST(epoch_seconds_agree_with_timegm)
{
	static const char *const iso[] = {
		"1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
		"2000-02-29T12:00:00Z", "2026-11-29T08:15:00+01:00",
		"1900-03-01T00:00:00-05:30", "2038-01-19T03:14:08Z",
		"2100-12-31T23:59:59+14:00", "1600-02-29T00:00:00Z", NULL
	};
	int i;

	for (i = 0; iso[i] != NULL; i++) {
		struct eds_tm t;
		struct tm tm;
		time_t want;

		ck_assert_int_eq(eds_date_parse_iso(iso[i], strlen(iso[i]), &t),
		    0);
		memset(&tm, 0, sizeof tm);
		tm.tm_year = t.year - 1900;
		tm.tm_mon = t.month - 1;
		tm.tm_mday = t.day;
		tm.tm_hour = t.hour;
		tm.tm_min = t.min;
		tm.tm_sec = t.sec;
		want = timegm(&tm) - (time_t)t.tz_min * 60;
		ck_assert_msg(eds_tm_to_epoch(&t) == (int64_t)want,
		    "%s: %lld, timegm says %lld", iso[i],
		    (long long)eds_tm_to_epoch(&t), (long long)want);
	}
}
END_TEST

/* s parsed with fmt gives the ISO date-time want ("" = refused). */
static void
parses(const char *s, const char *fmt, const char *want)
{
	struct eds_tm t;
	char buf[24];
	int rc = eds_date_parse(s, strlen(s), fmt, &t);

	if (want[0] == '\0') {
		ck_assert_msg(rc == -1, "'%s' with '%s' was accepted", s, fmt);
		return;
	}
	ck_assert_msg(rc == 0, "'%s' with '%s' was refused", s, fmt);
	if (t.has_time)
		eds_datetime_format(&t, buf);
	else
		eds_date_format(&t, buf);
	ck_assert_msg(strcmp(buf, want) == 0, "'%s' with '%s' gave %s, not %s",
	    s, fmt, buf, want);
}

START_TEST(formats_parse_real_dates_only)
{
	parses("31/12/2023", "%d/%m/%Y", "2023-12-31");
	parses("1/2/2023", "%d/%m/%Y", "2023-02-01");
	parses("29/02/2024", "%d/%m/%Y", "2024-02-29");
	parses("31/02/2023", "%d/%m/%Y", "");
	parses("29/02/2023", "%d/%m/%Y", "");
	parses("00/01/2023", "%d/%m/%Y", "");
	parses("01/13/2023", "%d/%m/%Y", "");
	parses("01/01/23", "%d/%m/%Y", "");
	parses("01/01/2023 ", "%d/%m/%Y", "");
	parses("01/01/2023x", "%d/%m/%Y", "");
	parses("2023-01-01", "%d/%m/%Y", "");
	parses("", "%d/%m/%Y", "");
	parses("05/03/68", "%d/%m/%y", "2068-03-05");
	parses("05/03/69", "%d/%m/%y", "1969-03-05");
	parses("20231231", "%Y%m%d", "2023-12-31");
	parses("01/02/2023 14:30", "%d/%m/%Y %H:%M", "2023-02-01T14:30:00");
	parses("01/02/2023   9:05", "%d/%m/%Y %H:%M", "2023-02-01T09:05:00");
	parses("01/02/202314:30", "%d/%m/%Y %H:%M", "");
	parses("01/02/2023 24:00", "%d/%m/%Y %H:%M", "");
	parses("01/02/2023 23:60", "%d/%m/%Y %H:%M", "");
	parses("01/02/2023 23:59:60", "%d/%m/%Y %H:%M:%S", "");
	parses("01/02/2023 23:59:59.123456", "%d/%m/%Y %H:%M:%S.%f",
	    "2023-02-01T23:59:59");
	parses("100% 01/02/2023", "100%% %d/%m/%Y", "2023-02-01");
	parses("01/02/2023", "%d/%m/%Q", "");
}
END_TEST

static void
iso(const char *s, const char *want, int tz_min)
{
	struct eds_tm t;
	char buf[24];
	int rc = eds_date_parse_iso(s, strlen(s), &t);

	if (want[0] == '\0') {
		ck_assert_msg(rc == -1, "'%s' was accepted", s);
		return;
	}
	ck_assert_msg(rc == 0, "'%s' was refused", s);
	if (t.has_time)
		eds_datetime_format(&t, buf);
	else
		eds_date_format(&t, buf);
	ck_assert_msg(strcmp(buf, want) == 0, "'%s' gave %s", s, buf);
	ck_assert_msg(t.tz_min == tz_min, "'%s': offset %d", s, t.tz_min);
}

START_TEST(iso_8601_dates_times_and_offsets)
{
	iso("2024-02-29", "2024-02-29", 0);
	iso("2024-02-29T13:45", "2024-02-29T13:45:00", 0);
	iso("2024-02-29 13:45:10", "2024-02-29T13:45:10", 0);
	iso("2024-02-29T13:45:10.250", "2024-02-29T13:45:10", 0);
	iso("2024-02-29T13:45:10,5", "2024-02-29T13:45:10", 0);
	iso("2024-02-29T13:45:10Z", "2024-02-29T13:45:10", 0);
	iso("2024-02-29T13:45+01:00", "2024-02-29T13:45:00", 60);
	iso("2024-02-29T13:45:10-0530", "2024-02-29T13:45:10", -330);
	iso("2024-02-29T13:45:10+14:00", "2024-02-29T13:45:10", 840);
	iso("2023-02-29", "", 0);
	iso("2024-2-29", "", 0);
	iso("24-02-29", "", 0);
	iso("2024-02-29T", "", 0);
	iso("2024-02-29T25:00", "", 0);
	iso("2024-02-29T13", "", 0);
	iso("2024-02-29T13:45+24:00", "", 0);
	iso("2024-02-29T13:45+01", "", 0);
	iso("2024-02-29Z", "", 0);
	iso("2024-02-29 ", "", 0);
	iso("2024/02/29", "", 0);
}
END_TEST

START_TEST(adding_days_round_trips_over_a_wide_range)
{
	struct eds_tm t, u;
	int64_t k;

	memset(&t, 0, sizeof t);
	t.year = 2024;
	t.month = 2;
	t.day = 28;
	eds_tm_add_days(&t, 1);
	ck_assert_msg(t.month == 2 && t.day == 29, "leap day");
	eds_tm_add_days(&t, 1);
	ck_assert_msg(t.month == 3 && t.day == 1, "after the leap day");
	eds_tm_add_days(&t, -366);
	ck_assert_msg(t.year == 2023 && t.month == 3 && t.day == 1, "-366");
	for (k = -700000; k <= 700000; k += 997) {
		u = t;
		u.hour = 13;
		eds_tm_add_days(&u, k);
		ck_assert(eds_date_valid(u.year, u.month, u.day));
		ck_assert_int_eq(eds_days_from_civil(u.year, u.month, u.day) -
		    eds_days_from_civil(t.year, t.month, t.day), k);
		eds_tm_add_days(&u, -k);
		ck_assert_msg(u.year == t.year && u.month == t.month &&
		    u.day == t.day && u.hour == 13, "+%lld then back",
		    (long long)k);
	}
}
END_TEST

START_TEST(ages_count_whole_years_birthdays_included)
{
	struct eds_tm b, at;

	memset(&b, 0, sizeof b);
	memset(&at, 0, sizeof at);
	b.year = 2000, b.month = 2, b.day = 29;
	at.year = 2001, at.month = 2, at.day = 28;
	ck_assert_int_eq(eds_age_years(&b, &at), 0);
	at.month = 3, at.day = 1;
	ck_assert_int_eq(eds_age_years(&b, &at), 1);
	b.year = 1990, b.month = 6, b.day = 15;
	at.year = 2026, at.month = 6, at.day = 14;
	ck_assert_int_eq(eds_age_years(&b, &at), 35);
	at.day = 15;
	ck_assert_int_eq(eds_age_years(&b, &at), 36);
}
END_TEST

Suite *
datetime_suite(void)
{
	Suite *s = suite_create("datetime");
	TCase *t = tcase_create("datetime");

	tcase_add_test(t, calendar_knows_month_lengths_and_leap_years);
	tcase_add_test(t, day_counts_walk_every_day_from_year_1_to_9999);
	tcase_add_test(t, epoch_seconds_agree_with_timegm);
	tcase_add_test(t, formats_parse_real_dates_only);
	tcase_add_test(t, iso_8601_dates_times_and_offsets);
	tcase_add_test(t, adding_days_round_trips_over_a_wide_range);
	tcase_add_test(t, ages_count_whole_years_birthdays_included);
	suite_add_tcase(s, t);
	return s;
}
