/* engine.h - what core/'s modules share; private to core/. */
#ifndef NDR_ENGINE_H
#define NDR_ENGINE_H

#include <stdint.h>

#include "core.h"


/* ---- strings (text.c; the x* allocations are core.h's) ---- */
/* A large buffer of at least n bytes (its size in *cap) and back: kept
 * for the next message instead of freed. */
void		*big_alloc(size_t n, size_t *cap);
void		 big_free(void *, size_t cap);
/* Case-insensitive (ASCII) search for needle in [h, h + hlen). */
const char	*ci_find(const char *h, size_t hlen, const char *needle);
bool		 ci_prefix(const char *s, const char *prefix);
bool		 ci_eq(const char *, const char *);
/* Does the lowercase text contain any of the NULL-terminated needles? */
bool		 has_any(const char *lower, const char *const *needles);
char		*lowercase_dup(const char *, size_t);
/* the same into p, n + 1 bytes of room; p */
char		*lowercase_into(char *p, const char *, size_t n);
/* lowercase_into, and the two-byte UTF-8 capitals of Latin, Greek and
 * Cyrillic made small too, the length kept (a text to match words in);
 * p is not s */
char		*fold_into(char *p, const char *, size_t n);
char		*fold_dup(const char *, size_t);
/* The host of the next http(s) link in [p, end) (*len bytes, maybe 0),
 * or NULL; the next search starts at the returned pointer + *len. */
const char	*next_link_host(const char *p, const char *end, size_t *len);
/* Lowercase ASCII and Latin-1 letters; Latin-1 signs, general punctuation
 * and currency signs as spaces. */
char		*utf8_fold(const char *);
/* Trim ASCII white space in place; returns s. */
char		*trim(char *);
/* Collapse runs of white space (newlines too) into one space, trimmed. */
char		*squeeze(const char *, size_t);
/* The first e-mail address in [s, s + len), lowercased, or NULL. */
/* A map of 64-bit keys (not 0) to 64-bit values (map.c). The value's
 * slot, added (0) when missing and add, else NULL when missing. */
struct ndr_map {
	uint64_t	*key;
	int64_t		*val;
	size_t		 mask, n;
};
int64_t		*ndr_map_slot(struct ndr_map *, uint64_t key, bool add);
void		 ndr_map_free(struct ndr_map *);

/* A DSN field's address ("rfc822; <user@x>"), taken whole as the report
 * writes it (even "user@#example.net"); else find_address's. */
char		*typed_address(const char *);
char		*find_address(const char *s, size_t len, size_t *start,
		    size_t *end);
/* Enhanced status code (class 2, 4 or 5) in s: "5.1.1", or NULL. */
char		*find_status(const char *s, size_t len);
/* SMTP reply code (2xx, 4xx, 5xx) in s: "550", or NULL. */
char		*find_reply_code(const char *s, size_t len);

/* A JSON string literal for s (null for NULL), invalid UTF-8 replaced. */

/* Keep iconv descriptors open for libetpan's conversions (charset.c). */
void		 charset_init(void);

/* Transfer decodings into out (decode.c): base64 needs n bytes of room,
 * quoted-printable 2n (each line ends CRLF). The bytes written. */
size_t		 b64_decode(const char *, size_t n, char *out);
size_t		 qp_decode(const char *, size_t n, char *out);

/* ---- header blocks (header.c) ---- */
struct hdr {
	char	*name;		/* as written */
	char	*value;		/* unfolded, trimmed, not decoded */
	size_t	 nlen;		/* strlen(name) */
};
struct hdrs {
	struct hdr	*v;		/* names and values in mem */
	size_t		 n, cap;
	char		*mem;
	size_t		 memcap;
};
/* Parse a header block at p; returns the bytes used, blank line included. */
size_t		 hdrs_parse(struct hdrs *, const char *p, size_t len);
/* Is p[0..n) a field name (printable ASCII, no space, 1 to 76 bytes)? */
bool		 hdr_field_name(const char *p, size_t n);
const char	*hdrs_get(const struct hdrs *, const char *name);
void		 hdrs_free(struct hdrs *);
/* ndr_candidate on headers already parsed */
bool		 candidate_of(const struct hdrs *);
/* A daemon's own envelope sender, where a server rewrote <> on delivery
 * ("mailer-daemon@", lowercase): the scan's first look and the engine's
 * daemon test read the same list (candidate.c). */
