import { type LedgerEvent } from '@loyalty/domain';
import { type StoredOffsets } from './stored-offsets';

export interface PacedStreamOptions {
  /** Events per send. */
  readonly sendSize: number;
  /** The producer stays at most this many events ahead of the events applied. */
  readonly backlog: number;
  /** Produces no further than this many events until `release` says otherwise; the whole stream by default. */
  readonly holdAt?: number;
}

/**
 * Produces a stream in small sends while a projector consumes it, never more than `backlog`
 * events ahead of what the projector has stored: it works all the time, in small transactions,
 * and the stream is still being produced whenever the spec kills, stops or adds a process. A spec
 * can hold the stream at a point (`holdAt`) until something has happened, then `release` it.
 */
export class PacedStreamProducer {
  private sent = 0;
  private limit: number;

  constructor(
    private readonly publish: (events: readonly LedgerEvent[]) => Promise<unknown>,
    private readonly stream: readonly LedgerEvent[],
    private readonly progress: StoredOffsets,
    private readonly options: PacedStreamOptions,
  ) {
    this.limit = Math.min(options.holdAt ?? stream.length, stream.length);
  }

  /** Events produced so far (acknowledged by every replica). */
  get produced(): number {
    return this.sent;
  }

  /** Lets the stream go on up to `events` (to its end by default). */
  release(events = this.stream.length): void {
    this.limit = Math.max(this.limit, Math.min(events, this.stream.length));
  }

  /** Produces the stream, to its end; resolves once every event is produced. */
  async run(): Promise<void> {
    const { sendSize, backlog } = this.options;
    while (this.sent < this.stream.length) {
      let end = this.sent;
      await this.progress.until(
        (applied) => {
          end = Math.min(this.sent + sendSize, this.limit);
          return end > this.sent && applied >= end - backlog;
        },
        `the projector to get within ${backlog} events of the next send, and the stream to be released past ${this.sent} events`,
      );
      await this.publish(this.stream.slice(this.sent, end));
      this.sent = end;
    }
  }
}
