/* source.c - messages from files, mbox files, Maildir folders and stdin. */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

#define SMALL_FILE	(1u << 20)

struct walk {
	ndr_msg_fn	 fn;
	ndr_srcerr_fn	 err;
	void		*arg;
};

static void
fail(struct walk *w, const char *name, const char *why)
{
	if (w->err)
		w->err(name, why, w->arg);
}

/* Is this an mbox: "From " on the first line and at least a second one? */
/* Does an mbox "From sender Www Mmm dd hh:mm:ss yyyy" line look complete:
 * a weekday, a time and a year at its end? */
static bool
full_from_line(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len < 24 || !isdigit((unsigned char)line[len - 1]) ||
	    !isdigit((unsigned char)line[len - 4]) || line[len - 5] != ' ')
		return false;
	for (size_t i = 6; i + 8 <= len; i++)
		if (isdigit((unsigned char)line[i]) && line[i + 2] == ':' &&
		    line[i + 5] == ':' && isdigit((unsigned char)line[i + 7]))
			return true;
	return false;
}

/* A "From " line that separates messages: "From sender date" with a
 * weekday in it, after a blank line; or, from writers that leave no blank
 * line, a complete one (a body line would be ">From "). */
static const char *
next_separator(const char *p, size_t n)
{
	static const char *const days[] = { " Mon ", " Tue ", " Wed ",
		" Thu ", " Fri ", " Sat ", " Sun ", NULL };
	const char *end = p + n;

	while ((p = memmem(p, end - p, "\nFrom ", 6)) != NULL) {
		const char *line = p + 1;
		const char *nl = memchr(line, '\n', end - line);
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
		bool blank = p > end - n && p[-1] == '\n';
		for (int i = 0; days[i]; i++)
			if (memmem(line, len, days[i], 5) &&
			    (blank || full_from_line(line, len)))
				return line - 1;
		p = line;
	}
	return NULL;
}

static bool
is_mbox(const char *p, size_t n)
{
	return n > 5 && memcmp(p, "From ", 5) == 0 &&
	    next_separator(p, n) != NULL;
}

static int
each_mbox(struct walk *w, const char *name, const char *p, size_t n)
{
	struct ndr_buf label = { 0 };
	size_t start = 0, count = 0;
	int rc = 0;

	while (start < n && rc == 0) {
		const char *next = next_separator(p + start, n - start);
		size_t end = next ? (size_t)(next - p) + 1 : n;
		/* the "From " line is the separator, not part of the message */
		const char *nl = memchr(p + start, '\n', end - start);
		size_t body = nl ? (size_t)(nl - p) + 1 : end;
		label.len = 0;
		ndr_buf_printf(&label, "%s:%zu", name, ++count);
		rc = w->fn(label.s, p + body, end - body, w->arg);
		start = end;
	}
	ndr_buf_free(&label);
	return rc;
}

/*
 * The file name in the directory dirfd (AT_FDCWD: the working one), told
 * the user as path. A file the directory says is regular is read at
 * once, without asking its size (a fifth of the system calls of a
 * Maildir's read): a read that does not fill the buffer has read it all.
 */
static int
each_file_at(struct walk *w, int dirfd, const char *name, const char *path,
    bool regular)
{
	static char buf[SMALL_FILE];
	struct stat st;
	int fd, rc = 0;
	void *map;

	/* without touching the access time: mutt and others tell an mbox
	 * with new mail by its atime, and reading is no news (O_NOATIME is
	 * for the file's owner: EPERM, and the same open without it) */
	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOATIME)) ==
	    -1 && errno == EPERM)
		fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		fail(w, path, strerror(errno));
		return 0;
	}
	if (regular) {
		ssize_t got = read(fd, buf, sizeof buf);
		if (got < 0) {
			fail(w, path, strerror(errno));
			close(fd);
			return 0;
		}
		if ((size_t)got < sizeof buf) {
			close(fd);
			if (got == 0) {
				fail(w, path, "empty file");
				return 0;
			}
			return is_mbox(buf, got) ? each_mbox(w, path, buf, got) :
			    w->fn(path, buf, got, w->arg);
		}
		/* a megabyte or more: mapped, below */
	}
	if (fstat(fd, &st) == -1) {
		fail(w, path, strerror(errno));
		close(fd);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		fail(w, path, "not a regular file");
		close(fd);
		return 0;
	}
	if (st.st_size == 0) {
		fail(w, path, "empty file");
		close(fd);
		return 0;
	}
	/* small files are read into one reused buffer: cheaper than a map */
	if (st.st_size <= SMALL_FILE) {
		ssize_t got = 0, k;
		if (lseek(fd, 0, SEEK_SET) == -1) {
			fail(w, path, strerror(errno));
			close(fd);
			return 0;
		}
		while (got < st.st_size &&
		    (k = read(fd, buf + got, st.st_size - got)) > 0)
			got += k;
		close(fd);
		if (got < st.st_size) {
			fail(w, path, "short read");
			return 0;
		}
		return is_mbox(buf, got) ? each_mbox(w, path, buf, got) :
		    w->fn(path, buf, got, w->arg);
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fail(w, path, strerror(errno));
		return 0;
	}
	if (is_mbox(map, st.st_size))
		rc = each_mbox(w, path, map, st.st_size);
	else
		rc = w->fn(path, map, st.st_size, w->arg);
	munmap(map, st.st_size);
	return rc;
}

