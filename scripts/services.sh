#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1 for the tests: start them if installed and
# stopped, install them with apt when absent and we are root, otherwise explain what is missing.
source "$(dirname "$0")/common.sh"

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

apt_install() {
  [ "$(id -u)" = 0 ] || die "$1 is not installed and this is not root: install $*, then run make test again"
  say "Installing $* with apt"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() {  # wait_for NAME CHECK
  for _ in $(seq 1 30); do "$2" && return 0; sleep 1; done
  die "$1 did not start on 127.0.0.1; check its logs"
}

ensure_postgres() {
  postgres_up && return 0
  command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
  say "Starting PostgreSQL"
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
    || pg_ctlcluster "$version" main start
  wait_for PostgreSQL postgres_up
  # The tests connect as postgres over TCP; allow it without a password on loopback only.
  if ! psql -h 127.0.0.1 -U postgres -d postgres -qAtc 'select 1' >/dev/null 2>&1; then
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null \
      || pg_ctlcluster "$version" main reload
  fi
}

ensure_redis() {
  redis_up && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  say "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir "${TMPDIR:-/tmp}" --logfile "${TMPDIR:-/tmp}/careers-triage-redis.log"
  wait_for Redis redis_up
}

ensure_postgres
ensure_redis
say "PostgreSQL and Redis are reachable"
