/* date.c - an RFC 5322 date as seconds since the epoch. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "core.h"

int64_t
ndr_date(const char *s)
{
	struct mailimf_date_time *dt = NULL;
	size_t idx = 0;
	struct tm tm = { 0 };
	int64_t t;

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
