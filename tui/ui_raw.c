/* ui_raw.c - one message as the server has it: shown raw with its full
 * headers (h), piped to a command (|), saved to a file (C). The message
 * is fetched when asked (the store keeps what was read of it, not the
 * message), over a session of its own kept for the next one. */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "core/core.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"
#include "model.h"
#include "ui.h"

#define RAW_CAP		(8u << 20)	/* what is fetched of one message */
#define RAW_LINES	20000		/* what the raw view shows of it */

/* The message a key acts on (ui_cur_item), or NULL said. */
static struct item *
cur_item(struct ui *u)
{
	struct item *it = ui_cur_item(u);

	if (it == NULL)
		ui_say(u, true, "no message here");
	return it;
}

void
ui_raw_close(struct ui *u)
{
	if (u->raw_conn) {
		imap_close(u->raw_conn);
		free(u->raw_conn);
		u->raw_conn = NULL;
	}
}

/* The message of it in u->raw (kept while it is the one shown); -1 and
 * said when it cannot be had. */
static int
fetch(struct ui *u, struct item *it)
{
	char err[512];
	int r = -1;

	if (u->raw && u->raw_uid == it->uid && strcmp(u->raw_folder,
	    it->folder) == 0)
		return 0;
	if (u->offline) {
		ui_say(u, true, "offline: the message is on the server; run "
		    "without --offline to see it");
		return -1;
	}
	free(u->raw);
	u->raw = NULL;
	ui_say(u, false, "fetching %s/%u...", it->folder, it->uid);
	ui_draw(u);
	/* a kept session may have been dropped by the server meanwhile:
	 * one more try on a new one */
	for (int tries = 0; tries < 2 && r < 0; tries++) {
		if (u->raw_conn == NULL) {
			if ((u->raw_conn = calloc(1, sizeof *u->raw_conn)) ==
			    NULL)
				abort();
			if (imap_open(u->ctx->a, u->pw, u->raw_conn, err,
			    sizeof err) != 0) {
				free(u->raw_conn);
				u->raw_conn = NULL;
				break;
			}
		}
		r = imap_fetch_one(u->raw_conn, it->folder, it->uid, RAW_CAP,
		    &u->raw, &u->rawlen, err, sizeof err);
		if (r < 0)
			ui_raw_close(u);
	}
	if (r != 0) {
		ui_say(u, true, "%s", err);
		return -1;
	}
	snprintf(u->raw_folder, sizeof u->raw_folder, "%s", it->folder);
	u->raw_uid = it->uid;
	*u->msg = '\0';
	return 0;
}

/* The raw message as the detail view's text: one line a line, CRs and
 * tabs made spaces, long lines wrapped. */
void
ui_raw_text(struct ui *u)
{
	const char *p = u->raw, *end = u->raw + u->rawlen;
	size_t lines = 0;

	strv_free(&u->text);
	while (p < end && lines < RAW_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = malloc(n + 1), *q = line;
		if (line == NULL)
			abort();
		for (size_t i = 0; i < n; i++)
			*q++ = p[i] == '\t' || p[i] == '\r' ? ' ' : p[i];
		*q = '\0';
		while (q > line && q[-1] == ' ')
			*--q = '\0';
		ui_text_wrap(u, line);
		free(line);
		lines++;
		p = nl ? nl + 1 : end;
	}
	if (p < end)
		ui_text_wrap(u, "(the rest is not shown: | or C pass it whole)");
	if (u->rawlen >= RAW_CAP)
		ui_text_wrap(u, "(cut: only the first 8 MB were fetched)");
}

void
ui_do_raw(struct ui *u)
{
	struct item *it = cur_item(u);

	if (it == NULL)
		return;
	if (ui_top(u) == VIEW_DETAIL && u->raw_shown) {
		u->raw_shown = false;	/* back to the report's detail */
		ui_open_detail(u, it);
		return;
	}
	if (fetch(u, it) != 0)
		return;
	if (ui_top(u) != VIEW_DETAIL) {
		ui_open_detail(u, it);
		ui_open_view(u, VIEW_DETAIL);
	}
	u->raw_shown = true;
	u->text_top = 0;
	ui_raw_text(u);
}