extern const char *const daemon_envelopes[];
/* The subjects that open an auto-reply, in many languages (rfc3834.c):
 * the readers' and the scan's first look's. */
extern const char *const autoreply_openers[];
/* RFC 2047 words decoded to UTF-8 (a copy). */
char		*hdr_decode(const char *);
/* Does the text at p start a header block with at least min known fields? */
bool		 looks_like_headers(const char *p, size_t len, int min);
bool		 owned_header_block(const char *p, size_t len, int min, bool whose);

/* ---- the parsed message (message.c) ---- */
struct part {
	char	 ctype[48];	/* "text/plain", lowercase */
	char	*text;		/* decoded to UTF-8, NUL-terminated; or NULL */
	size_t	 len;
	int	 depth;
	bool	 in_original;	/* inside an attached original */
	bool	 shadowed;	/* text/html beside its text/plain */
};

struct msg {
	const char	*raw;
	size_t		 len;
	const struct ndr_limits *lim;
	struct hdrs	 top;
	size_t		 hdr_len;	/* bytes of the top header block */
	char		*from;		/* decoded From */
	char		*from_addr;	/* its address, lowercase */
	char		*subject;	/* decoded Subject */
	char		*lsubject;	/* and folded (fold_dup): to match words in */
	char		*ctype;		/* top content type, lowercase */
	char		*report_type;	/* report-type parameter, lowercase */
	struct part	*parts;
	size_t		 nparts;
	struct ndr_buf	 text;		/* report text outside any original */
	size_t		 orig_off;	/* where a quoted original starts */
	char		*lower;		/* report text [0, orig_off), lowercase */
	uint64_t	 pairs[64];	/* byte pairs lower holds (msg_pair) */
	const struct part *dsn;		/* message/delivery-status */
	const struct part *fbr;		/* message/feedback-report */
	const struct part *orig_hdrs;	/* text/rfc822-headers */
	const char	*orig_raw;	/* message/rfc822, still encoded */
	char		*orig_mid;	/* the original's Message-ID as a report
					 * part names it (an MDN's
					 * Original-Message-ID), or NULL */
	size_t		 orig_rawlen;
	bool		 orig_parsed;	/* its parts are in parts[] */
	bool		 truncated;
	bool		 daemon;	/* from a mailer daemon (from_daemon) */
	size_t		 lowercap;
};

/* The bit of pairs for the bytes a, b: a set a text's pairs are in. */
static inline unsigned
msg_pair(unsigned char a, unsigned char b)
{
	return ((unsigned)a << 6 ^ b) & 4095;
}
int		 msg_parse(struct msg *, const char *, size_t,
		    const struct ndr_limits *);
void		 msg_free(struct msg *);
const char	*msg_header(const struct msg *, const char *);
/* The parts of raw into m->parts, the original found (mime.c). */
void		 mime_walk(struct msg *, const char *raw, size_t len);
/* Is ctype an attached message's (message/rfc822, message/global)? */
bool		 mime_is_message(const char *ctype);
/* The report text before the quoted original: [text.s, text.s + n). */
size_t		 msg_report_len(const struct msg *);

/* ---- recipients and reasons (rcpt.c, reason.c) ---- */
struct ndr_rcpt	*report_add_rcpt(struct ndr_report *, const char *address);
struct ndr_rcpt	*report_find_rcpt(struct ndr_report *, const char *address);
void		 rcpt_clear(struct ndr_rcpt *);
const char	*smtp_command(const char *);
void		 rcpt_set_command(struct ndr_rcpt *, const char *text);
/* Fill status, reply code, reason and hard from the diagnostic; the SMTP
 * command from it too, else sent (the report's transcript's), if any. */
void		 rcpt_finish(struct ndr_rcpt *, enum ndr_kind,
		    const char *sent);
/* Drop from a report of several recipients those that are a mailing
 * list's own addresses (not when all are: a list that refused a post). */
void		 report_drop_lists(const struct msg *, struct ndr_report *);
enum ndr_reason	 reason_from_text(const char *diagnostic);
enum ndr_reason	 reason_from_provider(const char *diagnostic,
		    const char *rcpt);
