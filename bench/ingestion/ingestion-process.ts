// Restarts the ingestion service with extra environment, the way infra/lib/services.sh runs it:
// same command line (infra/bin/node-run apps/ingestion/src/main.ts), same environment (the
// caller's, then .stack/stack.env, the secrets files services.sh exports, INGESTION_PORT), detached in its own session,
// its pid in .stack/run/ingestion.pid so `npm run down` still stops whatever is running.
import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitForHealthy } from '../shared/http-health';
import { isRunning } from '../shared/proc-fs';
import { sleep, spawnService, terminate } from '../shared/service-process';
import { type StackFiles, pidfileOf, readPidfile, readStackEnv } from '../shared/stack-files';

export interface IngestionTarget {
  readonly files: StackFiles;
  readonly port: number;
}

/** Variables the benchmark sets per restart; anything else comes from the stack as usual. */
const BENCH_CONTROLLED = ['INGESTION_PUBLISH_MODE'] as const;
const START_TIMEOUT_MS = 120_000;

const baseUrl = (target: IngestionTarget) => `http://127.0.0.1:${target.port}`;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** SIGTERM (Nest closes the Kafka producer cleanly), SIGKILL after 30 s, as stop_pidfile does. */
export async function stopIngestion(target: IngestionTarget): Promise<void> {
  const pidfile = pidfileOf(target.files, 'ingestion');
  const pid = readPidfile(pidfile);
  if (pid !== undefined && isRunning(pid)) {
    console.error(`[bench] stopping ingestion (pid ${pid})`);
    await terminate(pid, 'ingestion', () => isRunning(pid));
  }
  rmSync(pidfile, { force: true });
  // The listening socket can outlive the pid by a moment; starting before it is gone would fail.
  const portDeadline = Date.now() + 10_000;
  while ((await portOpen(target.port)) && Date.now() < portDeadline) await sleep(100);
}

/** Starts ingestion and resolves with its pid once /health answers 200. */
export async function startIngestion(target: IngestionTarget, extraEnv: Readonly<Record<string, string>>): Promise<number> {
  const { files } = target;
  if (await portOpen(target.port)) throw new Error(`port ${target.port} (ingestion) is taken by another process`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A value left in the caller's shell must not leak into a restart that did not ask for it.
  for (const key of BENCH_CONTROLLED) delete env[key];
  // All the secrets files services.sh exports: a restart without them would refuse signed
  // storefront requests and adjustments until the stack is restarted.
  Object.assign(
    env,
    readStackEnv(files),
    { API_KEYS_FILE: files.apiKeysFile, ADMIN_KEYS_FILE: files.adminKeysFile, WEBHOOK_SECRETS_FILE: files.webhookSecretsFile, INGESTION_PORT: String(target.port) },
    extraEnv,
  );
  // Appended, not truncated as services.sh does: the log of the process we replaced stays readable.
  // Detached, and unreferenced: it outlives the benchmark like the services `npm run up` starts.
  const { child, pid } = spawnService(files, 'ingestion', env, join(files.logsDir, 'ingestion.log'), 'a');
  child.unref();
  writeFileSync(pidfileOf(files, 'ingestion'), `${pid}\n`);
  const mode = Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`).join(' ') || 'normal environment';
  console.error(`[bench] started ingestion (pid ${pid}, ${mode}); waiting for /health`);
  await waitForHealthy(baseUrl(target), START_TIMEOUT_MS, () => isRunning(pid));
  return pid;
}

export async function restartIngestion(target: IngestionTarget, extraEnv: Readonly<Record<string, string>>): Promise<number> {
  await stopIngestion(target);
  return startIngestion(target, extraEnv);
}
