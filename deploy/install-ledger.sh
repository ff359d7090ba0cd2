#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Installs the time-bank ledger service on a Debian server (bookworm): the `timebank-ledger`
# user, a venv in /opt/timebank-ledger, settings in /etc/timebank-ledger/ledger.env, SQLite data
# in /var/lib/timebank-ledger (or PostgreSQL with --db-stdin), the schema migrations, the systemd
# unit. A database URL with a password never goes on a command line (ps shows those to everyone):
# it is read from standard input or the environment, and handed on in files and the environment.
# Safe to run again (an upgrade: migrations run, an edited ledger.env is kept).
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
usage: sudo deploy/install-ledger.sh [options]

  --db URL          SQLAlchemy URL of the ledger database without a password, e.g.
                    postgresql+psycopg://ledger@db.example/timebank
                    (default: SQLite at /var/lib/timebank-ledger/ledger.db)
  --db-stdin        read the URL from standard input: asked for without echo on a
                    terminal, else the first line (for a URL with a PASSWORD:
                    postgresql+psycopg://ledger:PASSWORD@db.example/timebank);
                    $TIMEBANK_LEDGER_DB, when set, is taken the same way
  --host H          address the API listens on (default 127.0.0.1: behind a TLS proxy)
  --port P          port the API listens on (default 8765)
  --proxy NAME      also put nginx in front (Debian's nginx-light): HTTPS on port 443 for
                    the host NAME, with the limits of deploy/nginx (docs/deploy-ledger.md)
  --cert FILE       the proxy's certificate chain
                    (default /etc/letsencrypt/live/NAME/fullchain.pem)
  --cert-key FILE   its private key (default /etc/letsencrypt/live/NAME/privkey.pem)
  --wheel FILE      install this timebank_kiosk wheel instead of the repository checkout
  --wheelhouse DIR  take every package from this folder of wheels (no internet needed)
  --no-deps         install the package only, not its dependencies (scratch installs)
  --python PY       the Python to build the venv with (default: python3)
  --no-start        enable the service but do not start it now
  --root DIR        install into DIR as if it were /; skips apt, users, migrations, systemctl
  -h, --help        this text
EOF_USAGE
}

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=install-common.sh
. "$REPO/deploy/install-common.sh"

DB=${TIMEBANK_LEDGER_DB:-}
DB_STDIN=0
HOST=127.0.0.1
PORT=8765
PROXY=""
CERT=""
CERT_KEY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --db) DB=${2:?--db needs a URL}; shift 2
            # user:password@ in the URL; checked with bash itself, never by another command.
            if [[ "$DB" =~ ^[^/]*://[^/@]*:[^/@]*@ ]]; then
                die "--db: a password on the command line is shown by ps to every user;" \
                    "give the URL on standard input with --db-stdin"
            fi ;;
        --db-stdin) DB_STDIN=1; shift ;;
        --host) HOST=${2:?--host needs an address}; shift 2 ;;
        --port) PORT=${2:?--port needs a number}; shift 2 ;;
        --proxy) PROXY=${2:?--proxy needs the host name}; shift 2 ;;
        --cert) CERT=${2:?--cert needs a file}; shift 2 ;;
        --cert-key) CERT_KEY=${2:?--cert-key needs a file}; shift 2 ;;
        *) common_option "$@"; shift "$TAKEN" ;;
    esac
done
check_common_options
case "$PORT" in '' | *[!0-9]*) die "--port must be a number, not '$PORT'" ;; esac
if [ -n "$PROXY" ]; then
    # The ledger believes X-Forwarded-* from 127.0.0.1 only: the proxy must be its only door.
    [ "$HOST" = 127.0.0.1 ] || die "--proxy: the ledger must listen on 127.0.0.1, not $HOST"
    CERT=${CERT:-/etc/letsencrypt/live/$PROXY/fullchain.pem}
    CERT_KEY=${CERT_KEY:-/etc/letsencrypt/live/$PROXY/privkey.pem}
    if [ -z "$ROOT" ] && { [ ! -r "$CERT" ] || [ ! -r "$CERT_KEY" ]; }; then
        die "--proxy: no certificate at $CERT and $CERT_KEY; get one first" \
            "(docs/deploy-ledger.md, or give --cert and --cert-key)"
    fi
