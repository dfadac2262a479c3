/*
 * fuzz_date.c: the date parsers of lib/datetime.c.  The input's first
 * line is a strptime-like format (any bytes: the format parser is under
 * test too), the rest the text to parse with it; the whole input and the
 * text are also parsed as ISO 8601.
 *
 * Invariants: whatever parses is a real calendar date (years 1-9999) and
 * time; formatted as ISO 8601 it parses back to the same date and time;
 * the day count goes there and back; adding and removing days returns to
 * the same date; ages between two parsed dates are consistent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "fuzz.h"

static void
check(const struct eds_tm *t)
{
	struct eds_tm u, v;
	char buf[32];
	int64_t days;
	int y, m, d;

	FUZZ_CHECK(eds_date_valid(t->year, t->month, t->day));
	FUZZ_CHECK(t->hour >= 0 && t->hour <= 23 && t->min >= 0 &&
	    t->min <= 59 && t->sec >= 0 && t->sec <= 59);
	FUZZ_CHECK(eds_date_format(t, buf) == 10);
	FUZZ_CHECK(eds_date_parse_iso(buf, 10, &u) == 0);
	FUZZ_CHECK(u.year == t->year && u.month == t->month &&
	    u.day == t->day);
	FUZZ_CHECK(eds_datetime_format(t, buf) == 19);
	FUZZ_CHECK(eds_date_parse_iso(buf, 19, &u) == 0);
	FUZZ_CHECK(u.hour == t->hour && u.min == t->min && u.sec == t->sec);
	days = eds_days_from_civil(t->year, t->month, t->day);
	eds_civil_from_days(days, &y, &m, &d);
	FUZZ_CHECK(y == t->year && m == t->month && d == t->day);
	(void)eds_tm_to_epoch(t);
	v = *t;
	eds_tm_add_days(&v, 400 * 365 + 97);	/* 400 years, almost */
	eds_tm_add_days(&v, -(400 * 365 + 97));
	FUZZ_CHECK(v.year == t->year && v.month == t->month && v.day == t->day);
	u = *t;
	u.year = t->year + 30 <= 9999 ? t->year + 30 : t->year;
	FUZZ_CHECK(eds_age_years(t, t) == 0);
	if (u.year != t->year && eds_date_valid(u.year, u.month, u.day))
		FUZZ_CHECK(eds_age_years(t, &u) == 30);
}

FUZZ_TARGET(date)
{
	const char *nl = memchr(data, '\n', size);
	const char *s = (const char *)data;
	struct eds_tm t;
	char *fmt;
	size_t flen = nl != NULL ? (size_t)(nl - s) : size;

	if (eds_date_parse_iso(s, size, &t) == 0)
		check(&t);
	if (nl == NULL)
		return 0;
	fmt = fuzz_text(data, flen);
	if (eds_date_parse(nl + 1, size - flen - 1, fmt, &t) == 0)
		check(&t);
	if (eds_date_parse_iso(nl + 1, size - flen - 1, &t) == 0)
		check(&t);
	free(fmt);
	return 0;
}
