/* log.c - the logger behind ndr_log: one place decides where each line
 * goes, so the commands, the decision path and the interface (which sends
 * standard error to its status line) report alike. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "core/core.h"
#include "cmd.h"
#include "log.h"

static bool verbose, to_syslog, progress_shown;
static const char *prefix;	/* --all: the account every line names */
static char last_error[512];

/* Does line already open with the account's name ("bob: ...")? */
static bool
named(const char *line)
{
	size_t n = prefix ? strlen(prefix) : 0;

	return prefix == NULL || (strncmp(line, prefix, n) == 0 &&
	    line[n] == ':');
}

static void
to_terminal(enum ndr_loglevel level, const char *line)
{
	FILE *f = level == NDR_LOG_INFO ? stdout : stderr;

	if (level == NDR_LOG_PROGRESS && !isatty(STDERR_FILENO))
		return;
	if (progress_shown) {	/* the next line takes its place */
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
	if (level == NDR_LOG_PROGRESS) {
		print_safe(stderr, line);
		progress_shown = true;
		return;
	}
	if (level != NDR_LOG_INFO)
		fputs("ndrsweep: ", f);
	if (!named(line)) {
		print_safe(f, prefix);
		fputs(": ", f);
	}
	print_safe(f, line);
	putc('\n', f);
	if (f == stdout)
		fflush(stdout);
}

static void
logger(enum ndr_loglevel level, const char *line, void *arg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
		LOG_DEBUG };

	(void)arg;
	if (level == NDR_LOG_DEBUG && !verbose)
		return;
	if (level == NDR_LOG_ERROR)
		snprintf(last_error, sizeof last_error, "%s", line);
	if (to_syslog && level != NDR_LOG_PROGRESS)
		syslog(prio[level], "%s%s%s", named(line) ? "" : prefix,
		    named(line) ? "" : ": ", line);
	else if (!to_syslog)
		to_terminal(level, line);
}

void
log_init(bool v)
{
	verbose = v;
	ndr_set_logger(logger, NULL);
}

void
log_syslog(bool on)
{
	to_syslog = on;
}

void
log_error_line(void *arg, const char *line)
{
	(void)arg;
	ndr_log(NDR_LOG_ERROR, "%s", line);
}

void
log_account(const char *name)
{
	prefix = name;
}

const char *
log_last_error(void)
{
	return last_error;
}
