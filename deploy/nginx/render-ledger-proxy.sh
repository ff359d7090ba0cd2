#!/usr/bin/env bash
# Prints deploy/nginx/timebank-ledger.conf.in with its @NAME@ parameters filled in: the nginx
# server block that puts the ledger behind TLS. Used by install-ledger.sh --proxy and the tests.
set -euo pipefail

usage() {
    cat <<'EOF_USAGE'
usage: deploy/nginx/render-ledger-proxy.sh --server-name NAME --cert FILE --cert-key FILE [options]

  --server-name NAME      the ledger's host name, as in its certificate (ledger.example.org)
  --cert FILE             certificate chain (PEM), e.g. /etc/letsencrypt/live/NAME/fullchain.pem
  --cert-key FILE         its private key (PEM)
  --listen ADDR           where nginx listens for HTTPS (default 443)
  --upstream HOST:PORT    where the ledger listens (default 127.0.0.1:8765)
  --header-timeout T      a request's header must be in within T (default 10s)
  --body-timeout T        longest pause while a body arrives or an answer leaves (default 10s)
  --keepalive-timeout T   an idle kept-alive connection is closed after T (default 15s)
  --connections N         requests served at once per client address (default 32)
  --rate N                requests a second per client address (default 20)
  --burst N               requests above the rate let through at once (default 40)
EOF_USAGE
}

die() { echo "render-ledger-proxy: $*" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
SERVER_NAME='' CERT='' CERT_KEY='' LISTEN=443 UPSTREAM=127.0.0.1:8765
HEADER_TIMEOUT=10s BODY_TIMEOUT=10s KEEPALIVE_TIMEOUT=15s
CONNECTIONS=32 RATE=20 BURST=40
while [ $# -gt 0 ]; do
    [ "$1" = -h ] || [ "$1" = --help ] && { usage; exit 0; }
    [ $# -ge 2 ] || die "$1 needs a value (see --help)"
    case "$1" in
        --server-name) SERVER_NAME=$2 ;;
        --cert) CERT=$2 ;;
        --cert-key) CERT_KEY=$2 ;;
        --listen) LISTEN=$2 ;;
        --upstream) UPSTREAM=$2 ;;
        --header-timeout) HEADER_TIMEOUT=$2 ;;
        --body-timeout) BODY_TIMEOUT=$2 ;;
        --keepalive-timeout) KEEPALIVE_TIMEOUT=$2 ;;
        --connections) CONNECTIONS=$2 ;;
        --rate) RATE=$2 ;;
        --burst) BURST=$2 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift 2
done
[ -n "$SERVER_NAME" ] || die "--server-name is required"
[ -n "$CERT" ] || die "--cert is required"
[ -n "$CERT_KEY" ] || die "--cert-key is required"

# Each value lands inside an nginx directive: nothing that could end it or start another.
check() { # NAME VALUE PATTERN WHAT
    [[ "$2" =~ $3 ]] || die "$1 must be $4, not '$2'"
}
check --server-name "$SERVER_NAME" '^[A-Za-z0-9.*-]+( [A-Za-z0-9.*-]+)*$' "host names"
check --cert "$CERT" '^/[A-Za-z0-9._/+-]+$' "an absolute path"
check --cert-key "$CERT_KEY" '^/[A-Za-z0-9._/+-]+$' "an absolute path"
check --listen "$LISTEN" '^([0-9.]+:|\[[0-9a-fA-F:]+\]:)?[0-9]+$' "[ADDRESS:]PORT"
check --upstream "$UPSTREAM" '^[A-Za-z0-9.-]+:[0-9]+$|^\[[0-9a-fA-F:]+\]:[0-9]+$' "HOST:PORT"
for pair in "--header-timeout=$HEADER_TIMEOUT" "--body-timeout=$BODY_TIMEOUT" \
    "--keepalive-timeout=$KEEPALIVE_TIMEOUT"; do
    check "${pair%%=*}" "${pair#*=}" '^[0-9]+(ms|s|m)?$' "a time such as 10s"
done
for pair in "--connections=$CONNECTIONS" "--rate=$RATE" "--burst=$BURST"; do
    check "${pair%%=*}" "${pair#*=}" '^[1-9][0-9]*$' "a whole number above 0"
done

sed -e "s|@SERVER_NAME@|$SERVER_NAME|g" \
    -e "s|@CERT@|$CERT|g" \
    -e "s|@CERT_KEY@|$CERT_KEY|g" \
    -e "s|@LISTEN@|$LISTEN|g" \
    -e "s|@UPSTREAM@|$UPSTREAM|g" \
    -e "s|@HEADER_TIMEOUT@|$HEADER_TIMEOUT|g" \
    -e "s|@BODY_TIMEOUT@|$BODY_TIMEOUT|g" \
    -e "s|@KEEPALIVE_TIMEOUT@|$KEEPALIVE_TIMEOUT|g" \
    -e "s|@CONNECTIONS_PER_ADDRESS@|$CONNECTIONS|g" \
    -e "s|@REQUESTS_PER_SECOND@|$RATE|g" \
    -e "s|@BURST@|$BURST|g" \
    "$HERE/timebank-ledger.conf.in"
