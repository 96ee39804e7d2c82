import { Logger } from '@nestjs/common';
import { type BatchDependencies, type BatchItem, runCommandBatch } from './command-batch';
import { type CommandOutcome, type MemberCommand } from './member-command';
import { memberKeyOf } from './command-store';
import { classifyDatabaseError } from './retriable-database-error';

export interface PipelineOptions {
  /** Most commands decided in one transaction and sent in one Kafka request. */
  readonly maxBatch: number;
  /** How long the first command of a batch waits for company. */
  readonly lingerMs: number;
  /** Batches in flight at once (each waits on Postgres and Kafka, not on the CPU). */
  readonly concurrency: number;
}

/** `batched`: the defaults; `naive`: one command, one transaction, one awaited Kafka send. */
export const PIPELINE_MODES: Readonly<Record<'batched' | 'naive', PipelineOptions>> = {
  batched: { maxBatch: 512, lingerMs: 4, concurrency: 4 },
  naive: { maxBatch: 1, lingerMs: 0, concurrency: 64 },
};

interface Waiting extends BatchItem {
  resolve(outcome: CommandOutcome): void;
  reject(error: Error): void;
}

/**
 * Groups concurrent commands into batches (group commit): many requests share one Postgres
 * transaction and one Kafka send. A member's commands never run in two batches of this process at
 * once, so their order is the arrival order; across instances the row lock serialises them.
 */
export class CommandPipeline {
  private readonly logger = new Logger(CommandPipeline.name);
  private queue: Waiting[] = [];
  private readonly busyMembers = new Set<string>();
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: BatchDependencies,
    private readonly options: PipelineOptions,
  ) {}

  execute(command: MemberCommand, correlationId: string): Promise<CommandOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ command, correlationId, resolve, reject });
      this.schedule();
    });
  }

  /** Commands queued or running: for health and for draining on shutdown. */
  pending(): number {
    return this.queue.length + this.inFlight;
  }

  private schedule(): void {
    if (this.inFlight >= this.options.concurrency || this.queue.length === 0) return;
    if (this.queue.length >= this.options.maxBatch || this.options.lingerMs === 0) {
      this.startBatch();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.startBatch();
    }, this.options.lingerMs);
  }

  private startBatch(): void {
    while (this.inFlight < this.options.concurrency) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        for (const item of batch) this.busyMembers.delete(memberKeyOf(item.command));
        this.schedule();
      });
    }
  }

  /**
   * The next batch: queued commands in order, skipping members already in a running batch (their
   * later commands stay queued behind them, so a member's order is kept). One pass, O(queue).
   */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const inBatch = new Set<string>();
    for (const item of this.queue) {
      const member = memberKeyOf(item.command);
      const free = inBatch.has(member) || !this.busyMembers.has(member);
      if (batch.length < this.options.maxBatch && free) {
        batch.push(item);
        inBatch.add(member);
        this.busyMembers.add(member);
      } else {
        rest.push(item);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: readonly Waiting[]): Promise<void> {
    try {
      const outcomes = await runCommandBatch(this.deps, batch);
      outcomes.forEach((outcome, i) => {
        const item = batch[i] as Waiting;
        if (outcome instanceof Error) item.reject(outcome);
        else item.resolve(outcome);
      });
    } catch (error) {
      this.logger.warn(`command batch of ${batch.length} failed: ${(error as Error).message}`);
      const classified = classifyDatabaseError(error) as Error;
      for (const item of batch) item.reject(classified);
    }
  }
}

export const COMMAND_PIPELINE = Symbol('CommandPipeline');
