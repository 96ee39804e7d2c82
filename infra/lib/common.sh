# Shared settings and helpers for the local stack scripts. Sourced, never executed.
# Every port and folder can be overridden from the environment; the defaults match the README.

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
STACK_ENV_FILE="$STACK_DIR/stack.env"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
SCHEMA_REGISTRY_PORT="${SCHEMA_REGISTRY_PORT:-8081}"
SCHEMA_REGISTRY_HEAP="${SCHEMA_REGISTRY_HEAP:-384m}"
INGESTION_PORT="${INGESTION_PORT:-3001}"
LEDGER_QUERY_PORT="${LEDGER_QUERY_PORT:-3002}"
RULES_PORT="${RULES_PORT:-3003}"
CONNECTOR_PORT="${CONNECTOR_PORT:-3004}"
# The bundled vendor stubs (Bloomreach, Braze, Voucherify, webhooks): the connector's destinations
# point there whenever no vendor credentials are configured.
VENDOR_STUBS_PORT="${VENDOR_STUBS_PORT:-4010}"

KAFKA_VERSION="3.9.2"
APICURIO_VERSION="3.0.9"
PG_MAJOR="15"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}"

log() { printf '\033[36m[stack]\033[0m %s\n' "$*" >&2 || true; }
die() { printf '\033[31m[stack] error:\033[0m %s\n' "$*" >&2; exit 1; }

# wait_until DESCRIPTION TIMEOUT_SECONDS COMMAND...: polls COMMAND until it succeeds.
# Readiness is always a real probe (a port answering a protocol request), never a sleep.
wait_until() {
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "$what did not become ready within ${timeout}s"
      return 1
    fi
    sleep 0.25
  done
}

# pid_alive PIDFILE: true when the pid recorded in PIDFILE is a live process.
pid_alive() {
  local pidfile="$1"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_pidfile NAME PIDFILE: SIGTERM, wait for a clean exit, SIGKILL as a last resort.
stop_pidfile() {
  local name="$1" pidfile="$2" pid
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$name did not stop in 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
}

# as_postgres COMMAND...: PostgreSQL refuses to run as root, so root delegates to the postgres user.
as_postgres() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
