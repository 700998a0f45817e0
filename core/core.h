/* core.h - the engine's public interface: read a raw message, say what it is. */
#ifndef NDR_CORE_H
#define NDR_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a message is. */
enum ndr_kind {
	NDR_KIND_OTHER = 0,	/* ordinary mail, read receipts (MDN) */
	NDR_KIND_BOUNCE,	/* failed delivery */
	NDR_KIND_DELAY,		/* delivery delayed, still trying */
	NDR_KIND_DELIVERED,	/* success or relay DSN */
	NDR_KIND_AUTOREPLY,	/* RFC 3834 vacation, out-of-office, challenge */
	NDR_KIND_FEEDBACK,	/* ARF abuse or opt-out report */
};

/* Why delivery failed; the names are Sisimai's so figures compare. */
enum ndr_reason {
#define NDR_REASON(id, name, hard) NDR_R_##id,
#include "reasons.h"
#undef NDR_REASON
	NDR_R_COUNT
};

/* How the bounced original came with the report. */
enum ndr_form {
	NDR_FORM_NONE = 0,	/* an empty NDR */
	NDR_FORM_FULL,		/* message/rfc822 */
	NDR_FORM_HEADERS,	/* text/rfc822-headers */
	NDR_FORM_QUOTED,	/* pasted into the report's text */
};

struct ndr_strv {
	char	**v;
	size_t	  n;
};
/* Add s (taken: freed with the list), look one up, free them all. */
/* Allocations that cannot fail: out of memory ends the program (text.c;
 * for every layer). */
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
void	strv_add(struct ndr_strv *, char *s);
bool	strv_has(const struct ndr_strv *, const char *);
void	strv_free(struct ndr_strv *);

/* One failed (or delayed, or delivered) recipient. Any string may be NULL. */
struct ndr_rcpt {
	char		*address;	/* as the sender wrote it */
	char		*orig_rcpt;	/* the DSN's Original-Recipient */
	char		*final_rcpt;	/* what a gateway made of address */
	char		*action;	/* failed, delayed, delivered, relayed... */
	char		*status;	/* enhanced status code, 5.1.1 */
	char		*reply_code;	/* SMTP reply code, 550 */
	char		*diagnostic;
	char		*remote_mta;
	char		*command;	/* SMTP command that failed: RCPT, DATA... */
	enum ndr_reason	 reason;
	bool		 hard;
	bool		 program;	/* the diagnostic is a local program's
					 * (Diagnostic-Code type X-Unix) */
};

/* What is known of the bounced original. */
struct ndr_original {
	enum ndr_form	 form;
	char		*message_id;
	char		*from;
	char		*to;
	char		*subject;
	char		*date;
	char		*return_path;
	char		*x_mailer;
	struct ndr_strv	 received;	/* top (latest) first */
	char		*excerpt;	/* start of the body text, UTF-8 */
	struct ndr_strv	 links;		/* host names of links in the body */
};

struct ndr_report {
	enum ndr_kind	 kind;
	const char	*format;	/* reader that understood it: "postfix"... */
	char		*from;		/* the report's own From, decoded */
	char		*subject;	/* the report's own Subject, decoded */
	char		*message_id;	/* the report's own Message-ID */
	char		*to;		/* its To address: the envelope sender
					 * of the original, BATV tag and all */
	int64_t		 date;		/* its Date, seconds since the epoch */
	char		*reporting_mta;
	char		*feedback_type;	/* ARF: abuse, opt-out... */
	struct ndr_rcpt	*rcpts;
	size_t		 nrcpts;
	struct ndr_original original;
	bool		 truncated;	/* a cap was hit; what is here is partial */
	bool		 candidate;	/* its header fields pass a scan's first
					 * look (ndr_candidate): fetched whole */
	/* with ndr_limits.tokens: the classifier's tokens of the original
	 * (of the message itself when it has none), hashed, sorted, unique */
	uint64_t	*tokens;
	size_t		 ntokens;
};

/* Caps that keep hostile input bounded. */
struct ndr_limits {
	size_t		max_size;	/* bytes of the message read at all */
	unsigned	max_depth;	/* MIME nesting */
	unsigned	max_parts;	/* MIME parts */
	size_t		max_text;	/* decoded bytes kept per text part */
	bool		tokens;		/* fill the report's tokens */
	bool		tokens_judged;	/* with tokens: only for the kinds
					 * judged (a scan keeps no others') */
};

void		 ndr_limits_default(struct ndr_limits *);

enum ndr_err {
	NDR_OK = 0,
	NDR_ERR_NOMEM,
	NDR_ERR_EMPTY,		/* nothing that looks like a message */
};
const char	*ndr_strerror(enum ndr_err);

/* Read one raw message. The report does not point into raw. */
enum ndr_err	 ndr_read(const char *raw, size_t len,
		    const struct ndr_limits *, struct ndr_report **);
void		 ndr_report_free(struct ndr_report **);
/* src's len bytes with every line end (CRLF, a lone CR, LF) made LF,
 * into dst (src itself will do: never longer); the new length. */
