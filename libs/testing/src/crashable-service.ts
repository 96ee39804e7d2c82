import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type RunningService, type StartOptions } from './service-process';

const ROOT = join(__dirname, '..', '..', '..');

/** A service process a spec can crash. */
export interface CrashableService extends RunningService {
  readonly pid: number;
  /** `kill -9`: SIGKILL, no shutdown hooks, no goodbye to Kafka or Postgres; resolves once the process is gone. */
  crash(): Promise<void>;
  /** How the process ended (`signal: 'SIGTERM'` after a graceful stop, `'SIGKILL'` after a crash or a stop that hung); undefined while it runs. */
  exit(): { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
}

/**
 * Like `startService` (the real entry point apps/<name>/src/main.ts as a child process, ready once
 * /health answers), for specs that kill the service with SIGKILL mid-work and start it again.
 * `infra/bin/node-run` execs node, so the signal reaches the service itself.
 */
export async function startCrashableService(name: string, env: Readonly<Record<string, string>>, port: number, options: StartOptions = {}): Promise<CrashableService> {
  const { until = 'healthy', timeoutMs = 60_000 } = options;
  const child = spawn(join(ROOT, 'infra', 'bin', 'node-run'), [join(ROOT, 'apps', name, 'src', 'main.ts')], {
    cwd: ROOT,
    // Only what the test passes, plus PATH/HOME: the service must not pick up the developer's environment.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok || until === 'answering', () => false);
    if (ready) {
      return {
        baseUrl,
        pid: child.pid ?? -1,
        output: () => output,
        stop: () => signal(child, exited, 'SIGTERM'),
        crash: () => signal(child, exited, 'SIGKILL'),
        exit: () => (child.exitCode === null && child.signalCode === null ? undefined : { code: child.exitCode, signal: child.signalCode }),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await signal(child, exited, 'SIGKILL');
  throw new Error(`${name} did not become ready (${until}) in ${timeoutMs} ms:\n${output}`);
}

async function signal(child: ChildProcess, exited: Promise<void>, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(how);
  const timer = how === 'SIGTERM' ? setTimeout(() => child.kill('SIGKILL'), 10_000) : undefined;
  await exited;
  clearTimeout(timer);
}
