import { type Kysely } from 'kysely';
import { type Database } from '@loyalty/db';
import { type TokenPosition } from '@loyalty/kafka';

/** Polling starts fast (a write usually lands within a batch or two) and backs off. */
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Where the live projection stands in the ledger log: the next offset to apply per partition, as
 * committed with the rows (so a read after `reached` sees the rows). Read from Postgres, not from
 * this process's consumer, so it holds whichever instance owns the partition.
 */
export class ProjectionPositions {
  constructor(
    private readonly db: Kysely<Database>,
    readonly consumer: string,
    readonly topic: string,
  ) {}

  /** The next offset the projection will apply in a partition (0 before anything). */
  async nextOffset(partition: number): Promise<number> {
    const row = await this.db
      .selectFrom('consumer_offsets')
      .select('next_offset')
      .where('consumer', '=', this.consumer)
      .where('topic', '=', this.topic)
      .where('partition', '=', partition)
      .executeTakeFirst();
    return row?.next_offset ?? 0;
  }

  /** Waits until the projection has applied `position`, for at most `timeoutMs`; false if it has not. */
  async reached(position: TokenPosition, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let pause = FIRST_POLL_MS;
    for (;;) {
      if ((await this.nextOffset(position.partition)) > position.offset) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, MAX_POLL_MS);
    }
  }
}

export const PROJECTION_POSITIONS = Symbol('ProjectionPositions');
