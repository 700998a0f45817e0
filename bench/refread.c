/*
 * refread.c - the reference reader of bench/scan.sh: over a plain socket,
 * log in, select INBOX, send the scan's phase-one UID FETCH for every
 * message and only read the answer's bytes. What no IMAP client can beat:
 * the time the server takes to send it.
 * usage: refread PORT USER PASSWORD FOLDER[,FOLDER...] FIELD...
 *        refread PORT USER PASSWORD FOLDER -bodies UIDFILE
 * The second form asks instead for the content of the UIDs listed in
 * UIDFILE (one a line, ascending) as the scan's phase two does, in one
 * command: the server's own part of phase two.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 16], *big;
static size_t have, off;

/* the next line into line; -1 at end of stream */
static int
next_line(int fd, char *line, size_t cap, unsigned long long *bytes)
{
	size_t n = 0;

	for (;;) {
		if (off == have) {
			ssize_t r = read(fd, buf, sizeof buf);
			if (r <= 0)
				return -1;
			*bytes += (unsigned long long)r;
			have = (size_t)r;
			off = 0;
		}
		char c = buf[off++];
		if (n + 1 < cap)
			line[n++] = c;
		if (c == '\n') {
			line[n] = '\0';
			return 0;
		}
	}
}

/* send cmd and read up to its tagged answer; 0 if OK */
static int
command(int fd, const char *tag, const char *cmd, unsigned long long *bytes)
{
	char line[1024];
	size_t tl = strlen(tag);

	dprintf(fd, "%s %s\r\n", tag, cmd);
	while (next_line(fd, line, sizeof line, bytes) == 0)
		if (strncmp(line, tag, tl) == 0 && line[tl] == ' ')
			return strncmp(line + tl + 1, "OK", 2) == 0 ? 0 : -1;
	return -1;
}

/* UID FETCH of the UIDs in file (runs of consecutive ones as ranges)
 * for their first 2 MiB, as phase two asks; 0 if OK */
static int
bodies(int fd, const char *file, unsigned long long *bytes)
{
	FILE *f = fopen(file, "r");
	size_t cap = 1 << 20, n = 0;
	unsigned long first = 0, last = 0, u;
	int rc;

	if (f == NULL || (big = malloc(cap)) == NULL)
		return -1;
	n = (size_t)snprintf(big, cap, "UID FETCH ");
	for (;;) {
		int got = fscanf(f, "%lu", &u);
		if (got == 1 && first && u == last + 1) {
			last = u;
			continue;
		}
		if (first) {
			if (n + 32 > cap && (big = realloc(big, cap *= 2)) == NULL)
				return -1;
			n += first == last ?
			    (size_t)snprintf(big + n, cap - n, "%lu,", first) :
			    (size_t)snprintf(big + n, cap - n, "%lu:%lu,", first,
			    last);
		}
		if (got != 1)
			break;
		first = last = u;
	}
	fclose(f);
	if (n == 10)
		return -1;	/* no UID */
	snprintf(big + n - 1, cap - n + 1, " (UID BODY.PEEK[]<0.2097152>)");
	/* a tag no line of a message body is likely to start with */
	rc = command(fd, "zq9", big, bytes);
	free(big);
	return rc;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long long bytes = 0;
	char line[1024], cmd[4096];
	int fd;

	if (argc < 6) {
		fprintf(stderr, "usage: refread PORT USER PASSWORD "
		    "FOLDER[,FOLDER...] FIELD...\n");
		return 64;
	}
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		perror("refread: connect");
		return 1;
	}
	next_line(fd, line, sizeof line, &bytes);	/* greeting */
	snprintf(cmd, sizeof cmd, "LOGIN %s %s", argv[2], argv[3]);
	if (command(fd, "a", cmd, &bytes)) {
		fprintf(stderr, "refread: login failed\n");
		return 1;
	}
	for (char *folder = strtok(argv[4], ","); folder;
	    folder = strtok(NULL, ",")) {
		snprintf(cmd, sizeof cmd, "EXAMINE \"%s\"", folder);
		if (command(fd, "b", cmd, &bytes)) {
			fprintf(stderr, "refread: cannot select %s\n", folder);
			return 1;
		}
		if (strcmp(argv[5], "-bodies") == 0) {
			if (bodies(fd, argc > 6 ? argv[6] : "", &bytes)) {
				fprintf(stderr, "refread: fetch failed\n");
				return 1;
			}
			continue;
		}
		size_t n = (size_t)snprintf(cmd, sizeof cmd, "UID FETCH 1:* (UID "
		    "RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (");
		for (int i = 5; i < argc; i++)
			n += (size_t)snprintf(cmd + n, sizeof cmd - n, "%s%s",
			    i > 5 ? " " : "", argv[i]);
		snprintf(cmd + n, sizeof cmd - n, ")])");
		if (command(fd, "c", cmd, &bytes)) {
			fprintf(stderr, "refread: fetch failed\n");
			return 1;
		}
	}
	command(fd, "d", "LOGOUT", &bytes);
	printf("%llu bytes\n", bytes);
	return 0;
}
