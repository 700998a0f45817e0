/* date.c - an RFC 5322 date as seconds since the epoch. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "core.h"

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; m 1-12, d may
 * run past the month's end, as timegm allows). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int
digits(const char **p, int min, int max)
{
	int v = 0, n = 0;

	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min ? v : -1;
}

/*
 * The form nearly every mail has, "Tue, 3 Jun 2008 10:30:00 +0200"
 * (day name, seconds optional), read here without libetpan: a scan reads
 * the date of every message. -1 for anything else, which libetpan reads.
 */
static int64_t
common_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const char days[] = "MonTueWedThuFriSatSun";
	const char *p = s, *m;
	int day, mon, year, hh, mm, ss = 0, zh, zm, sign;

	if (p[0] && p[1] && p[2] && p[3] == ',') {
		for (m = days; *m && strncmp(m, p, 3) != 0; m += 3)
			;
		if (*m == '\0')
			return -1;
		p += 4;
		while (*p == ' ')
			p++;
	}
	if ((day = digits(&p, 1, 2)) < 1 || day > 31 || *p++ != ' ')
		return -1;
	for (m = months; *m && strncmp(m, p, 3) != 0; m += 3)
		;
	if (*m == '\0' || p[3] != ' ')
		return -1;
	mon = (int)(m - months) / 3 + 1;
	p += 4;
	if ((year = digits(&p, 4, 4)) < 1970 || *p++ != ' ' ||
	    (hh = digits(&p, 2, 2)) < 0 || hh > 23 || *p++ != ':' ||
	    (mm = digits(&p, 2, 2)) < 0 || mm > 59)
		return -1;
	if (*p == ':') {
		p++;
		if ((ss = digits(&p, 2, 2)) < 0 || ss > 60)
			return -1;
	}
	if (*p++ != ' ' || (*p != '+' && *p != '-'))
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if ((zh = digits(&p, 2, 2)) < 0 || (zm = digits(&p, 2, 2)) < 0 ||
	    (*p >= '0' && *p <= '9'))
		return -1;
	int64_t t = days_from_civil(year, mon, day) * 86400 + hh * 3600 +
	    mm * 60 + ss - sign * (zh * 60 + zm) * 60;
	return t > 0 ? t : 0;
}

int64_t
ndr_date(const char *s)
{
	struct mailimf_date_time *dt = NULL;
	size_t idx = 0;
	struct tm tm = { 0 };
	int64_t t;

	if (s != NULL && (t = common_date(s)) >= 0)
		return t;
	if (s == NULL || mailimf_date_time_parse(s, strlen(s), &idx, &dt) !=
	    MAILIMF_NO_ERROR || dt == NULL)
		return 0;
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	t = (int64_t)timegm(&tm);
	/* +0130 is 90 minutes east of UTC */
	t -= (int64_t)(dt->dt_zone / 100 * 60 + dt->dt_zone % 100) * 60;
	mailimf_date_time_free(dt);
	return t > 0 ? t : 0;
}

const char *
ndr_day(int64_t t, char *buf, size_t len, const char *unknown)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, len, "%s", unknown);
	return buf;
}