/* The terminal back to the shell for a command, and curses again after
 * a key. */
static void
shell_out(struct ui *u, const char *cmd, int *status)
{
	def_prog_mode();
	endwin();
	/* the command's errors to the terminal, not to the message line */
	int saved = dup(STDERR_FILENO);
	if (u->saved_stderr != -1)
		dup2(u->saved_stderr, STDERR_FILENO);
	fflush(stdout);
	FILE *f = popen(cmd, "w");
	if (f == NULL)
		*status = -1;
	else {
		/* a command that stops reading ends the write, not us:
		 * SIGPIPE is ignored for the whole program (main.c) */
		size_t w = fwrite(u->raw, 1, u->rawlen, f);
		(void)w;
		*status = pclose(f);
	}
	if (saved != -1) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	fputs("\n-- press a key to return to ndrsweep --", stdout);
	fflush(stdout);
	reset_prog_mode();
	timeout(-1);
	getch();
	timeout(100);
	clearok(curscr, TRUE);
	refresh();
}

void
ui_do_pipe(struct ui *u)
{
	struct item *it = cur_item(u);
	char *cmd;
	int status;

	if (it == NULL || (cmd = ui_prompt(u, "Pipe to command: ", NULL)) ==
	    NULL)
		return;
	if (*cmd == '\0' || fetch(u, it) != 0) {
		free(cmd);
		return;
	}
	shell_out(u, cmd, &status);
	if (status == -1)
		ui_say(u, true, "cannot run %s: %s", cmd, strerror(errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ui_say(u, false, "piped %s/%u to %s", it->folder, it->uid, cmd);
	else
		ui_say(u, true, "%s: exit %d", cmd, WIFEXITED(status) ?
		    WEXITSTATUS(status) : 128 + WTERMSIG(status));
	free(cmd);
}

/* ~/ at the start of path made the home directory; a new string. */
static char *
expand_home(const char *path)
{
	const char *home = getenv("HOME");
	char *out;

	if (strncmp(path, "~/", 2) == 0 && home && *home) {
		if (asprintf(&out, "%s/%s", home, path + 2) < 0)
			abort();
	} else if ((out = strdup(path)) == NULL)
		abort();
	return out;
}

/* The whole message to path, flushed to the disk; -1 with errno. */
static int
write_file(const char *path, const char *buf, size_t len, bool replace)
{
	int fd = open(path, O_WRONLY | O_CREAT | (replace ? O_TRUNC : O_EXCL),
	    0600);
	if (fd < 0)
		return -1;
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			close(fd);
			unlink(path);	/* no half a message left behind */
			errno = e;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		int e = errno;
		unlink(path);
		errno = e;
		return -1;
	}
	return 0;
}

void
ui_do_save(struct ui *u)
{
	struct item *it = cur_item(u);
	char init[128], *typed, *path;
	bool replace = false;

	if (it == NULL)
		return;
	snprintf(init, sizeof init, "~/ndrsweep-%u.eml", it->uid);
	if ((typed = ui_prompt(u, "Save to file: ", init)) == NULL)
		return;
	if (*typed == '\0' || fetch(u, it) != 0) {
		free(typed);
		return;
	}
	path = expand_home(typed);
	free(typed);
	if (access(path, F_OK) == 0) {
		char q[600];
		snprintf(q, sizeof q, "%s exists; replace it? (y/n)", path);
		if (!ui_confirm(u, q)) {
			ui_say(u, false, "not saved");
			free(path);
			return;
		}
		replace = true;
	}
	if (write_file(path, u->raw, u->rawlen, replace) != 0)
		ui_say(u, true, "cannot save to %s: %s", path, strerror(errno));
	else
		ui_say(u, false, "saved %s/%u to %s (%zu bytes)", it->folder,
		    it->uid, path, u->rawlen);
	free(path);
}
