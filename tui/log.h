/* log.h - where the program's lines go (the logger of core's ndr_log). */
#ifndef NDR_LOG_H
#define NDR_LOG_H

#include <stdbool.h>

/*
 * Install the logger: errors and warnings on standard error after the
 * program's name, results on standard output, progress on standard error
 * only when it is a terminal (each line replacing the last), debugging
 * only when verbose. Control and bidirectional characters are shown as
 * '?'. With syslog, every line but progress goes to syslog instead.
 */
void	log_init(bool verbose);
void	log_syslog(bool on);
/* An error line, as the decision path's callback (arg unused). */
void	log_error_line(void *arg, const char *line);

/* Every line from now on names this account (a child of --all); a
 * line that opens with "NAME:" already is left as it is. */
void	log_account(const char *name);
/* The last error line said ("" when none): what a run's record keeps. */
const char *log_last_error(void);

#endif
