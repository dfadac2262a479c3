/*
 * datetime.c: date parsing, validation and arithmetic (see datetime.h).
 * The civil-from-days conversions follow Howard Hinnant's public-domain
 * algorithms ("chrono-compatible low-level date algorithms").
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "datetime.h"

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
eds_days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int
eds_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= eds_days_in_month(y, m);
}

int64_t
eds_days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
eds_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Read between min and max digits; -1 if fewer than min. */
static int
digits(const char **p, const char *end, int min, int max, int *out)
{
	int n = 0, v = 0;

	while (*p < end && n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n < min)
		return -1;
	*out = v;
	return 0;
}

static void
tm_zero(struct eds_tm *t)
{
	memset(t, 0, sizeof *t);
}

static int
tm_check(const struct eds_tm *t)
{
	if (!eds_date_valid(t->year, t->month, t->day))
		return -1;
	if (t->hour > 23 || t->min > 59 || t->sec > 59)
		return -1;
	return 0;
}

int
eds_date_parse(const char *s, size_t len, const char *fmt, struct eds_tm *t)
{
	const char *p = s, *end = s + len;
	int v, frac;

	tm_zero(t);
	t->year = t->month = t->day = -1;
	for (; *fmt != '\0'; fmt++) {
		if (*fmt == ' ') {
			if (p >= end || *p != ' ')
				return -1;
			while (p < end && *p == ' ')
				p++;
			continue;
		}
		if (*fmt != '%') {
			if (p >= end || *p != *fmt)
				return -1;
			p++;
			continue;
		}
		switch (*++fmt) {
		case 'd':
			if (digits(&p, end, 1, 2, &t->day) == -1)
				return -1;
			break;
		case 'm':
			if (digits(&p, end, 1, 2, &t->month) == -1)
				return -1;
			break;
		case 'Y':
			if (digits(&p, end, 4, 4, &t->year) == -1)
				return -1;
			break;
		case 'y':
			/* Two-digit years: 00-68 are 20xx, 69-99 19xx (POSIX). */
			if (digits(&p, end, 2, 2, &v) == -1)
				return -1;
			t->year = v < 69 ? 2000 + v : 1900 + v;
			break;
		case 'H':
			if (digits(&p, end, 1, 2, &t->hour) == -1)
				return -1;
			t->has_time = 1;
			break;
		case 'M':
			if (digits(&p, end, 1, 2, &t->min) == -1)
				return -1;
			t->has_time = 1;
			break;
		case 'S':
			if (digits(&p, end, 1, 2, &t->sec) == -1)
				return -1;
			t->has_sec = 1;
			break;
		case 'f':
			if (digits(&p, end, 1, 9, &frac) == -1)
				return -1;
			break;
		case '%':
			if (p >= end || *p != '%')
				return -1;
			p++;
			break;
		default:
			return -1;
		}
	}
	if (p != end)
		return -1;
	return tm_check(t);
}

int
eds_date_parse_iso(const char *s, size_t len, struct eds_tm *t)
{
	const char *p = s, *end = s + len;
	int frac, hh, mm;

	tm_zero(t);
	if (digits(&p, end, 4, 4, &t->year) == -1 || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, 2, &t->month) == -1 || p >= end ||
	    *p++ != '-' || digits(&p, end, 2, 2, &t->day) == -1)
		return -1;
	if (p < end && (*p == 'T' || *p == ' ')) {
		p++;
		if (digits(&p, end, 2, 2, &t->hour) == -1 || p >= end ||
		    *p++ != ':' || digits(&p, end, 2, 2, &t->min) == -1)
			return -1;
		t->has_time = 1;
		if (p < end && *p == ':') {
			p++;
			if (digits(&p, end, 2, 2, &t->sec) == -1)
				return -1;
			t->has_sec = 1;
			if (p < end && (*p == '.' || *p == ',')) {
				p++;
				if (digits(&p, end, 1, 9, &frac) == -1)
					return -1;
			}
		}
		if (p < end && *p == 'Z') {
			p++;
			t->has_tz = 1;
		} else if (p < end && (*p == '+' || *p == '-')) {
			int sign = *p++ == '-' ? -1 : 1;

			if (digits(&p, end, 2, 2, &hh) == -1)
				return -1;
			if (p < end && *p == ':')
				p++;
			if (digits(&p, end, 2, 2, &mm) == -1 || hh > 23 ||
			    mm > 59)
				return -1;
			t->has_tz = 1;
			t->tz_min = sign * (hh * 60 + mm);
		}
	}
	if (p != end)
		return -1;
	return tm_check(t);
}

/* Write v as exactly n decimal digits (v must fit). */
static char *
put_digits(char *p, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

size_t
eds_date_format(const struct eds_tm *t, char *buf)
{
	char *p = buf;

	if (t->year < 0 || t->year > 9999 || t->month < 0 || t->month > 99 ||
	    t->day < 0 || t->day > 99) {
		/* Not a valid date: never write past the 11 bytes. */
		snprintf(buf, 11, "%04d-%02d-%02d", t->year, t->month, t->day);
		return strlen(buf);
	}
	p = put_digits(p, t->year, 4);
	*p++ = '-';
	p = put_digits(p, t->month, 2);
	*p++ = '-';
	p = put_digits(p, t->day, 2);
	*p = '\0';
	return 10;
}

size_t
eds_datetime_format(const struct eds_tm *t, char *buf)
{
	char *p = buf + eds_date_format(t, buf);

	*p++ = 'T';
	p = put_digits(p, t->hour, 2);
	*p++ = ':';
	p = put_digits(p, t->min, 2);
	*p++ = ':';
	p = put_digits(p, t->sec, 2);
	*p = '\0';
	return 19;
}

int64_t
eds_tm_to_epoch(const struct eds_tm *t)
{
	return eds_days_from_civil(t->year, t->month, t->day) * 86400 +
	    t->hour * 3600 + t->min * 60 + t->sec - (int64_t)t->tz_min * 60;
}

void
eds_tm_add_days(struct eds_tm *t, int64_t days)
{
	eds_civil_from_days(eds_days_from_civil(t->year, t->month, t->day) +
	    days, &t->year, &t->month, &t->day);
}

int
eds_age_years(const struct eds_tm *b, const struct eds_tm *at)
{
	int age = at->year - b->year;

	if (at->month < b->month || (at->month == b->month && at->day < b->day))
		age--;
	return age;
}
