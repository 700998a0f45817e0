# tests/dovecot.inc.sh - a private Dovecot for the tests (sourced by bash).
#
#   . tests/dovecot.inc.sh
#   dc_start              # sets DC_DIR DC_PORT DC_TLS_PORT DC_CA DC_USER DC_PASS
#   dc_append USER FOLDER FILE...
#   dc_stop               # also run by the EXIT trap dc_start sets
#   DC_CONF_EXTRA         lines added to dovecot.conf by dc_start (a bench's
#                         limits)
#
# Everything lives in one temporary folder: configuration, a CA made for
# the run, the server's certificate (for "localhost" and 127.0.0.1), the
# users' Maildirs, logs and sockets. Dovecot listens on 127.0.0.1 only, on
# ports picked free. As root, the login processes run as dovenull and the
# mail as nobody (first_valid_uid lets it); as another user, as that user.
# Nothing outside the folder is read or written, and dc_stop removes it.

dc_die() { echo "dovecot harness: $*" >&2; exit 1; }

# A TCP port nobody listens on, from 20000-31999: below Linux's ephemeral
# range (32768 up), where the local end of any outgoing connection may
# hold a port nobody listens on (CI saw Dovecot refused 33886 so: "Address
# already in use").
dc_free_port() {
	_p=$(( 20000 + ($$ * 7 + ${1:-0} * 131 + $(date +%N | sed 's/^0*//;s/^$/0/') % 9000) % 12000 ))
	while (exec 3<>"/dev/tcp/127.0.0.1/$_p") 2>/dev/null; do
		_p=$(( 20000 + (_p - 20000 + 1) % 12000 ))
	done
	echo "$_p"
}

# dc_cert NAME DAYS_FROM DAYS_TO [SAN]: a certificate signed by the run's
# CA for SAN (default localhost and 127.0.0.1), valid from DAYS_FROM to
# DAYS_TO days from now.
dc_cert() {
	_n=$1 _san=${4:-DNS:localhost,IP:127.0.0.1}
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	    -keyout "$DC_DIR/$_n.key" -out "$DC_DIR/$_n.csr" 2>/dev/null ||
	    dc_die "openssl req failed"
	printf 'subjectAltName=%s\n' "$_san" >"$DC_DIR/$_n.ext"
	if [ "${2:-0}" -lt 0 ]; then
		# an expired certificate: openssl x509 cannot backdate, ca can
		mkdir -p "$DC_DIR/ca.db"
		: >"$DC_DIR/ca.db/index"
		echo 01 >"$DC_DIR/ca.db/serial"
		cat >"$DC_DIR/ca.cnf" <<EOF
[ca]
default_ca = c
[c]
database = $DC_DIR/ca.db/index
serial = $DC_DIR/ca.db/serial
new_certs_dir = $DC_DIR/ca.db
default_md = sha256
policy = p
copy_extensions = copy
[p]
commonName = supplied
EOF
		openssl ca -batch -config "$DC_DIR/ca.cnf" -cert "$DC_CA" \
		    -keyfile "$DC_DIR/ca.key" -in "$DC_DIR/$_n.csr" \
		    -out "$DC_DIR/$_n.crt" -extfile "$DC_DIR/$_n.ext" \
		    -startdate "$(date -u -d "$2 days" +%Y%m%d%H%M%SZ)" \
		    -enddate "$(date -u -d "$3 days" +%Y%m%d%H%M%SZ)" \
		    >/dev/null 2>&1 || dc_die "openssl ca failed"
	else
		openssl x509 -req -in "$DC_DIR/$_n.csr" -CA "$DC_CA" \
		    -CAkey "$DC_DIR/ca.key" -CAcreateserial -days "${3:-30}" \
		    -extfile "$DC_DIR/$_n.ext" -out "$DC_DIR/$_n.crt" \
		    2>/dev/null || dc_die "openssl x509 failed"
	fi
}

