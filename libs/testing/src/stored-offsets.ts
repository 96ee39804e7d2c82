import { type KafkaConfig } from '@loyalty/config';
import { type Database } from '@loyalty/db';
import { createKafkaClient } from '@loyalty/kafka';
import { type Kysely, sql } from 'kysely';
import { eventually } from './eventually';

/**
 * A projector's progress as its stored offsets (consumer_offsets, written in the transaction of
 * the rows) say, whichever process wrote them: for specs that start, stop and kill projector
 * processes mid-stream and wait on the events applied rather than on any one process.
 */
export class StoredOffsets {
  private abandoned = false;

  /** `diagnostics` is added to a failed wait: e.g. the output of the projector processes. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly consumer: string,
    private readonly diagnostics: () => string = () => '',
  ) {}

  /** Events applied so far: the sum of the stored next offsets (offsets start at 0 in every partition). */
  async applied(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select coalesce(sum(next_offset), 0)::bigint as n from consumer_offsets where consumer = ${this.consumer}`.execute(this.db);
    return rows[0]?.n ?? 0;
  }

  /** Waits until the events applied satisfy `condition`, and returns them; gives up once `abandon()` is called. */
  async until(condition: (applied: number) => boolean, what: string, timeoutMs = 120_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = await this.applied();
      if (condition(n)) return n;
      if (this.abandoned || Date.now() > deadline) {
        throw new Error(`${this.abandoned ? 'gave up' : `timed out after ${timeoutMs / 1_000} s`} waiting for ${what} (at ${n} events applied)\n${this.diagnostics()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Ends every wait (the test has failed elsewhere, or is cleaning up). */
  abandon(): void {
    this.abandoned = true;
  }

  /**
   * Waits until the stored offsets reach the end of every partition of `topic`; returns the ends
   * (the offset each partition's next message would get).
   */
  async untilEndOf(kafka: KafkaConfig, topic: string, timeoutMs = 120_000): Promise<{ partition: number; end: number }[]> {
    const admin = createKafkaClient(kafka, 'test-topic-ends').admin();
    await admin.connect();
    const ends = await admin
      .fetchTopicOffsets(topic)
      .then((offsets) => offsets.map((p) => ({ partition: p.partition, end: Number(p.high) })))
      .finally(() => admin.disconnect());
    await eventually(
      async () => {
        const stored = await this.db.selectFrom('consumer_offsets').select(['partition', 'next_offset']).where('consumer', '=', this.consumer).where('topic', '=', topic).execute();
        const at = new Map(stored.map((o) => [o.partition, o.next_offset]));
        return ends.every((p) => (at.get(p.partition) ?? 0) >= p.end) ? true : undefined;
      },
      `the stored offsets of ${this.consumer} to reach the end of ${topic}`,
      timeoutMs,
    );
    return ends;
  }
}