size_t		 ndr_lf(char *dst, const char *src, size_t len);
/* The hash a token has in ndr_report.tokens: prefix "" for body words,
 * "subj" for the subject's, "url" for link hosts, ... (core/tokens.c). */
uint64_t	 ndr_token(const char *prefix, const char *word);
/* The tokens the classifier makes of Received fields (one a line, top
 * first), unsorted, into *v (free it); how many. */
size_t		 ndr_received_tokens(const char *received, uint64_t **v);

const char	*ndr_kind_name(enum ndr_kind);
/* Is a report of this kind judged (bounce, delay, auto-reply)? */
bool		 ndr_kind_judged(enum ndr_kind);
const char	*ndr_reason_name(enum ndr_reason);
const char	*ndr_form_name(enum ndr_form);

/*
 * Could a message with this header block be a report (bounce, delay,
 * auto-reply, feedback)? Only the fields in ndr_candidate_fields are read;
 * false means "surely ordinary mail".
 */
extern const char *const ndr_candidate_fields[];
/* and those a Sent folder's index is made of (intake_head) */
extern const char *const ndr_sent_fields[];

/* An RFC 5322 date ("Mon, 2 Mar 2026 10:00:00 +0100") in seconds since
 * the epoch, or 0 when it cannot be read. */
int64_t		 ndr_date(const char *);
/* The UTC day of t as "2026-03-02" in buf, or unknown when t <= 0. */
const char	*ndr_day(int64_t t, char *buf, size_t len, const char *unknown);
bool		 ndr_candidate(const char *header, size_t len);

/* c lowercased if an ASCII capital; every other byte as it is, whatever
 * the locale (an 8-bit one's tolower folds bytes past ASCII too) */
static inline unsigned char
ndr_ascii_lower(unsigned char c)
{
	return (unsigned char)((unsigned)c - 'A' < 26u ? c + 32 : c);
}

/* a[0..n) and b[0..n) the same, ASCII case ignored; b holds no NUL
 * there, so a shorter a stops at its own. Inline: the engine's words
 * and a FETCH answer's are compared at every place, where a call into
 * strncasecmp cost more than the compare. */
static inline bool
ndr_ascii_ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i] && ndr_ascii_lower((unsigned char)a[i]) !=
		    ndr_ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

/* Logging: the front end decides where messages go. */
/*
 * The one way the program reports: errors and warnings (one line each,
 * for the user), results (INFO: what a command did), progress (a line
 * that the next one replaces) and debugging. Where a line goes is the
 * logger's business (tui/log.c: the terminal, standard output or
 * syslog); without one, nothing is said.
 */
enum ndr_loglevel { NDR_LOG_ERROR, NDR_LOG_WARN, NDR_LOG_INFO, NDR_LOG_DEBUG,
	NDR_LOG_PROGRESS };
typedef void	(*ndr_log_fn)(enum ndr_loglevel, const char *, void *);
void		 ndr_set_logger(ndr_log_fn, void *);
void		 ndr_log(enum ndr_loglevel, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Free each pointer of a list (NULL ones too): NDR_FREE(a->x, a->y). */
void		 ndr_free_n(void *const *, size_t);
#define NDR_FREE(...) ndr_free_n((void *const []){ __VA_ARGS__ }, \
	sizeof((void *const []){ __VA_ARGS__ }) / sizeof(void *))

/* A growing byte buffer, NUL-terminated. Allocation failure aborts. */
struct ndr_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};
void		 ndr_buf_add(struct ndr_buf *, const char *, size_t);
void		 ndr_buf_adds(struct ndr_buf *, const char *);
void		 ndr_buf_addc(struct ndr_buf *, char);
void		 ndr_buf_printf(struct ndr_buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 ndr_buf_free(struct ndr_buf *);
/* s as a JSON string ("null" for NULL; invalid UTF-8 becomes U+FFFD). */
void		 ndr_buf_json(struct ndr_buf *, const char *s);

/* One JSON object (no newline) describing a report. */
void		 ndr_report_json(const struct ndr_report *, const char *file,
		    struct ndr_buf *);
/* One short human line (or a few) describing a report. */
void		 ndr_report_text(const struct ndr_report *, const char *file,
		    struct ndr_buf *);

/*
 * Message sources: a file (one message, or an mbox), a Maildir folder, a
 * directory of message files, or "-" for standard input. The callback gets
 * each message in turn; a non-zero return stops the walk. Errors reading one
 * input go to err_fn (name, reason) and the walk goes on.
 */
typedef int	(*ndr_msg_fn)(const char *name, const char *raw, size_t len,
		    void *arg);
typedef void	(*ndr_srcerr_fn)(const char *name, const char *why, void *arg);
int		 ndr_source_walk(const char *path, ndr_msg_fn, ndr_srcerr_fn,
		    void *arg);

/*
 * The bytes of a Unicode bidirectional control at s (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069), 0 where there is none. Text
 * from messages shows them neutralised, as control characters are: a
 * subject must not turn the rest of a line around (CVE-2021-42574).
 */
size_t	ndr_bidi_len(const char *s, size_t n);

#endif
