// A stack service the harness runs itself (ingestion restarted in another mode, a ledger projector
// of the benchmark's own), started and stopped as infra/lib/services.sh does it: the same command
// line (infra/bin/node-run apps/<app>/src/main.ts), detached, output to a log file; SIGTERM, then
// SIGKILL after 30 s. Both harnesses do this, so it is written once.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { type StackFiles } from './stack-files';

const STOP_TIMEOUT_MS = 30_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns `apps/<app>/src/main.ts` through infra/bin/node-run with `env`, its output to `logFile`
 * (`a` appends, `w` starts it afresh). Detached (setsid): its own session, so a Ctrl-C on the
 * benchmark does not reach it; node-run execs node, so the child's pid is the service's.
 */
export function spawnService(files: StackFiles, app: string, env: NodeJS.ProcessEnv, logFile: string, logFlags: 'a' | 'w'): { child: ChildProcess; pid: number } {
  const log = openSync(logFile, logFlags);
  const child = spawn(join(files.root, 'infra', 'bin', 'node-run'), [join(files.root, 'apps', app, 'src', 'main.ts')], {
    cwd: files.root,
    env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn infra/bin/node-run');
  return { child, pid };
}

/** SIGTERM (Nest shuts down cleanly), then SIGKILL if `alive()` still holds after 30 s; `name` as logged. */
export async function terminate(pid: number, name: string, alive: () => boolean): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) {
    console.error(`[bench] ${name} did not stop in ${STOP_TIMEOUT_MS / 1000} s; killing it`);
    process.kill(pid, 'SIGKILL');
    await sleep(500);
  }
}
