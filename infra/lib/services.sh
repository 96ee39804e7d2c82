# The four services as background processes of the local stack, with pidfiles and log files.
# Sourced by infra/bin/{start,up,down} after common.sh.

SERVICES=(ingestion ledger-projector rules connector)
SECRETS_DIR="$STACK_DIR/secrets"
DEV_API_KEY_FILE="$SECRETS_DIR/dev-api-key"
API_KEYS_FILE="$SECRETS_DIR/api-keys.json"
ADMIN_KEYS_FILE="$SECRETS_DIR/admin-keys.json"
WEBHOOK_SECRETS_FILE="$SECRETS_DIR/webhook-secrets.json"
DEV_TENANT="${DEV_TENANT:-demo}"
# The adjustable clock (`npm run clock`): a development stack only, so time can be moved to show
# activations and expiries. The services refuse it under NODE_ENV=production.
LOYALTY_CLOCK_FILE="${LOYALTY_CLOCK_FILE:-$STACK_DIR/clock.json}"

service_port() {
  case "$1" in
    ingestion) echo "$INGESTION_PORT" ;;
    ledger-projector) echo "$LEDGER_QUERY_PORT" ;;
    rules) echo "$RULES_PORT" ;;
    connector) echo "$CONNECTOR_PORT" ;;
  esac
}

# Development credentials for the demo tenant: random, kept in the stack folder (0600); the services
# read only hashes of keys (and the HMAC secret, which cannot be hashed).
ensure_dev_api_key() { "$ROOT/infra/bin/dev-secrets" "$SECRETS_DIR" "$DEV_TENANT"; }

service_pidfile() { echo "$STACK_DIR/run/$1.pid"; }

service_start() {
  local name="$1" port; port="$(service_port "$name")"
  local pidfile; pidfile="$(service_pidfile "$name")"
  if pid_alive "$pidfile"; then log "$name already running (pid $(cat "$pidfile"))"; return 0; fi
  port_open "$port" && die "port $port ($name) is taken by another process"
  log "starting $name on 127.0.0.1:$port"
  (
    set -a
    source "$STACK_ENV_FILE"
    set +a
    export API_KEYS_FILE ADMIN_KEYS_FILE WEBHOOK_SECRETS_FILE LOYALTY_CLOCK_FILE INGESTION_PORT LEDGER_QUERY_PORT RULES_PORT CONNECTOR_PORT
    [[ "$name" == connector ]] && export_stub_destinations
    exec setsid nohup "$ROOT/infra/bin/node-run" "$ROOT/apps/$name/src/main.ts" >"$STACK_DIR/logs/$name.log" 2>&1 </dev/null
  ) &
  echo $! >"$pidfile"
}

# Per vendor: with no credentials of its own in the environment, the connector's destination of that
# vendor points at the bundled stub, with the stub's development credentials.
export_stub_destinations() {
  local base="http://127.0.0.1:$VENDOR_STUBS_PORT" key value
  declare -A stub=()
  while IFS='=' read -r key value; do [[ -n "$key" ]] && stub[$key]="$value"; done <"$SECRETS_DIR/vendor-stubs.env"
  if [[ -z "${BLOOMREACH_KEY_ID:-}" ]]; then
    export BLOOMREACH_BASE_URL="$base/bloomreach" BLOOMREACH_PROJECT_TOKEN="${stub[BLOOMREACH_PROJECT_TOKEN]}" BLOOMREACH_KEY_ID="${stub[BLOOMREACH_KEY_ID]}" BLOOMREACH_SECRET="${stub[BLOOMREACH_SECRET]}"
  fi
  if [[ -z "${BRAZE_API_KEY:-}" ]]; then export BRAZE_BASE_URL="$base/braze" BRAZE_API_KEY="${stub[BRAZE_API_KEY]}"; fi
  if [[ -z "${VOUCHERIFY_APP_ID:-}" ]]; then
    export VOUCHERIFY_BASE_URL="$base/voucherify" VOUCHERIFY_APP_ID="${stub[VOUCHERIFY_APP_ID]}" VOUCHERIFY_APP_TOKEN="${stub[VOUCHERIFY_APP_TOKEN]}"
  fi
  if [[ -z "${CONNECTOR_WEBHOOK_URL:-}" ]]; then export CONNECTOR_WEBHOOK_URL="$base/webhooks/demo" CONNECTOR_WEBHOOK_SECRET="${stub[CONNECTOR_WEBHOOK_SECRET]}"; fi
}

