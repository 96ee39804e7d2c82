import { HttpStatus, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ProblemException } from '@loyalty/http';
import { type RebuildDependencies, type RebuildOutcome, type RebuildProgress, LedgerRebuild } from './ledger-rebuild';

export interface RebuildRunView {
  readonly id: string;
  readonly projection: 'ledger';
  readonly startedAt: string;
  readonly state: 'running' | 'finished' | 'failed';
  readonly progress: RebuildProgress | null;
  readonly outcome: RebuildOutcome | null;
  readonly error: string | null;
}


/**
 * Rebuilds started through the admin API, run in this projector process in the background, one at
 * a time (a second start while one runs is refused). The same LedgerRebuild as `npm run rebuild`.
 */
@Injectable()
export class RebuildRuns implements OnApplicationShutdown {
  private readonly logger = new Logger(RebuildRuns.name);
  private current: { -readonly [K in keyof RebuildRunView]: RebuildRunView[K] } | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: Omit<RebuildDependencies, 'onProgress' | 'log' | 'swapOnDifferences'>) {}

  start(options: { swapOnDifferences: boolean; now: string; id: string }): RebuildRunView {
    if (this.current?.state === 'running') {
      throw new ProblemException({ title: 'A rebuild is running', status: HttpStatus.CONFLICT, code: 'REBUILD.ALREADY_RUNNING', detail: `rebuild ${this.current.id} has not finished` });
    }
    const run: NonNullable<typeof this.current> = { id: options.id, projection: 'ledger', startedAt: options.now, state: 'running', progress: null, outcome: null, error: null };
    this.current = run;
    const rebuild = new LedgerRebuild({
      ...this.deps,
      swapOnDifferences: options.swapOnDifferences,
      onProgress: (p) => {
        run.progress = p;
      },
      log: (m) => this.logger.log(m),
    });
    this.running = rebuild.run().then(
      (outcome) => {
        run.outcome = outcome;
        run.state = 'finished';
        this.logger.log(`rebuild ${run.id}: ${outcome.kind}`);
      },
      (error: unknown) => {
        run.error = error instanceof Error ? error.message : String(error);
        run.state = 'failed';
        this.logger.error(`rebuild ${run.id} failed: ${run.error}`);
      },
    );
    return { ...run };
  }

  view(): RebuildRunView | undefined {
    return this.current === undefined ? undefined : { ...this.current };
  }

  async onApplicationShutdown(): Promise<void> {
    // A rebuild cut short leaves its build schema; it is never half-swapped (the swap is one transaction).
    await this.running?.catch(() => undefined);
  }
}
