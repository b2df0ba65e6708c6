#!/usr/bin/env bash
# A throwaway PostgreSQL server for intake's tests and CI.
#
#   eval "$(bash .ci/postgres.sh start)"   # prints export INTAKE_PG_URL=… INTAKE_PG_DATA=… INTAKE_PG_BIN=…
#   bash .ci/postgres.sh pgctl -m immediate stop   # pg_ctl -D $INTAKE_PG_DATA, as the cluster's owner
#   bash .ci/postgres.sh pgctl -w start            # same port and options as before (they live in postgresql.conf)
#   bash .ci/postgres.sh status                    # pg_ctl status (exit 3: not running)
#   bash .ci/postgres.sh stop                      # fast shutdown, then the whole temp folder is removed
#
# start: finds the newest /usr/lib/postgresql/*/bin (installing Debian's `postgresql` package with
# apt-get when there is none), makes a fresh folder with mktemp -d, initdb's it as `postgres` (as the
# current user when not run as root), trust auth, listening on 127.0.0.1 only, on INTAKE_PG_PORT
# (default 54329) or the next free port after it, unix socket and server log (postgres.log) in the temp
# folder, fsync off. Then it creates the database intake_test. Only the export lines go to stdout;
# progress and errors go to stderr.
#
# Capture the output before eval'ing it if you want a failure to stop a `set -e` script:
#   pg_env=$(bash .ci/postgres.sh start) && eval "$pg_env"
# (`eval "$(…)"` alone succeeds even when the command inside fails.)
set -euo pipefail

readonly MARKER=.intake-postgres   # marks folders that `stop` may remove
readonly DEFAULT_PORT=54329
readonly DB=intake_test

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The newest Debian server binaries (not /usr/local/bin wrappers), or nothing.
find_bindir() {
  local initdb
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  if [[ -x $initdb && -x ${initdb%/initdb}/pg_ctl && -x ${initdb%/initdb}/postgres ]]; then
    printf '%s\n' "${initdb%/initdb}"
  fi
}

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    die "PostgreSQL's server is not installed and this user cannot install it (run as root, or: apt-get install postgresql)"
  fi
}

install_postgres() {
  log "no server in /usr/lib/postgresql/*/bin: installing Debian's postgresql package"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql)
  if ! as_root "${apt[@]}" >&2; then
    log "install failed; running apt-get update and trying again"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    as_root "${apt[@]}" >&2
  fi
  # The package may have created and started its own `main` cluster on 5432; we don't use it.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | while read -r ver name _port status _rest; do
      if [[ $status == online* ]]; then
        log "stopping the package's own cluster $ver/$name (not used by the tests)"
        as_root pg_ctlcluster "$ver" "$name" stop >&2 || true
      fi
    done
  fi
}

