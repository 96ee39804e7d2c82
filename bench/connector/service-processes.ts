// The services the benchmark runs itself: the real connector, ingestion and rules
// (infra/bin/node-run apps/<app>/src/main.ts, as infra/lib/services.sh runs them), with the stack's
// environment except for what isolates them: the run's topic prefix and database, consumer groups
// carrying the run's tag, the run's programs directory and clock file, a free port, and (for the
// connector) the phase's destinations file and the stubs' credentials. The dev stack's services,
// their groups and their database are never touched. Output goes to
// .stack/logs/bench-connector-<role>.log (its last lines are quoted when a process dies).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { waitForHealthy } from '../shared/http-health';
import { isRunning } from '../shared/proc-fs';
import { spawnService, terminate } from '../shared/service-process';
import { type StackFiles, readStackEnv } from '../shared/stack-files';
import { freePort } from '../projector/projector-process';

export interface ServiceProcess {
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  readonly role: string;
  readonly spawnedAt: number;
  alive(): boolean;
  /** SIGTERM (Nest leaves its groups and closes its pools), SIGKILL after 30 s; idempotent. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

export interface RunEnv {
  readonly files: StackFiles;
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly programsDir: string;
  readonly clockFile: string;
}

type App = 'connector' | 'ingestion' | 'rules';
const PORT_VARIABLE: Readonly<Record<App, string>> = { connector: 'CONNECTOR_PORT', ingestion: 'INGESTION_PORT', rules: 'RULES_PORT' };

/** Variables a caller's shell could carry into the process that would change what is measured. */
const NOT_INHERITED = ['INGESTION_PUBLISH_MODE', 'PUBLISH_TIMEOUT_MS', 'RULES_APPLY_MODE', 'LOG_LEVEL', 'DATABASE_POOL_SIZE'] as const;

/** Spawns the service and waits until it answers /health (its consumers have joined their groups by then). */
export async function startService(app: App, role: string, run: RunEnv, extra: Record<string, string>, registerCleanup: (name: string, fn: () => Promise<void>) => void): Promise<ServiceProcess> {
  const service = await launchService(app, role, run, extra, registerCleanup);
  await service.ready();
  return service;
}

/** Spawns the service; `ready()` waits for its /health (the caller may watch its groups meanwhile). */
export async function launchService(
  app: App,
  role: string,
  run: RunEnv,
  extra: Record<string, string>,
  registerCleanup: (name: string, fn: () => Promise<void>) => void,
): Promise<ServiceProcess & { ready(): Promise<void> }> {
  const { files } = run;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of NOT_INHERITED) delete env[key];
  Object.assign(env, readStackEnv(files), {
    API_KEYS_FILE: files.apiKeysFile,
    ADMIN_KEYS_FILE: files.adminKeysFile,
    WEBHOOK_SECRETS_FILE: files.webhookSecretsFile,
    [PORT_VARIABLE[app]]: String(port),
    KAFKA_TOPIC_PREFIX: run.kafka.KAFKA_TOPIC_PREFIX,
    DATABASE_NAME: run.database.database,
    PROGRAMS_DIR: run.programsDir,
    LOYALTY_CLOCK_FILE: run.clockFile,
    ...extra,
  });
  const logFile = join(files.logsDir, `bench-connector-${role}.log`);
  const spawnedAt = performance.now();
  // Detached: a Ctrl-C reaches the benchmark only, whose cleanup stops it before its topics and database go.
  const { child, pid } = spawnService(files, app, env, logFile, 'w');
  let exited = false;
  child.once('exit', () => (exited = true));
  const alive = () => !exited && isRunning(pid);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= alive() ? terminate(pid, `the benchmark's ${role}`, alive) : Promise.resolve());
  registerCleanup(`stop ${role} (pid ${pid})`, stop);
  console.error(`[bench] started ${app} as ${role} (pid ${pid}, port ${port}, database ${run.database.database}, prefix ${run.kafka.KAFKA_TOPIC_PREFIX})`);
  const logTail = (lines = 20) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const ready = async () => {
    try {
      await waitForHealthy(baseUrl, 120_000, alive);
    } catch (error) {
      throw new Error(`${role} did not become healthy: ${(error as Error).message}\n${logTail()}`, { cause: error });
    }
  };
  return { pid, port, baseUrl, role, spawnedAt, alive, stop, logTail, ready };
}

/** Sums a Prometheus counter's samples by one label (`destination`), or over all samples without a label. */
export function parseCounter(text: string, name: string, label?: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match === null || match[1] !== name) continue;
    const key = label === undefined ? '' : (new RegExp(`${label}="([^"]*)"`).exec(match[2] ?? '')?.[1] ?? '');
    totals.set(key, (totals.get(key) ?? 0) + Number(match[3]));
  }
  return totals;
}

export async function scrape(service: ServiceProcess): Promise<string> {
  const response = await fetch(`${service.baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${service.role} answered ${response.status} to GET /metrics`);
  return response.text();
}

/** The connector's figures of interest, from one scrape. */
export interface ConnectorCounters {
  readonly feedPublished: number;
  readonly sent: ReadonlyMap<string, number>;
  readonly failed: ReadonlyMap<string, number>;
  readonly retried: ReadonlyMap<string, number>;
  readonly requests: ReadonlyMap<string, number>;
  readonly requestSeconds: ReadonlyMap<string, number>;
  readonly rateLimitWaitSeconds: ReadonlyMap<string, number>;
}

export async function connectorCounters(connector: ServiceProcess): Promise<ConnectorCounters> {
  const text = await scrape(connector);
  return {
    feedPublished: parseCounter(text, 'loyalty_connector_feed_published_total').get('') ?? 0,
    sent: parseCounter(text, 'loyalty_connector_sent_total', 'destination'),
    failed: parseCounter(text, 'loyalty_connector_failed_total', 'destination'),
    retried: parseCounter(text, 'loyalty_connector_retried_total', 'destination'),
    requests: parseCounter(text, 'loyalty_connector_request_duration_seconds_count', 'destination'),
    requestSeconds: parseCounter(text, 'loyalty_connector_request_duration_seconds_sum', 'destination'),
    rateLimitWaitSeconds: parseCounter(text, 'loyalty_connector_rate_limit_wait_seconds_total', 'destination'),
  };
}