elif [ -n "$CERT$CERT_KEY" ]; then
    die "--cert and --cert-key go with --proxy NAME"
fi
if [ "$DB_STDIN" -eq 1 ]; then
    if [ -t 0 ]; then
        read -rs -p "ledger database URL (not shown): " DB
        echo
    else
        IFS= read -r DB || [ -n "$DB" ] || die "--db-stdin: no URL on standard input"
    fi
fi
case "$DB" in
    '' | sqlite:///* | postgresql*://*) ;;
    # Not echoed: it may hold a password.
    *) die "--db must be sqlite:///PATH or postgresql+psycopg://... (the URL given is not)" ;;
esac

USER_NAME=timebank-ledger
PREFIX=$ROOT/opt/timebank-ledger
ETC=$ROOT/etc/timebank-ledger
DATA=$ROOT/var/lib/timebank-ledger
DB=${DB:-sqlite:////var/lib/timebank-ledger/ledger.db}

if [ -z "$ROOT" ]; then
    say "installing Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    PACKAGES=(python3 python3-venv systemd-timesyncd)
    if [ -n "$PROXY" ]; then PACKAGES+=(nginx-light); fi
    apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
    ensure_system_user "$USER_NAME" /var/lib/timebank-ledger
fi

make_dir 0755 root:root "$PREFIX"
make_dir 0750 "root:$USER_NAME" "$ETC"
# The ledger's data (members' TOTP secrets) is the service user's alone.
make_dir 0700 "$USER_NAME:$USER_NAME" "$DATA"
install_venv "$PREFIX/venv" "$REPO" "[ledger]"
install_file 0644 root:root "$REPO/docs/technician-guide.md" "$PREFIX/share/technician-guide.md"
for guide in office-guide office-guide-goods office-guide-fleet office-guide-members; do
    install_file 0644 root:root "$REPO/docs/$guide.md" "$PREFIX/share/$guide.md"
done

# ledger.env is read by systemd (as root) before it drops to the service user; a PostgreSQL
# URL holds a password, so it is root's alone. Written once; later runs change only the URL, and
# only when one was given.
ENV_FILE=$ETC/ledger.env
set_env_db() { # FILE — its TIMEBANK_LEDGER_DB line set to $DB, every other line kept. Only bash
    # builtins see the URL: a command's arguments would show it in ps.
    local line tmp="$1.tmp.$$"
    (
        umask 077
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in
                TIMEBANK_LEDGER_DB=*) printf 'TIMEBANK_LEDGER_DB=%s\n' "$DB" ;;
                *) printf '%s\n' "$line" ;;
            esac
        done <"$1" >"$tmp"
    )
    mv -f "$tmp" "$1"
}
if [ ! -f "$ENV_FILE" ]; then
    umask 077
    cat >"$ENV_FILE" <<EOF_ENV
# Settings of timebank-ledger.service (see deploy/install-ledger.sh --help).
TIMEBANK_LEDGER_DB=$DB
TIMEBANK_LEDGER_HOST=$HOST
TIMEBANK_LEDGER_PORT=$PORT
EOF_ENV
    umask 022
    say "wrote $ENV_FILE"
elif [ "$DB" != "sqlite:////var/lib/timebank-ledger/ledger.db" ]; then
    set_env_db "$ENV_FILE"
    say "set TIMEBANK_LEDGER_DB in $ENV_FILE"
fi
set_mode 0600 root:root "$ENV_FILE"

install_file 0644 root:root "$REPO/deploy/systemd/timebank-ledger.service" \
    "$ROOT/etc/systemd/system/timebank-ledger.service"
