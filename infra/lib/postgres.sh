# PostgreSQL 15 from Debian's packages, in a project-local data folder, on loopback only.
# The role's password is generated on first start and kept in the stack folder (mode 0600).

PG_HOME="$STACK_DIR/postgres"
PG_DATA="$PG_HOME/data"
PG_LOG_DIR="$STACK_DIR/logs/postgres"
PG_PASSWORD_FILE="$PG_HOME/password"
PG_PORT_FILE="$PG_HOME/port"
PGUSER="${PGUSER:-loyalty}"
PGDATABASE="${PGDATABASE:-loyalty}"

# Postgres keeps the port it was first given (recorded on init); 5432 unless that was taken.
pg_choose_port() {
  if [[ -n "${PGPORT:-}" ]]; then return 0; fi
  if [[ -f "$PG_PORT_FILE" ]]; then PGPORT="$(cat "$PG_PORT_FILE")"; return 0; fi
  PGPORT=5432
  while port_open "$PGPORT"; do PGPORT=$((PGPORT + 1)); done
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -U "$PGUSER" -d postgres; }

pg_init() {
  [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
  [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL $PG_MAJOR is not installed ($PG_BIN/initdb missing); 'npm start' as root installs it"
  log "initialising postgres in $PG_DATA"
  mkdir -p "$PG_HOME"
  umask 077
  head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$PG_PASSWORD_FILE"
  umask 022
  local pwfile; pwfile="$(mktemp)"
  cp "$PG_PASSWORD_FILE" "$pwfile"
  mkdir -p "$PG_DATA"
  if [[ $EUID -eq 0 ]]; then chown -R postgres "$PG_HOME" "$pwfile"; chmod 755 "$STACK_DIR" "$PG_HOME"; fi
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U "$PGUSER" --pwfile="$pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$PG_HOME/initdb.log" 2>&1 || { rm -f "$pwfile"; die "initdb failed; see $PG_HOME/initdb.log"; }
  rm -f "$pwfile"
  echo "$PGPORT" >"$PG_PORT_FILE"
}

pg_start() {
  mkdir -p "$PG_LOG_DIR"
  pg_init
  if [[ $EUID -eq 0 ]]; then chown postgres "$PG_LOG_DIR"; fi
  if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "postgres already running on 127.0.0.1:$PGPORT"
    return 0
  fi
  port_open "$PGPORT" && die "port $PGPORT is taken by another process; set PGPORT"
  log "starting postgres $PG_MAJOR on 127.0.0.1:$PGPORT"
  # Tuned for a write-heavy co-located box: room for the working set, and WAL sized so checkpoints
  # (and the full-page images after each) come every 15 minutes, not every GB of load. Durability
  # settings (fsync, synchronous_commit, full_page_writes) stay at their safe defaults.
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG_DIR/postgres.log" -w -t 60 start \
    -o "-h 127.0.0.1 -p $PGPORT -c max_connections=200 -c shared_buffers=1GB -c wal_buffers=16MB -c max_wal_size=4GB -c checkpoint_timeout=15min -c unix_socket_directories=''" \
    >/dev/null || { tail -20 "$PG_LOG_DIR/postgres.log" >&2; die "postgres did not start"; }
}

pg_wait() {
  wait_until postgres 60 pg_ready || die "postgres is not ready"
  pg_ensure_database "$PGDATABASE"
  pg_ensure_database schema_registry
}

pg_psql() { PGPASSWORD="$(cat "$PG_PASSWORD_FILE")" psql -X -q -h 127.0.0.1 -p "$PGPORT" -U "$PGUSER" "$@"; }

pg_ensure_database() {
  local db="$1"
  if [[ -z "$(pg_psql -d postgres -tAc "select 1 from pg_database where datname = '$db'")" ]]; then
    pg_psql -d postgres -c "create database \"$db\"" >/dev/null
  fi
}

pg_stop() {
  [[ -f "$PG_DATA/PG_VERSION" ]] || return 0
  if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "stopping postgres"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
}