dc_start() {
	command -v dovecot >/dev/null ||
		dc_die "dovecot missing: apt-get install -y dovecot-imapd"
	command -v openssl >/dev/null ||
		dc_die "openssl missing: apt-get install -y openssl"
	DC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ndrsweep-dovecot.XXXXXX")
	chmod 755 "$DC_DIR"
	trap dc_stop EXIT
	trap 'exit 130' INT TERM HUP
	DC_USER=alice DC_PASS=correct-horse-battery
	DC_PORT=$(dc_free_port 1)
	DC_TLS_PORT=$(dc_free_port 2)
	[ "$DC_TLS_PORT" = "$DC_PORT" ] && DC_TLS_PORT=$((DC_PORT + 1))
	# LMTP (delivery as a mail server does it, Sieve filters applied)
	# where dovecot-lmtpd is installed; DC_LMTP_PORT empty otherwise
	DC_LMTP_PORT= _protocols=imap _lmtp=
	if [ -x /usr/lib/dovecot/lmtp ]; then
		DC_LMTP_PORT=$(dc_free_port 3)
		while [ "$DC_LMTP_PORT" = "$DC_PORT" ] ||
		    [ "$DC_LMTP_PORT" = "$DC_TLS_PORT" ]; do
			DC_LMTP_PORT=$((DC_LMTP_PORT + 1))
		done
		_protocols="imap lmtp"
		_lmtp="service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $DC_LMTP_PORT
  }
}
lmtp_save_to_detail_mailbox = no
"
	fi
	# ManageSieve, and Sieve at delivery, where Pigeonhole is installed
	DC_SIEVE_PORT=
	if [ -n "$DC_LMTP_PORT" ] && [ -x /usr/lib/dovecot/managesieve ]; then
		DC_SIEVE_PORT=$(dc_free_port 4)
		while [ "$DC_SIEVE_PORT" = "$DC_PORT" ] ||
		    [ "$DC_SIEVE_PORT" = "$DC_TLS_PORT" ] ||
		    [ "$DC_SIEVE_PORT" = "$DC_LMTP_PORT" ]; do
			DC_SIEVE_PORT=$((DC_SIEVE_PORT + 1))
		done
		_protocols="$_protocols sieve"
		_lmtp="$_lmtp
protocol lmtp {
  mail_plugins = \$mail_plugins sieve
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
}
service managesieve-login {
  inet_listener sieve {
    address = 127.0.0.1
    port = $DC_SIEVE_PORT
  }
}
"
	fi

	# COMPRESS=DEFLATE (RFC 4978) offered where the plugin is installed
	# (Debian's dovecot-core has it)
	_zlib=
	if [ -e /usr/lib/dovecot/modules/lib30_imap_zlib_plugin.so ]; then
		_zlib="protocol imap {
  mail_plugins = \$mail_plugins zlib imap_zlib
}"
	fi

	if [ "$(id -u)" = 0 ]; then
		mail_user=nobody login_user=dovenull internal_user=dovecot
		getent passwd dovenull >/dev/null || login_user=nobody
		getent passwd dovecot >/dev/null || internal_user=nobody
	else
		mail_user=$(id -un) login_user=$mail_user internal_user=$mail_user
	fi
	mail_uid=$(id -u "$mail_user") mail_gid=$(id -g "$mail_user")

	# the CA of this run and the server's certificate
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
	    -subj "/CN=ndrsweep test CA" -keyout "$DC_DIR/ca.key" \
	    -out "$DC_DIR/ca.crt" 2>/dev/null || dc_die "openssl CA failed"
	DC_CA=$DC_DIR/ca.crt
	dc_cert good 0 30	# "good" stays; server.* is what Dovecot shows
	cp "$DC_DIR/good.crt" "$DC_DIR/server.crt"
	cp "$DC_DIR/good.key" "$DC_DIR/server.key"

	mkdir -p "$DC_DIR/run" "$DC_DIR/mail"
	printf '%s:{PLAIN}%s:%s:%s::%s/mail/%s\n' "$DC_USER" "$DC_PASS" \
	    "$mail_uid" "$mail_gid" "$DC_DIR" "$DC_USER" >"$DC_DIR/passwd"
	chmod 644 "$DC_DIR/passwd"
	: >"$DC_DIR/masters"	# master users (dc_master)
	chmod 644 "$DC_DIR/masters"
	chown "$mail_uid:$mail_gid" "$DC_DIR/mail"

	cat >"$DC_DIR/dovecot.conf" <<EOF
base_dir = $DC_DIR/run
state_dir = $DC_DIR/run/state
instance_name = ndrsweep-test-$$
protocols = $_protocols
listen = 127.0.0.1
log_path = $DC_DIR/dovecot.log
info_log_path = $DC_DIR/dovecot.log
default_login_user = $login_user
default_internal_user = $internal_user
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
}
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login
auth_master_user_separator = *
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DC_DIR/masters
  master = yes
  pass = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DC_DIR/passwd
}
userdb {
  driver = passwd-file
  args = $DC_DIR/passwd
}
ssl = yes
ssl_cert = <$DC_DIR/server.crt
ssl_key = <$DC_DIR/server.key
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DC_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $DC_TLS_PORT
    ssl = yes
  }
}
service anvil {
  chroot =
}
$_lmtp
$_zlib
service imap-login {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
${DC_CONF_EXTRA:-}
EOF
	# in the foreground of its own process group, so that dc_stop ends
	# every process of it at once (a TERM to the master takes seconds)
	setsid dovecot -F -c "$DC_DIR/dovecot.conf" 2>"$DC_DIR/start.err" &
	DC_PGID=$!
	# ready when both ports answer
	_i=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$DC_PORT") 2>/dev/null &&
	    (exec 3<>"/dev/tcp/127.0.0.1/$DC_TLS_PORT") 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ] || ! kill -0 "$DC_PGID" 2>/dev/null; then
			cat "$DC_DIR/start.err" "$DC_DIR/dovecot.log" >&2 2>/dev/null
			dc_die "dovecot did not start"
		fi
		sleep 0.1
	done
	if [ -n "$DC_LMTP_PORT" ]; then
		until (exec 3<>"/dev/tcp/127.0.0.1/$DC_LMTP_PORT") 2>/dev/null; do
			sleep 0.1
		done
	fi
	if [ -n "$DC_SIEVE_PORT" ]; then
		until (exec 3<>"/dev/tcp/127.0.0.1/$DC_SIEVE_PORT") 2>/dev/null; do
			sleep 0.1
		done
	fi
	export DC_DIR DC_PORT DC_TLS_PORT DC_LMTP_PORT DC_SIEVE_PORT DC_CA \
	    DC_USER DC_PASS
}