for unit in timebank-ledger-lot-summary.service timebank-ledger-lot-summary.timer \
    timebank-ledger-grant.service timebank-ledger-grant.timer; do
    install_file 0644 root:root "$REPO/deploy/systemd/$unit" "$ROOT/etc/systemd/system/$unit"
done
install_file 0644 root:root "$REPO/deploy/systemd/systemd-time-wait-sync.service.d/timebank.conf" \
    "$ROOT/etc/systemd/system/systemd-time-wait-sync.service.d/timebank.conf"
install_config 0644 root:root "$REPO/deploy/timesyncd/timebank-kiosk.conf" \
    "$ROOT/etc/systemd/timesyncd.conf.d/timebank-kiosk.conf"

if [ -n "$PROXY" ]; then
    # The site, rendered for this host and the ledger's port (as ledger.env says now).
    SITE=$ROOT/etc/nginx/conf.d/timebank-ledger.conf
    PORT_NOW=$(sed -n 's/^TIMEBANK_LEDGER_PORT=//p' "$ENV_FILE")
    mkdir -p "$(dirname "$SITE")"
    bash "$REPO/deploy/nginx/render-ledger-proxy.sh" --server-name "$PROXY" --cert "$CERT" \
        --cert-key "$CERT_KEY" --upstream "127.0.0.1:${PORT_NOW:-$PORT}" >"$SITE.new.$$"
    install_file 0644 root:root "$SITE.new.$$" "$SITE"
    rm -f "$SITE.new.$$"
    say "installed $SITE"
    # Debian's 768 connections a worker would let 1,100 half-sent requests lock nginx out too;
    # the header timeout closes them, this gives room until it does.
    MAIN=$ROOT/etc/nginx/nginx.conf
    if [ -f "$MAIN" ] && grep -Eq '^\s*worker_connections\s+([0-9]{1,3}|[0-3][0-9]{3});' "$MAIN"; then
        sed -i -E 's/^(\s*)worker_connections\s+[0-9]+;/\1worker_connections 4096;/' "$MAIN"
        grep -q '^worker_rlimit_nofile' "$MAIN" || sed -i '1i worker_rlimit_nofile 8192;' "$MAIN"
        say "raised worker_connections to 4096 in $MAIN"
    fi
fi

if [ -n "$ROOT" ]; then
    say "installed into $ROOT (no packages, users, migrations or services touched)"
    exit 0
fi

# The schema and its migrations, as the service user, with the URL the service will use: in
# the environment (runuser passes it on), as the service gets it, not on a command line.
DB_NOW=$(sed -n 's/^TIMEBANK_LEDGER_DB=//p' "$ENV_FILE")
say "bringing the database schema up to date"
TIMEBANK_LEDGER_DB=$DB_NOW TIMEBANK_LEDGER_HOME=$DATA runuser -u "$USER_NAME" -- \
    "$PREFIX/venv/bin/timebank-ledger" init

systemctl daemon-reload
systemctl enable --now systemd-timesyncd.service
systemctl enable systemd-time-wait-sync.service
systemctl enable timebank-ledger.service
systemctl enable --now timebank-ledger-lot-summary.timer
systemctl enable --now timebank-ledger-grant.timer
if [ "$START" -eq 1 ]; then
    systemctl restart timebank-ledger.service
    say "started; follow it with: journalctl -u timebank-ledger -f"
fi
if [ -n "$PROXY" ]; then
    nginx -t -q
    systemctl enable nginx.service
    systemctl reload-or-restart nginx.service
    say "nginx serves https://$PROXY/ in front of the ledger"
fi
case "$DB_NOW" in
    sqlite:*) say "next: add kiosks with: sudo -u $USER_NAME env TIMEBANK_LEDGER_HOME=$DATA" \
        "$PREFIX/venv/bin/timebank-ledger kiosk add --name NAME" ;;
    *) say "next: add kiosks with: sudo $PREFIX/venv/bin/timebank-ledger --db-file $ENV_FILE" \
        "kiosk add --name NAME" ;;
esac
