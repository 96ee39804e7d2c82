// Where a rules process stands, read where it keeps it: the rules_offsets rows it commits with
// the state they produced (`consumer` is its RULES_GROUP). The drains are timed by them.
import { type Client } from 'pg';
import { type EndOffsets } from '../projector/throwaway-kafka';

/** The next offset the consumer will apply, per partition. */
export async function storedOffsets(client: Client, consumer: string, topic: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ partition: number; next_offset: string }>('select partition, next_offset from rules_offsets where consumer = $1 and topic = $2', [consumer, topic]);
  return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
}

/**
 * Events of the backlog applied: per partition, the stored offset up to the backlog's end. The
 * rules service appends its own events (TierChanged) behind the backlog, so what lies past its end
 * is not the backlog's.
 */
export const appliedWithin = (stored: ReadonlyMap<number, number>, ends: EndOffsets): number =>
  [...ends].reduce((sum, [partition, end]) => sum + Math.min(stored.get(partition) ?? 0, end), 0);

/** True once every partition's stored offset has reached `ends`. */
export const reachedEnd = (stored: ReadonlyMap<number, number>, ends: EndOffsets): boolean => [...ends].every(([partition, end]) => (stored.get(partition) ?? 0) >= end);
