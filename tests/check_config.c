/* check_config.c - the configuration file and the account password. */
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "core/config.h"

static char path[64];

/* Write text to a fresh temporary file; its name is in path. */
static void
write_file(const char *text, mode_t mode)
{
	int fd;

	strcpy(path, "/tmp/ndrsweep-test-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

/* Load text as a configuration; returns the error line ("" when none). */
static const char *
load(const char *text, struct ndr_config *cfg)
{
	static char err[512];

	err[0] = '\0';
	write_file(text, 0600);
	if (ndr_config_load(path, cfg, err, sizeof err) == 0)
		err[0] = '\0';
	unlink(path);
	return err;
}

START_TEST(test_full_account)
{
	struct ndr_config cfg;
	const char *e = load(
	    "# ndrsweep\n"
	    "[account work]\n"
	    "host = imap.example.org\n"
	    "port = 993\n"
	    "tls = implicit          # implicit | starttls | none\n"
	    "user = alice@example.org\n"
	    "password_cmd = pass show mail/work\n"
	    "addresses = Alice@example.org, a.smith@example.org\n"
	    "own_relays = smtp.example.org, 192.0.2.0/24\n"
	    "quarantine = Quarantine/Backscatter\n"
	    "\n"
	    "[account home]\n"
	    "host = mail.example.net\n"
	    "tls = starttls\n"
	    "user = alice\n"
	    "folders = INBOX Spam\n", &cfg);
	const struct ndr_account *a;
	char err[256];

	ck_assert_str_eq(e, "");
	ck_assert_int_eq(cfg.naccounts, 2);
	a = &cfg.accounts[0];
	ck_assert_str_eq(a->name, "work");
	ck_assert_str_eq(a->host, "imap.example.org");
	ck_assert_int_eq(ndr_account_port(a), 993);
	ck_assert_int_eq(a->tls, NDR_TLS_IMPLICIT);
	ck_assert_str_eq(a->password_cmd, "pass show mail/work");
	ck_assert_int_eq(a->addresses.n, 2);
	ck_assert_str_eq(a->addresses.v[0], "alice@example.org");
	ck_assert_str_eq(a->own_relays.v[1], "192.0.2.0/24");
	ck_assert_int_eq(a->folders.n, 2);	/* the default */
	ck_assert_str_eq(a->folders.v[1], "Junk");
	a = &cfg.accounts[1];
	ck_assert_int_eq(a->tls, NDR_TLS_STARTTLS);
	ck_assert_int_eq(ndr_account_port(a), 143);
	ck_assert_str_eq(a->folders.v[1], "Spam");
	ck_assert_str_eq(a->quarantine, "Quarantine/Backscatter");

	ck_assert_ptr_null(ndr_config_account(&cfg, NULL, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "--account"));
	ck_assert_ptr_eq(ndr_config_account(&cfg, "home", err, sizeof err),
	    &cfg.accounts[1]);
	ck_assert_ptr_null(ndr_config_account(&cfg, "play", err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "no account 'play'"));
	ndr_config_free(&cfg);
}
END_TEST

/* Each mistake gives one line with the file, the line and the key. */
START_TEST(test_errors_name_file_line_and_key)
{
	static const struct { const char *text, *want; } t[] = {
		{ "[account a]\nhots = x\n", ":2: unknown key 'hots' in [account a]" },
		{ "[account a]\nhost = h\nuser = u\nport = 99999\n",
		    ":4: bad value for 'port': expected a port from 1 to 65535" },
		{ "[account a]\nhost = h\nuser = u\ntls = maybe\n",
		    ":4: bad value for 'tls': expected implicit, starttls or none" },
		{ "[account a]\nhost = h\nuser = u\nfingerprint = ab:cd\n",
		    ":4: bad value for 'fingerprint'" },
		{ "[account a]\nhost = h\nuser = u\nown_relays = 192.0.2.0/33\n",
		    ":4: bad value for 'own_relays'" },
		{ "[account a]\nhost = h\nuser = u\nown_relays = smtp.x.org, "
		    "300.1.1.1\n", ":4: bad value for 'own_relays'" },
		{ "[account a]\nhost = h\nuser = u\nown_relays = 2001:db8::/129\n",
		    ":4: bad value for 'own_relays'" },
		{ "host = h\n", ":1: key 'host' outside any [account NAME] section" },
		{ "[server a]\n", ":1: unknown section [server a]" },
		{ "[account a]\nuser = u\n", ":1: [account a] needs 'host'" },
		{ "[account a]\nhost = h\n[account b]\n", ":1: [account a] needs 'user'" },
		{ "[account a]\nhost = h\nuser = u\n[account a]\n",
		    ":4: account 'a' defined twice" },
		{ "[account a]\nhost = h\nuser = u\npassword_cmd = x\n"
		    "password_file = y\n", "has both password_cmd and password_file" },
		{ "[account a]\njust words\n", ":2: expected key = value" },
		{ "# nothing\n", "no [account NAME] section" },
		{ "[ui]\nbindd = x\n[account a]\nhost = h\nuser = u\n",
		    ":2: unknown key 'bindd' in [ui] (bind, color)" },
		{ "[account a]\nhost = h\n[ui]\n", ":1: [account a] needs 'user'" },
	};

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		struct ndr_config cfg;
		const char *e = load(t[i].text, &cfg);
		ck_assert_msg(strstr(e, t[i].want) != NULL,
		    "case %zu: got \"%s\", want \"%s\"", i, e, t[i].want);
		ck_assert_msg(strncmp(e, "/tmp/ndrsweep-test-", 19) == 0,
		    "case %zu: no file name in \"%s\"", i, e);
		ck_assert_ptr_null(strchr(e, '\n'));
		ck_assert_int_eq(cfg.naccounts, 0);
	}
}
END_TEST

START_TEST(test_missing_file)
{
	struct ndr_config cfg;
	char err[256];

	ck_assert_int_eq(ndr_config_load("/nonexistent/ndrsweep/config", &cfg,
	    err, sizeof err), -1);
	ck_assert_str_eq(err, "/nonexistent/ndrsweep/config: No such file "
	    "or directory");
}
END_TEST

START_TEST(test_default_path_follows_xdg)
{
	char *p;

	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	p = ndr_config_default_path();
	ck_assert_str_eq(p, "/xdg/ndrsweep/config");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/alice", 1);
	p = ndr_config_default_path();
	ck_assert_str_eq(p, "/home/alice/.config/ndrsweep/config");
	free(p);
}
END_TEST

START_TEST(test_password_cmd)
{
	struct ndr_account a = { .name = "a", .user = "u", .host = "h" };
	char err[256], *p;

	a.password_cmd = "printf 's3cret pass\\n'";
	p = ndr_password(&a, err, sizeof err);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "s3cret pass");	/* the newline is gone */
	ndr_password_free(p);

	a.password_cmd = "echo leaked; exit 3";
	ck_assert_ptr_null(ndr_password(&a, err, sizeof err));
	ck_assert_str_eq(err, "password_cmd for account 'a' failed "
	    "(exit status 3)");
	ck_assert_ptr_null(strstr(err, "leaked"));	/* no secret shown */

	a.password_cmd = "true";
	ck_assert_ptr_null(ndr_password(&a, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "printed nothing"));
}
END_TEST

