import { Logger } from '@nestjs/common';
import { type DayRun } from './day-run';

/**
 * Looks at the clock every tick and moves each tenant's day on. It polls rather than sleeping until
 * the next midnight because the clock may jump (`npm run clock -- advance 30d` outside
 * production): a jump of 30 days runs the 30 days one after the other, each at its own boundary.
 */
export class DayScheduler {
  private readonly logger = new Logger(DayScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly days: DayRun,
    private readonly tickMs: number,
    private readonly onProgress: () => void,
    private readonly onStep: (outcome: string) => void = () => undefined,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(this.tickMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn(`day run step failed, retried next tick: ${(error as Error).message}`))
        .then((progressed) => this.schedule(progressed === true ? 0 : this.tickMs));
    }, delayMs);
  }

  /** One step for every tenant; true when any moved on (then the next tick comes at once). */
  async tick(): Promise<boolean> {
    let progressed = false;
    for (const tenant of await this.days.tenants()) {
      if (this.stopped) break;
      const outcome = await this.days.step(tenant);
      if (outcome !== 'idle') this.onStep(outcome);
      if (outcome === 'progress') progressed = true;
    }
    if (progressed) this.onProgress();
    return progressed;
  }
}
