// The operator's rebuild of the ledger projection (infra/bin/rebuild, apps/ledger-projector/src/rebuild/rebuild.cli.ts),
// run by the demo as a child process sharing its terminal, so the CLI's progress bar shows as it would for an operator.
import { spawn } from 'node:child_process';

export interface RebuildRun {
  /** The CLI's exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly seconds: number;
}

/** What the rebuild CLI's exit codes mean (rebuild.cli.ts). */
export const REBUILD_EXIT_CODES: Readonly<Record<number, string>> = {
  0: 'the rebuilt version matched the live one member by member and was swapped in',
  1: 'the rebuild failed',
  2: 'the live and rebuilt versions differ; nothing was swapped',
  3: 'an undecodable event stopped the rebuild; nothing was swapped',
  4: 'the rebuilt version could not be brought level with the live one; nothing was swapped',
  64: 'usage error',
  78: 'invalid configuration',
};

/** `bash infra/bin/rebuild ledger`, with the demo's terminal (stdio inherited); resolves when it exits. */
export function runLedgerRebuild(root: string): Promise<RebuildRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['infra/bin/rebuild', 'ledger'], { cwd: root, stdio: 'inherit' });
    // A Ctrl-C in the terminal reaches the rebuild as well (same process group): the demo stays
    // alive to say how it ended and what it may have left behind.
    const keepAlive = () => undefined;
    process.on('SIGINT', keepAlive);
    child.once('error', (error) => {
      process.off('SIGINT', keepAlive);
      reject(new Error(`cannot run infra/bin/rebuild: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', keepAlive);
      resolve({ code, signal, seconds: (Date.now() - started) / 1_000 });
    });
  });
}
