# Schema registry: Apicurio Registry (Confluent-compatible API under /apis/ccompat/v7) from
# Maven Central, storing its schemas in the stack's Postgres so ids are stable across restarts.

REGISTRY_HOME="$STACK_DIR/registry"
REGISTRY_DIST="$REGISTRY_HOME/apicurio-registry-$APICURIO_VERSION"
REGISTRY_LOG_DIR="$STACK_DIR/logs/registry"
REGISTRY_PIDFILE="$STACK_DIR/run/registry.pid"
REGISTRY_URL="http://127.0.0.1:$SCHEMA_REGISTRY_PORT/apis/ccompat/v7"
MAVEN_CENTRAL="${MAVEN_CENTRAL:-https://repo.maven.apache.org/maven2}"

registry_install() {
  [[ -f "$REGISTRY_DIST/apicurio-registry-app-$APICURIO_VERSION-runner.jar" ]] && return 0
  local url="$MAVEN_CENTRAL/io/apicurio/apicurio-registry-app/$APICURIO_VERSION/apicurio-registry-app-$APICURIO_VERSION-all.zip"
  log "fetching Apicurio Registry $APICURIO_VERSION from Maven Central"
  mkdir -p "$REGISTRY_HOME"
  curl -fsSL --retry 3 -o "$REGISTRY_HOME/dist.zip" "$url" || die "could not download $url"
  rm -rf "$REGISTRY_DIST.partial"
  unzip -q "$REGISTRY_HOME/dist.zip" -d "$REGISTRY_DIST.partial" || die "could not unpack the registry"
  rm -f "$REGISTRY_HOME/dist.zip"
  mv "$REGISTRY_DIST.partial" "$REGISTRY_DIST"
}

registry_ready() { curl -fsS -m 2 "$REGISTRY_URL/subjects" >/dev/null; }

registry_start() {
  if pid_alive "$REGISTRY_PIDFILE"; then
    log "schema registry already running (pid $(cat "$REGISTRY_PIDFILE"))"
    return 0
  fi
  port_open "$SCHEMA_REGISTRY_PORT" && die "port $SCHEMA_REGISTRY_PORT is taken by another process; set SCHEMA_REGISTRY_PORT"
  registry_install
  mkdir -p "$REGISTRY_LOG_DIR"
  log "starting schema registry (Apicurio $APICURIO_VERSION) on 127.0.0.1:$SCHEMA_REGISTRY_PORT"
  # The password comes from the stack's secret file through the environment, never the command line.
  APICURIO_STORAGE_KIND=sql \
  APICURIO_STORAGE_SQL_KIND=postgresql \
  APICURIO_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/schema_registry" \
  APICURIO_DATASOURCE_USERNAME="$PGUSER" \
  APICURIO_DATASOURCE_PASSWORD="$(cat "$PG_PASSWORD_FILE")" \
  QUARKUS_HTTP_HOST=127.0.0.1 \
  QUARKUS_HTTP_PORT="$SCHEMA_REGISTRY_PORT" \
  QUARKUS_LOG_LEVEL=INFO \
  setsid nohup java -Xms"$SCHEMA_REGISTRY_HEAP" -Xmx"$SCHEMA_REGISTRY_HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -jar "$REGISTRY_DIST/apicurio-registry-app-$APICURIO_VERSION-runner.jar" \
    >"$REGISTRY_LOG_DIR/registry.log" 2>&1 </dev/null &
  echo $! >"$REGISTRY_PIDFILE"
}

registry_wait() {
  wait_until "schema registry" 180 registry_ready || { tail -30 "$REGISTRY_LOG_DIR/registry.log" >&2; die "schema registry is not ready"; }
}

registry_stop() { stop_pidfile "schema registry" "$REGISTRY_PIDFILE"; }