enum ndr_reason	 reason_from_words(const char *diagnostic, bool *weak,
		    bool *cause);
enum ndr_reason	 reason_from_status(const char *status);
bool		 reason_names_recipient(const char *diagnostic);
enum ndr_reason	 reason_arbitrate(enum ndr_reason words, enum ndr_reason status);
const char	*status_from_reason(enum ndr_reason, bool temporary);
bool		 reason_is_hard(enum ndr_reason, const char *status);

/* HTML as text: tags out, block ends as new lines (message.c). */
void		 html_to_text(struct ndr_buf *, const char *, size_t);

/* The classifier's tokens of the report's original, or of m (tokens.c). */
void		 tokens_read(struct msg *, struct ndr_report *);
/* Sorts hashes (spread evenly) ascending, faster than qsort */
void		 ndr_sort_u64(uint64_t *, size_t);

/* ---- the original (original.c) ---- */
void		 original_read(struct msg *, struct ndr_original *);
void		 original_free(struct ndr_original *);

/* ---- the readers (formats/, listed in formats/readers.h; report.c) ---- */
/*
 * A reader knows one family of reports. match() says whether the message
 * looks like its kind; read() fills the report and returns the number of
 * recipients it found, or -1 to claim a message that has none (a read
 * receipt). The first reader that matches and reads something, or sets a
 * kind, wins; otherwise its partial work is undone and the next one tries.
 */
struct reader {
	const char	*name;
	bool		(*match)(const struct msg *);
	int		(*read)(struct msg *, struct ndr_report *);
	const struct family *family;	/* described by words alone */
};

/*
 * The shared text reader: most MTAs write "address: diagnostic" blocks
 * between an introduction and the copy of the message. start names lines
 * after which recipients are listed (NULL: from the top); stop names lines
 * where the report ends. Both lists are lowercase substrings.
 */
struct text_layout {
	const char *const *start;
	const char *const *stop;
	bool	 delay;		/* these reports are delay warnings */
};
int		 text_read(struct msg *, const struct text_layout *,
		    struct ndr_report *);
/* The report region [*b, *e) of the message text for a layout. */
void		 text_region(const struct msg *, const struct text_layout *,
		    size_t *b, size_t *e);
/* Does the report text (lowercase search) contain any of these? */
bool		 text_has(const struct msg *, const char *const *needles);
bool		 subject_has(const struct msg *, const char *const *needles);
bool		 from_has(const struct msg *, const char *const *needles);
/* RFC 3464 (dsn.c): the delivery-status part, with the text where it is
 * terse, or the text alone when there is none. */
int		 dsn_or_text(struct msg *, const struct text_layout *,
		    struct ndr_report *);
bool		 text_is_delay(const struct msg *);
/* Does the report text list an address as reports do: alone on its line,
 * or after a label, not inside a sentence (textread.c)? */
bool		 text_lists_address(const struct msg *);
/* Recipients named by X-Failed-Recipients and similar headers. */
int		 failed_header_rcpts(struct msg *, struct ndr_report *);
bool		 from_daemon(const struct msg *);
/* An automatic answer's one recipient: whoever answered (its From), with
 * the reason vacation; returns -1 (a report claimed without a failed
 * recipient) when it has no address. */
int		 autoreply_rcpt(struct msg *, struct ndr_report *);
bool		 daemon_sender(const struct msg *);

/*
 * A family known by its words alone (formats/families.c): it matches when
 * its text holds one of marks, or it carries one of headers, or a mailer
 * daemon sent it with one of daemon_subjects in its Subject, daemon_from
 * in its From or daemon_hdr in its header block; it is read by
 * dsn_or_text() with its layout. Such a reader has match and read NULL.
 */
struct family {
	const char *const *marks;
	const char *const *headers;
	const char *const *daemon_subjects;
	const char *const *daemon_from;
	const char	*daemon_hdr;
	struct text_layout layout;
};
bool		 reader_match(const struct reader *, const struct msg *);
int		 reader_read(const struct reader *, struct msg *,
		    struct ndr_report *);

#define READER(n) extern const struct reader reader_##n;
#include "formats/readers.h"
#undef READER

#endif
