/*
 * datetime.h: calendar dates and times without a time zone library.
 * Parsing by a small strptime-like format (%d %m %Y %y %H %M %S %f %%),
 * ISO 8601 parsing and formatting, real-calendar validation (no 31/02),
 * and day arithmetic through a day count (days since 1970-01-01), which is
 * what date shifting and age computation need.
 */
#ifndef EDS_DATETIME_H
#define EDS_DATETIME_H

#include <stddef.h>
#include <stdint.h>

struct eds_tm {
	int year, month, day;		/* proleptic Gregorian */
	int hour, min, sec;
	int has_time;			/* a time of day was given */
	int has_sec;			/* seconds were given */
	int has_tz;			/* an offset or Z was given */
	int tz_min;			/* offset east of UTC, minutes */
};

/* 1 if y-m-d is a real calendar date (years 1..9999). */
int eds_date_valid(int y, int m, int d);
int eds_days_in_month(int y, int m);
/* Days since 1970-01-01 and back. */
int64_t eds_days_from_civil(int y, int m, int d);
void eds_civil_from_days(int64_t days, int *y, int *m, int *d);

/*
 * Parse s[0..len) with fmt; the whole string must match.  %d %m %H %M %S
 * take one or two digits, %Y four, %y two (19xx if > current %y + 0, see
 * .c), %f one to nine fraction digits (dropped).  Any other character
 * matches itself; a space matches one or more spaces.  Returns 0, or -1
 * if the text does not match or is not a real date and time.
 */
int eds_date_parse(const char *s, size_t len, const char *fmt,
    struct eds_tm *);
/*
 * ISO 8601: YYYY-MM-DD, optionally followed by T or a space and
 * HH:MM[:SS[.fff]], optionally Z or +HH:MM / -HH:MM (or +HHMM).
 */
int eds_date_parse_iso(const char *s, size_t len, struct eds_tm *);

/* "YYYY-MM-DD" (11 bytes with NUL). */
size_t eds_date_format(const struct eds_tm *, char *buf);
/* "YYYY-MM-DDTHH:MM:SS" (20 bytes with NUL). */
size_t eds_datetime_format(const struct eds_tm *, char *buf);
/* Seconds since the epoch, the offset applied (UTC when none). */
int64_t eds_tm_to_epoch(const struct eds_tm *);
/* Add days to the date part. */
void eds_tm_add_days(struct eds_tm *, int64_t days);
/* Whole years from birth to date (both dates). */
int eds_age_years(const struct eds_tm *birth, const struct eds_tm *at);

#endif