# dc_bg OUT CMD...: CMD in the background (its pid in DC_BG), what it
# prints in OUT; back once it has printed "ready" (the tests' proxies).
dc_bg() {
	_out=$1
	shift
	"$@" >"$_out" 2>&1 &
	DC_BG=$!
	for _ in $(seq 50); do
		grep -q ready "$_out" 2>/dev/null && return 0
		sleep 0.1
	done
}

# dc_use_cert NAME: the server presents certificate NAME from now on.
dc_use_cert() {
	cp "$DC_DIR/$1.crt" "$DC_DIR/server.crt"
	cp "$DC_DIR/$1.key" "$DC_DIR/server.key"
	doveadm -c "$DC_DIR/dovecot.conf" reload || dc_die "reload failed"
	sleep 0.3	# the login processes restart
}

# dc_config FILE NAME KEY=VALUE...: an ndrsweep configuration with one
# account on this server (host, user and a password file made for it),
# then the keys given, in order.
dc_config() {
	_f=$1 _n=$2
	shift 2
	printf '%s\n' "$DC_PASS" >"$DC_DIR/pw"
	chmod 600 "$DC_DIR/pw"
	{
		echo "[account $_n]"
		echo "host = 127.0.0.1"
		echo "user = $DC_USER"
		echo "password_file = $DC_DIR/pw"
		for _kv in "$@"; do echo "${_kv%%=*} = ${_kv#*=}"; done
	} >"$_f"
}

# dc_add_user NAME [PASS]: another user of the server (its password
# PASS, default the test user's). Dovecot reads the file again by itself.
dc_add_user() {
	printf '%s:{PLAIN}%s:%s:%s::%s/mail/%s\n' "$1" "${2:-$DC_PASS}" \
	    "$mail_uid" "$mail_gid" "$DC_DIR" "$1" >>"$DC_DIR/passwd"
}

# dc_master NAME PASS: a master user, who may log in as any user (SASL
# PLAIN with an authorization identity, or LOGIN as user*NAME).
dc_master() {
	printf '%s:{PLAIN}%s\n' "$1" "$2" >>"$DC_DIR/masters"
}

# dc_capability CAPS...: what the server says it can do after login, from
# now on (Dovecot's imap_capability: a whole list replaces its own).
dc_capability() {
	sed -i '/^imap_capability = /d' "$DC_DIR/dovecot.conf"
	echo "imap_capability = $*" >>"$DC_DIR/dovecot.conf"
	doveadm -c "$DC_DIR/dovecot.conf" reload || dc_die "reload failed"
	sleep 0.3
}

# dc_count FOLDER: how many messages the test user's folder holds (no
# such folder: -).
dc_count() {
	_line=$(doveadm -c "$DC_DIR/dovecot.conf" mailbox status -u "$DC_USER" \
	    messages "$1" 2>/dev/null) || { echo -; return 0; }
	echo "${_line##*messages=}"
}

# dc_append USER FOLDER FILE...: deliver messages as they are, through
# doveadm (the folder is created when missing).
dc_append() {
	_u=$1 _f=$2
	shift 2
	doveadm -c "$DC_DIR/dovecot.conf" mailbox create -u "$_u" "$_f" \
	    2>/dev/null || true
	for _m in "$@"; do
		doveadm -c "$DC_DIR/dovecot.conf" save -u "$_u" -m "$_f" <"$_m" ||
		    dc_die "doveadm save $_m failed"
	done
}

dc_stop() {
	[ -n "${DC_DIR:-}" ] && [ -d "$DC_DIR" ] || return 0
	if [ -n "${DC_PGID:-}" ]; then
		kill -TERM -- "-$DC_PGID" 2>/dev/null || true
		_i=0
		while kill -0 -- "-$DC_PGID" 2>/dev/null && [ "$_i" -lt 5 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -KILL -- "-$DC_PGID" 2>/dev/null || true
		wait "$DC_PGID" 2>/dev/null || true
		DC_PGID=
	fi
	[ -n "${DC_KEEP:-}" ] && { echo "dovecot harness: kept $DC_DIR" >&2; return 0; }
	rm -rf "$DC_DIR"
	DC_DIR=
}