START_TEST(test_password_file_must_be_private)
{
	struct ndr_account a = { .name = "a", .user = "u", .host = "h" };
	char err[256], *p;

	write_file("hunter2\n", 0644);
	a.password_file = path;
	ck_assert_ptr_null(ndr_password(&a, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "refused"));
	ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
	chmod(path, 0600);
	p = ndr_password(&a, err, sizeof err);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "hunter2");
	ndr_password_free(p);
	unlink(path);
}
END_TEST

START_TEST(test_password_file_fifo_refused_not_waited_on)
{
	struct ndr_account a = { .name = "a", .user = "u", .host = "h" };
	char err[256], fifo[] = "/tmp/ndrsweep-fifo-XXXXXX";
	int fd = mkstemp(fifo);

	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	a.password_file = fifo;
	/* no writer ever comes: a blocking open would hang the test (and
	 * Check's timeout would fail it) */
	ck_assert_ptr_null(ndr_password(&a, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	unlink(fifo);
}
END_TEST

START_TEST(test_timeout_key)
{
	struct ndr_config cfg;
	char err[256];

	write_file("[account a]\nhost = h\nuser = u\n", 0600);
	ck_assert_int_eq(ndr_config_load(path, &cfg, err, sizeof err), 0);
	ck_assert_uint_eq(cfg.accounts[0].timeout, NDR_TIMEOUT_DEFAULT);
	ndr_config_free(&cfg);
	write_file("[account a]\nhost = h\nuser = u\ntimeout = 7\n", 0600);
	ck_assert_int_eq(ndr_config_load(path, &cfg, err, sizeof err), 0);
	ck_assert_uint_eq(cfg.accounts[0].timeout, 7);
	ndr_config_free(&cfg);
	unlink(path);
}
END_TEST

/* [ui] lines are kept, with their line numbers, for the interface; an
 * account after [ui] is an account again */
START_TEST(test_ui_section)
{
	struct ndr_config cfg;
	const char *e = load("[account a]\nhost = h\nuser = u\n[ui]\n"
	    "bind = messages Q quarantine\ncolor = legit  cyan   # mine\n"
	    "[account b]\nhost = h2\nuser = u2\n", &cfg);

	ck_assert_str_eq(e, "");
	ck_assert_uint_eq(cfg.naccounts, 2);
	ck_assert_str_eq(cfg.accounts[1].host, "h2");
	ck_assert_uint_eq(cfg.ui.n, 2);
	ck_assert_str_eq(cfg.ui.v[0], "5 bind messages Q quarantine");
	ck_assert_str_eq(cfg.ui.v[1], "6 color legit  cyan");
	ndr_config_free(&cfg);
}
END_TEST

/* [defaults] gives every account its keys, wherever it stands; an
 * account's own section overrides them; users_cmd makes an account of
 * each user it prints, user = the line */
START_TEST(test_defaults_and_users_cmd)
{
	struct ndr_config cfg;
	const char *e = load(
	    "[account boss]\nuser = ceo\nthreshold = 0.95\n"
	    "[defaults]\nhost = imap.example.org\nmaster_user = admin\n"
	    "master_separator = *\npassword_file = /etc/ndr/master\n"
	    "threshold = 0.8\nclassifier = shared\n"
	    "users_cmd = printf 'bob\\n\\n# a comment\\ncarol@example.org\\n"
	    "boss\\nbob\\n'\n", &cfg);

	ck_assert_str_eq(e, "");
	ck_assert_uint_eq(cfg.naccounts, 3);	/* boss, bob, carol */
	const struct ndr_account *b = &cfg.accounts[0];
	ck_assert_str_eq(b->name, "boss");
	ck_assert_str_eq(b->user, "ceo");	/* its section says */
	ck_assert_str_eq(b->host, "imap.example.org");
	ck_assert(b->threshold == 0.95);
	ck_assert_str_eq(cfg.accounts[1].name, "bob");
	ck_assert_str_eq(cfg.accounts[1].user, "bob");
	ck_assert(cfg.accounts[1].generated);
	ck_assert(cfg.accounts[1].threshold == 0.8);
	ck_assert_str_eq(cfg.accounts[1].master_user, "admin");
	ck_assert_int_eq(cfg.accounts[1].master_separator, '*');
	ck_assert(cfg.accounts[1].shared_classifier);
	ck_assert_str_eq(cfg.accounts[2].user, "carol@example.org");
	ck_assert_str_eq(cfg.accounts[2].password_file, "/etc/ndr/master");
	ndr_config_free(&cfg);

	/* a failing users_cmd fails the file: no account is half made */
	e = load("[defaults]\nhost = h\nusers_cmd = exit 4\n", &cfg);
	ck_assert_ptr_nonnull(strstr(e, "users_cmd failed (exit status 4)"));
	e = load("[defaults]\nhost = h\nnot_a_key = 1\n[account a]\nuser = u\n",
	    &cfg);
	ck_assert_ptr_nonnull(strstr(e, ":3: unknown key 'not_a_key' in "
	    "[defaults]"));
	e = load("[account a]\nhost = h\nuser = u\nusers_cmd = x\n", &cfg);
	ck_assert_ptr_nonnull(strstr(e, ":4: unknown key 'users_cmd'"));
	e = load("[defaults]\nhost = h\nmaster_separator = ab\n", &cfg);
	ck_assert_ptr_nonnull(strstr(e, "bad value for 'master_separator'"));
}
END_TEST

/* For --all, one account's mistake is that account's: the others load,
 * and asking for the broken one gives its line */
START_TEST(test_load_all_keeps_going)
{
	struct ndr_config cfg;
	char err[512];
	const char *text =
	    "[defaults]\nhost = h\n"
	    "[account a]\nuser = u\nport = 99999\n"
	    "[account b]\nuser = v\n"
	    "[account c]\nport = 143\n"
	    "[defaults]\nusers_cmd = echo 'd/../../x'\n";

	write_file(text, 0600);
	/* the plain load still refuses the file */
	ck_assert_int_eq(ndr_config_load(path, &cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":5: bad value for 'port'"));
	ck_assert_int_eq(ndr_config_load_all(path, &cfg, err, sizeof err), 0);
	unlink(path);
	ck_assert_uint_eq(cfg.naccounts, 4);
	ck_assert_ptr_nonnull(strstr(cfg.accounts[0].error, ":5: bad value "
	    "for 'port'"));
	ck_assert_ptr_null(cfg.accounts[1].error);
	ck_assert_ptr_nonnull(strstr(cfg.accounts[2].error, "needs 'user'"));
	ck_assert_ptr_nonnull(strstr(cfg.accounts[3].error, "cannot name an "
	    "account"));
	ck_assert_ptr_null(ndr_config_account(&cfg, "a", err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "bad value for 'port'"));
	ck_assert_ptr_eq(ndr_config_account(&cfg, "b", err, sizeof err),
	    &cfg.accounts[1]);
	ndr_config_free(&cfg);
	/* the only account, broken: its line, not the account */
	write_file("[account a]\nhost = h\nuser = u\ncolour = blue\n", 0600);
	ck_assert_int_eq(ndr_config_load_all(path, &cfg, err, sizeof err), 0);
	unlink(path);
	ck_assert_ptr_null(ndr_config_account(&cfg, NULL, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, ":4: unknown key 'colour'"));
	ndr_config_free(&cfg);
}
END_TEST

/* password_cmd knows which account asks (one command in [defaults]) */
START_TEST(test_password_cmd_knows_the_account)
{
	struct ndr_account a = { .name = "bob", .user = "bob@x", .host = "h" };
	char err[256], *p;

	a.password_cmd = "echo \"$NDRSWEEP_ACCOUNT:$NDRSWEEP_USER\"";
	p = ndr_password(&a, err, sizeof err);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "bob:bob@x");
	ndr_password_free(p);
}
END_TEST

CHECK_MAIN_CASES("config",
	{ "file", TESTS(test_full_account,
	    test_errors_name_file_line_and_key, test_missing_file,
	    test_default_path_follows_xdg, test_password_cmd,
	    test_password_file_must_be_private,
	    test_password_file_fifo_refused_not_waited_on, test_timeout_key,
	    test_ui_section, test_defaults_and_users_cmd,
	    test_load_all_keeps_going, test_password_cmd_knows_the_account),
	    NULL, NULL, 0 });
