# Installs what a fresh machine lacks: OS packages (as root), the npm dependencies, which bring
# Node.js 24 (npm's `node` package), and nothing else by hand. Idempotent and quick when done.

APT_PACKAGES=(postgresql-15 postgresql-client-15 openjdk-17-jre-headless maven curl unzip gettext-base)

bootstrap_os_packages() {
  local missing=()
  [[ -x "$PG_BIN/initdb" ]] || missing+=(postgresql-15)
  command -v psql >/dev/null || missing+=(postgresql-client-15)
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  command -v unzip >/dev/null || missing+=(unzip)
  command -v envsubst >/dev/null || missing+=(gettext-base)
  ((${#missing[@]} == 0)) && return 0
  [[ $EUID -eq 0 ]] || die "missing OS packages: ${missing[*]} (install them with apt-get, or run as root once)"
  log "installing OS packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  # Debian starts a system cluster on install; the stack runs its own, so keep port 5432 free.
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql/$PG_MAJOR/main ]]; then
    pg_ctlcluster "$PG_MAJOR" main stop >/dev/null 2>&1 || true
  fi
}

# npm's `node` package puts a Node 24 binary in node_modules/.bin, which npm scripts put first
# on PATH, so every script runs on Node 24 whatever node the machine ships.
bootstrap_node_modules() {
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$ROOT/package-lock.json" -nt "$stamp" ]]; then
    log "installing npm dependencies (brings Node.js 24)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  fi
  export PATH="$ROOT/node_modules/.bin:$PATH"
  local major; major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "$major" == "24" ]] || die "expected Node.js 24 from node_modules/.bin, found $(node --version)"
}

bootstrap() {
  bootstrap_os_packages
  bootstrap_node_modules
}