stubs_start() {
  local pidfile; pidfile="$(service_pidfile vendor-stubs)"
  if pid_alive "$pidfile"; then log "vendor stubs already running (pid $(cat "$pidfile"))"; return 0; fi
  port_open "$VENDOR_STUBS_PORT" && die "port $VENDOR_STUBS_PORT (vendor stubs) is taken by another process"
  log "starting the vendor stubs on 127.0.0.1:$VENDOR_STUBS_PORT"
  (
    export VENDOR_STUBS_PORT VENDOR_STUBS_ACCOUNTS_FILE="$SECRETS_DIR/vendor-stubs.json"
    exec setsid nohup "$ROOT/infra/bin/node-run" "$ROOT/libs/vendor-stubs/src/serve.ts" >"$STACK_DIR/logs/vendor-stubs.log" 2>&1 </dev/null
  ) &
  echo $! >"$pidfile"
  wait_until "vendor stubs" 60 curl -fsS -m 2 "http://127.0.0.1:$VENDOR_STUBS_PORT/health" || { tail -30 "$STACK_DIR/logs/vendor-stubs.log" >&2; die "the vendor stubs did not start"; }
}

service_healthy() { curl -fsS -m 2 "http://127.0.0.1:$(service_port "$1")/health" >/dev/null; }

services_start() {
  ensure_dev_api_key
  stubs_start
  for s in "${SERVICES[@]}"; do service_start "$s"; done
  for s in "${SERVICES[@]}"; do
    wait_until "$s" 120 service_healthy "$s" || { tail -30 "$STACK_DIR/logs/$s.log" >&2; die "$s is not healthy"; }
  done
}

services_stop() {
  local s
  for s in "${SERVICES[@]}"; do stop_pidfile "$s" "$(service_pidfile "$s")"; done
  stop_pidfile vendor-stubs "$(service_pidfile vendor-stubs)"
}

print_endpoints() {
  cat >&2 <<TXT

  Loyalty ledger is up.
    ingestion        http://127.0.0.1:$INGESTION_PORT     (OpenAPI: /docs)
    ledger query API http://127.0.0.1:$LEDGER_QUERY_PORT     (OpenAPI: /docs)
    rules            http://127.0.0.1:$RULES_PORT/health
    connector        http://127.0.0.1:$CONNECTOR_PORT     (OpenAPI: /docs; delivery status, metrics)
    vendor stubs     http://127.0.0.1:$VENDOR_STUBS_PORT     (what each stub received: /__stub/<vendor>/received)
    kafka            127.0.0.1:$KAFKA_PORT
    schema registry  http://127.0.0.1:$SCHEMA_REGISTRY_PORT/apis/ccompat/v7
    postgres         127.0.0.1:$PGPORT (user $PGUSER, password in $PG_PASSWORD_FILE)
    logs             $STACK_DIR/logs/
    dev API key      tenant '$DEV_TENANT', key in $DEV_API_KEY_FILE
    dev admin key    $SECRETS_DIR/dev-admin-key (adjustments); HMAC secret in $WEBHOOK_SECRETS_FILE

  Try:
    KEY=\$(cat $DEV_API_KEY_FILE)
    curl -s -X POST http://127.0.0.1:$INGESTION_PORT/v1/purchases -H "X-Api-Key: \$KEY" -H 'content-type: application/json' \\
      -d '{"tenantId":"$DEV_TENANT","transactionId":"tx-1","memberId":"m-1","occurredAt":"2026-11-22T10:00:00Z","channel":"web","currency":"EUR","lines":[{"lineId":"1","sku":"SKI-1","category":"ski-equipment","quantity":1,"unitPriceMinor":19999}]}'
    curl -s http://127.0.0.1:$LEDGER_QUERY_PORT/v1/members/m-1/balance -H "X-Api-Key: \$KEY"

TXT
}
