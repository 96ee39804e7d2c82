import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** A free TCP port on loopback, for a service under test. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningService {
  readonly baseUrl: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** `healthy`: /health answers 200; `answering`: /health answers at all (a dependency may be down). */
  readonly until?: 'healthy' | 'answering';
  readonly timeoutMs?: number;
}

/**
 * Runs a service's real entry point (apps/<name>/src/main.ts) as a child process with the given
 * environment, and resolves once its /health answers (200, unless `until: 'answering'`).
 */
export async function startService(name: string, env: Readonly<Record<string, string>>, port: number, options: StartOptions = {}): Promise<RunningService> {
  const { until = 'healthy', timeoutMs = 60_000 } = options;
  const child = spawnService(name, env);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok || until === 'answering', () => false);
    if (ready) return { baseUrl, output: () => output, stop: () => stopChild(child) };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopChild(child);
  throw new Error(`${name} did not become ready (${until}) in ${timeoutMs} ms:\n${output}`);
}

/** Runs a service expected to exit by itself (e.g. on bad configuration); resolves with its exit code and output. */
export function runServiceToExit(name: string, env: Readonly<Record<string, string>>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const child = spawnService(name, env);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not exit in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function spawnService(name: string, env: Readonly<Record<string, string>>): ChildProcess {
  // Only what the test passes, plus PATH/HOME: the service must not pick up the developer's environment.
  return spawn(join(ROOT, 'infra', 'bin', 'node-run'), [join(ROOT, 'apps', name, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
