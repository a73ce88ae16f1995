#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the server tests, the reliability suite and the bench.
#
#   scripts/pg.sh start [--fast]   installs Debian's postgresql when missing (as root), starts a
#                                  cluster in a new temp dir on a free loopback port, and prints
#                                  that dir; DIR/url holds the admin URL
#                                  (postgres://postgres@127.0.0.1:PORT/postgres).
#                                  --fast: fsync=off (tests only: a crash of the machine loses
#                                  data; a crash of link-server does not).
#   scripts/pg.sh stop DIR         stops it (immediate) and removes DIR.
#
# Typical use:  PG_DIR=$(scripts/pg.sh start); trap 'scripts/pg.sh stop "$PG_DIR"' EXIT
#               export LINK_TEST_POSTGRES_URL=$(cat "$PG_DIR/url")
# initdb refuses to run as root: as root the cluster runs as the `postgres` user (runuser).
set -euo pipefail

log() { printf '[pg] %s\n' "$*" >&2; }

pg_bin() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
    [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_if_missing() {
    if pg_bin >/dev/null; then return 0; fi
    if [ "$(id -u)" != 0 ]; then
        log "PostgreSQL is not installed and this is not root: apt-get install -y postgresql"
        exit 1
    fi
    log "installing Debian's postgresql (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
    # Debian starts a system cluster on 5432; the tests do not use it.
    pg_bin >/dev/null || { log "postgresql installed but no initdb found"; exit 1; }
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local fast=0
    [ "${1:-}" = "--fast" ] && fast=1
    install_if_missing
    local bin dir port opts
    bin="$(pg_bin)"
    dir="$(mktemp -d /tmp/link-pg.XXXXXX)"
    chmod 755 "$dir"
    mkdir "$dir/data"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" "$dir/data"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    for _ in 1 2 3; do
        port="$(free_port)"
        opts="-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=400"
        opts="$opts -c shared_buffers=64MB"
        [ "$fast" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$opts" start >/dev/null; then
            echo "postgres://postgres@127.0.0.1:$port/postgres" >"$dir/url"
            echo "$port" >"$dir/port"
            log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
            echo "$dir"
            return 0
        fi
        log "start on port $port failed; retrying"
    done
    tail -n 20 "$dir/server.log" >&2 || true
    exit 1
}

stop() {
    local dir="${1:?usage: pg.sh stop DIR}"
    [ -d "$dir/data" ] || return 0
    as_pg "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    case "$dir" in /tmp/link-pg.*) rm -rf "$dir" ;; esac
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    *) echo "usage: $0 start [--fast] | stop DIR" >&2; exit 2 ;;
esac
