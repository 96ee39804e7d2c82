# Apache Kafka (KRaft, single combined broker+controller) from Maven Central jars.
# Sourced by infra/bin/stack after common.sh.

KAFKA_HOME="$STACK_DIR/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs-$KAFKA_VERSION"
KAFKA_DATA_DIR="$KAFKA_HOME/data"
KAFKA_LOG_DIR="$STACK_DIR/logs/kafka"
KAFKA_PIDFILE="$STACK_DIR/run/kafka.pid"

kafka_install() {
  [[ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Kafka; run 'npm start' as root once or install maven"
  log "fetching Apache Kafka $KAFKA_VERSION from Maven Central"
  mkdir -p "$KAFKA_LIBS.partial"
  mvn -q -B -f "$ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$KAFKA_LIBS.partial" >"$STACK_DIR/logs/kafka-fetch.log" 2>&1 \
    || die "could not fetch Kafka jars; see $STACK_DIR/logs/kafka-fetch.log"
  # Renamed only when complete, so an interrupted download is never mistaken for an install.
  mv "$KAFKA_LIBS.partial" "$KAFKA_LIBS"
}

KAFKA_JAVA=(java -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -Djava.awt.headless=true
  -Dlog4j.configuration="file:$ROOT/infra/kafka/log4j.properties"
  -Dkafka.logs.dir="$KAFKA_LOG_DIR"
  -cp "$KAFKA_LIBS/*")

kafka_configure() {
  mkdir -p "$KAFKA_DATA_DIR" "$KAFKA_LOG_DIR"
  KAFKA_DATA_DIR="$KAFKA_DATA_DIR" KAFKA_PORT="$KAFKA_PORT" KAFKA_CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" \
    envsubst '${KAFKA_DATA_DIR} ${KAFKA_PORT} ${KAFKA_CONTROLLER_PORT}' \
    <"$ROOT/infra/kafka/server.properties.template" >"$KAFKA_HOME/server.properties"
  if [[ ! -f "$KAFKA_HOME/cluster-id" ]]; then
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid >"$KAFKA_HOME/cluster-id.tmp" 2>/dev/null \
      && mv "$KAFKA_HOME/cluster-id.tmp" "$KAFKA_HOME/cluster-id"
  fi
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$(cat "$KAFKA_HOME/cluster-id")" \
    -c "$KAFKA_HOME/server.properties" --ignore-formatted >>"$KAFKA_LOG_DIR/format.log" 2>&1 \
    || die "kafka storage format failed; see $KAFKA_LOG_DIR/format.log"
}

kafka_ready() { node "$ROOT/infra/probes/kafka-ready.cjs" "127.0.0.1:$KAFKA_PORT"; }

kafka_start() {
  if pid_alive "$KAFKA_PIDFILE"; then
    log "kafka already running (pid $(cat "$KAFKA_PIDFILE"))"
  else
    port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process; set KAFKA_PORT"
    kafka_install
    kafka_configure
    log "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
    # setsid: Ctrl-C in a foreground `npm start` must not reach the broker directly; the
    # start script stops the services first and the broker last.
    setsid nohup "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_HOME/server.properties" \
      >"$KAFKA_LOG_DIR/stdout.log" 2>&1 </dev/null &
    echo $! >"$KAFKA_PIDFILE"
  fi
}

kafka_wait() {
  wait_until kafka 120 kafka_ready || { tail -20 "$KAFKA_LOG_DIR/server.log" >&2; die "kafka is not ready"; }
}

kafka_stop() { stop_pidfile kafka "$KAFKA_PIDFILE"; }
