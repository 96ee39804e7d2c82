// The benchmarks change shared state (ingestion restarted in another mode, throwaway topics,
// tables, databases and processes). Whatever happens (an error, Ctrl-C, a run that overruns its
// time budget) that state is put back before the process exits. Shared by both harnesses, so both
// undo their work the same way.

/**
 * How a phase hands the harness what it must undo (drop a table or database, delete topics, stop a
 * process or a load): registered before the thing exists, run newest first by Cleanup.run, also on
 * failure, Ctrl-C or an overrun time budget.
 */
export type RegisterCleanup = (name: string, fn: () => Promise<void>) => void;

type Step = { readonly name: string; readonly fn: () => Promise<void> };

const STEP_TIMEOUT_MS = 180_000;

export class Cleanup {
  private readonly steps: Step[] = [];
  private running: Promise<void> | undefined;

  /**
   * Throws once the cleanup has begun (Ctrl-C, an overrun budget): the run is stopping, and
   * whatever the caller was about to create (registered before it exists) would be left behind.
   */
  add(name: string, fn: () => Promise<void>): void {
    if (this.running !== undefined) throw new Error(`the benchmark is stopping: "${name}" was not started`);
    this.steps.push({ name, fn });
  }

  /** Runs the steps newest first, once; a failing or hanging step does not stop the others. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of [...this.steps].reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
        });
        try {
          await Promise.race([step.fn(), timeout]);
        } catch (error) {
          console.error(`[bench] cleanup "${step.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.running;
  }
}

/**
 * Runs the cleanup and exits on SIGINT, SIGTERM or when `budgetMs` has passed (the run is bounded
 * in time whatever the server does). Returns a function that disarms the watchdog.
 */
export function guardWithCleanup(cleanup: Cleanup, budgetMs: number): () => void {
  const bail = (reason: string, code: number) => {
    console.error(`[bench] ${reason}: restoring the stack before exiting`);
    void cleanup.run().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail('interrupted', 130));
  process.once('SIGTERM', () => bail('terminated', 143));
  const watchdog = setTimeout(() => bail(`time budget of ${Math.round(budgetMs / 1000)} s exceeded`, 124), budgetMs);
  watchdog.unref();
  return () => clearTimeout(watchdog);
}