/* Entries are kept as a type mark ('r' regular, '?' not told) and the
 * name; they sort by name. */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

/* Every regular file of a directory, in name order; dot files skipped. */
static int
each_in_dir(struct walk *w, const char *dir)
{
	struct ndr_strv names = { 0 };
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fail(w, dir, strerror(errno));
		return 0;
	}
	/* the directory stays open: its files are opened from it, not each
	 * from the root by its whole path */
	while ((de = readdir(d)) != NULL) {
		struct ndr_buf e = { 0 };
		if (de->d_name[0] == '.' ||
		    (de->d_type != DT_REG && de->d_type != DT_UNKNOWN &&
		    de->d_type != DT_LNK))
			continue;	/* the file system says: no file */
		ndr_buf_printf(&e, "%c%s", de->d_type == DT_REG ? 'r' : '?',
		    de->d_name);
		strv_add(&names, e.s);
	}
	if (names.n > 1)
		qsort(names.v, names.n, sizeof *names.v, by_name);
	struct ndr_buf p = { 0 };
	size_t dl = strlen(dir);
	ndr_buf_add(&p, dir, dl);
	ndr_buf_addc(&p, '/');
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		struct stat st;
		const char *name = names.v[i] + 1;
		p.len = dl + 1;
		ndr_buf_adds(&p, name);
		if (names.v[i][0] == 'r')
			rc = each_file_at(w, dirfd(d), name, p.s, true);
		else if (fstatat(dirfd(d), name, &st, 0) == 0 &&
		    S_ISREG(st.st_mode))
			rc = each_file_at(w, dirfd(d), name, p.s, false);
	}
	closedir(d);
	ndr_buf_free(&p);
	strv_free(&names);
	return rc;
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
each_stdin(struct walk *w)
{
	struct ndr_buf b = { 0 };
	char chunk[65536];
	size_t n;
	int rc;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		ndr_buf_add(&b, chunk, n);
	if (ferror(stdin)) {
		fail(w, "-", strerror(errno));
		ndr_buf_free(&b);
		return 0;
	}
	if (b.len == 0) {
		fail(w, "-", "empty input");
		return 0;
	}
	rc = is_mbox(b.s, b.len) ? each_mbox(w, "-", b.s, b.len) :
	    w->fn("-", b.s, b.len, w->arg);
	ndr_buf_free(&b);
	return rc;
}

int
ndr_source_walk(const char *path, ndr_msg_fn fn, ndr_srcerr_fn err, void *arg)
{
	struct walk w = { fn, err, arg };
	struct ndr_buf sub = { 0 };
	int rc;

	if (strcmp(path, "-") == 0)
		return each_stdin(&w);
	if (!is_dir(path))
		return each_file_at(&w, AT_FDCWD, path, path, false);

	ndr_buf_printf(&sub, "%s/cur", path);
	if (!is_dir(sub.s)) {
		ndr_buf_free(&sub);
		return each_in_dir(&w, path);
	}
	/* a Maildir: new/ then cur/ (tmp/ holds unfinished deliveries) */
	rc = each_in_dir(&w, sub.s);
	sub.len = 0;
	ndr_buf_printf(&sub, "%s/new", path);
	if (rc == 0 && is_dir(sub.s))
		rc = each_in_dir(&w, sub.s);
	ndr_buf_free(&sub);
	return rc;
}
