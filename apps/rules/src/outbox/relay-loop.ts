import { Logger } from '@nestjs/common';
import { type OutboxRelay } from './outbox-relay';

/**
 * Runs the relay when woken (decisions were committed) and every `idleMs` anyway, which picks up
 * what another instance committed or what a crash left behind. Failures (Kafka down) are retried.
 */
export class RelayLoop {
  private readonly logger = new Logger(RelayLoop.name);
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly idleMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.busy = true;
    void this.relay
      .drain()
      .then(() => false)
      .catch((error: unknown) => {
        this.logger.warn(`outbox relay failed, retrying: ${(error as Error).message}`);
        return true;
      })
      .then((failed) => {
        this.busy = false;
        if (this.stopped) return;
        const again = this.again;
        this.again = false;
        if (again && !failed) this.kick();
        else this.timer = setTimeout(() => this.kick(), failed ? 1_000 : this.idleMs);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
