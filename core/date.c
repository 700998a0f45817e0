/* date.c - an RFC 5322 date as seconds since the epoch. */
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
