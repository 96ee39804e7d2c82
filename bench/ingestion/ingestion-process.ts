// Restarts the ingestion service with extra environment, the way infra/lib/services.sh runs it:
// same command line (infra/bin/node-run apps/ingestion/src/main.ts), same environment (the
// caller's, then .stack/stack.env, API_KEYS_FILE, INGESTION_PORT), detached in its own session,
// its pid in .stack/run/ingestion.pid so `npm run down` still stops whatever is running.
import { spawn } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitForHealthy } from './http-health';
import { isRunning } from './proc-fs';
import { type StackFiles, pidfileOf, readPidfile, readStackEnv } from './stack-files';

export interface IngestionTarget {
  readonly files: StackFiles;
  readonly port: number;
}

/** Variables the benchmark sets per restart; anything else comes from the stack as usual. */
const BENCH_CONTROLLED = ['INGESTION_PUBLISH_MODE'] as const;
const STOP_TIMEOUT_MS = 30_000;
const START_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
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
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isRunning(pid) && Date.now() < deadline) await sleep(100);
    if (isRunning(pid)) {
      console.error(`[bench] ingestion did not stop in ${STOP_TIMEOUT_MS / 1000} s; killing it`);
      process.kill(pid, 'SIGKILL');
      await sleep(500);
    }
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
  Object.assign(env, readStackEnv(files), { API_KEYS_FILE: files.apiKeysFile, INGESTION_PORT: String(target.port) }, extraEnv);
  // Appended, not truncated as services.sh does: the log of the process we replaced stays readable.
  const log = openSync(join(files.logsDir, 'ingestion.log'), 'a');
  const child = spawn(join(files.root, 'infra', 'bin', 'node-run'), [join(files.root, 'apps', 'ingestion', 'src', 'main.ts')], {
    cwd: files.root,
    env,
    // detached = setsid(): its own session, so a Ctrl-C on the benchmark does not reach it and it
    // outlives the benchmark like the services `npm run up` starts. node-run execs node, so this
    // pid is the service's.
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn infra/bin/node-run');
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