# Nothing accepts connections on 127.0.0.1:$1 (a listener on 0.0.0.0 also answers there).
port_free() {
  ! timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Runs a command as the user that owns the cluster (postgres refuses to run as root).
run_as() {
  local user=$1; shift
  if [[ $user == "$(id -un)" ]]; then
    "$@"
  elif [[ $EUID -eq 0 ]]; then
    if command -v runuser >/dev/null; then
      runuser -u "$user" -- "$@"
    else
      su -s /bin/sh -c '"$0" "$@"' "$user" -- "$@"
    fi
  else
    die "the cluster belongs to $user; run this as $user or as root"
  fi
}

# The data folder from $INTAKE_PG_DATA (or $1), checked.
data_dir() {
  local data=${1:-${INTAKE_PG_DATA:-}}
  [[ -n $data ]] || die "INTAKE_PG_DATA is not set (run: eval \"\$(bash .ci/postgres.sh start)\")"
  [[ -f $data/PG_VERSION ]] || die "$data is not a PostgreSQL data folder"
  printf '%s\n' "$data"
}

# The pg_ctl of the version that made the cluster.
bindir_for() {
  local ver bindir
  ver=$(<"$1/PG_VERSION")
  bindir=/usr/lib/postgresql/$ver/bin
  [[ -x $bindir/pg_ctl ]] || bindir=$(find_bindir)
  [[ -n $bindir ]] || die "no pg_ctl for PostgreSQL $ver"
  printf '%s\n' "$bindir"
}

cmd_start() {
  local port first logged
  # Globals, not locals: the EXIT trap below needs them.
  bindir='' owner='' tmp='' data=''
  first=${INTAKE_PG_PORT:-$DEFAULT_PORT}
  [[ $first =~ ^[0-9]+$ && $first -ge 1024 && $first -le 65000 ]] || die "INTAKE_PG_PORT=$first is not a port in 1024..65000"
  bindir=$(find_bindir)
  if [[ -z $bindir ]]; then
    install_postgres
    bindir=$(find_bindir)
    [[ -n $bindir ]] || die "installed postgresql but found no /usr/lib/postgresql/*/bin/initdb"
  fi
  log "using $bindir"

  if [[ $EUID -eq 0 ]]; then
    owner=postgres
    if ! id -u "$owner" >/dev/null 2>&1; then
      log "creating the system user $owner"
      useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$owner" \
        || adduser --system --group --home /var/lib/postgresql --shell /bin/bash "$owner" >&2
    fi
  else
    owner=$(id -un)
  fi

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/intake-pg.XXXXXX")
  data=$tmp/data
  # From here on, a failure removes what was made.
  trap 'rc=$?; if [[ $rc -ne 0 ]]; then
          [[ -f $tmp/postgres.log ]] && tail -n 30 "$tmp/postgres.log" >&2
          [[ -f $data/postmaster.pid ]] && run_as "$owner" "$bindir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1
          rm -rf "$tmp"; log "start failed"; fi' EXIT
  touch "$tmp/$MARKER"
  chmod 755 "$tmp"          # the socket in it is usable by any local user; data/ itself stays 0700
  [[ $owner == "$(id -un)" ]] || chown "$owner:" "$tmp"
  cd "$tmp"                 # a folder the owner can enter (postgres can't enter /root)

  log "initdb $data (as $owner)"
  if ! run_as "$owner" "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1; then
    log "initdb with C.UTF-8 failed, trying locale C"
    rm -rf "$data"
    run_as "$owner" "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }
  fi

  # Everything pg_ctl start needs is in postgresql.conf, so a plain `pg_ctl -D … start` after a stop
  # brings the same server back. `port = ` is rewritten below if the port is taken.
  cat >>"$data/postgresql.conf" <<EOF

# --- intake test server (.ci/postgres.sh) ---
listen_addresses = '127.0.0.1'
port = $DEFAULT_PORT
unix_socket_directories = '$tmp'
max_connections = 200
# fsync off: a killed server (the fault tests' immediate shutdown) keeps
# what it wrote, in the OS's cache. Commits stay synchronous: a commit the
# client saw must survive that shutdown.
fsync = off
full_page_writes = off
EOF

  port=$first
  while :; do
    if (( port > first + 100 )); then
      die "no free port in $first..$((first + 100))"
    fi
    if ! port_free "$port"; then
      log "port $port is taken, trying $((port + 1))"
      port=$((port + 1))
      continue
    fi
    sed -i "s/^port = .*/port = $port/" "$data/postgresql.conf"
    log "starting on 127.0.0.1:$port (log: $tmp/postgres.log)"
    logged=$(stat -c %s "$tmp/postgres.log" 2>/dev/null || echo 0)
    if run_as "$owner" "$bindir/pg_ctl" -D "$data" -l "$tmp/postgres.log" -w -t 60 start >&2; then
      break
    fi
    # Lost a race for the port (or another failure): try the next port unless the server never bound.
    if tail -c +$((logged + 1)) "$tmp/postgres.log" 2>/dev/null | grep -q 'could not bind\|could not create any TCP/IP sockets'; then
      log "port $port could not be bound, trying $((port + 1))"
      port=$((port + 1))
      continue
    fi
    die "pg_ctl start failed"
  done

  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB" >&2 || die "createdb $DB failed"
  trap - EXIT
  log "ready: postgres://postgres@127.0.0.1:$port/$DB"
  printf 'export INTAKE_PG_URL=%q\n' "postgres://postgres@127.0.0.1:$port/$DB"
  printf 'export INTAKE_PG_DATA=%q\n' "$data"
  printf 'export INTAKE_PG_BIN=%q\n' "$bindir"
}

# pg_ctl ARGS… on the cluster at $INTAKE_PG_DATA, as its owner; start/restart log to postgres.log beside it.
cmd_pgctl() {
  local data bindir owner arg log_args=()
  data=$(data_dir)
  bindir=$(bindir_for "$data")
  owner=$(stat -c %U "$data")
  for arg in "$@"; do
    case $arg in
      start | restart) log_args=(-l "$(dirname "$data")/postgres.log") ;;
    esac
  done
  for arg in "$@"; do
    case $arg in -l | --log | --log=*) log_args=() ;; esac
  done
  cd "$(dirname "$data")"
  run_as "$owner" "$bindir/pg_ctl" -D "$data" "${log_args[@]}" "$@"
}

cmd_stop() {
  local data tmp bindir owner
  data=$(data_dir "${1:-}")
  tmp=$(dirname "$data")
  [[ -f $tmp/$MARKER ]] || die "$tmp was not made by this script; not removing it"
  bindir=$(bindir_for "$data")
  owner=$(stat -c %U "$data")
  cd "$tmp"
  if run_as "$owner" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "stopping the server at $data"
    run_as "$owner" "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >&2 \
      || run_as "$owner" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >&2 \
      || die "could not stop the server at $data"
  fi
  cd /
  rm -rf "$tmp"
  log "removed $tmp"
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  pgctl) shift; cmd_pgctl "$@" ;;
  status) shift; cmd_pgctl status ;;
  *)
    echo "usage: $0 start | stop | pgctl PG_CTL_ARGS... | status" >&2
    exit 2
    ;;
esac
