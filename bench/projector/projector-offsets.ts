// Where a projector process stands, read where it keeps it: the consumer_offsets rows it commits
// with its ledger rows, in the database it projects into. The steady phase times its drain by
// them; the rebuild phase waits on them for the top-up, and checks after the swap that the live
// consumer group was handed the new version's offsets.
import { type Client } from 'pg';
import { type EndOffsets } from './throwaway-kafka';

/** The next offset the group will apply, per partition, as stored in the live (`public`) tables. */
export async function storedOffsets(client: Client, group: string, topic: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ partition: number; next_offset: string }>('select partition, next_offset from public.consumer_offsets where consumer = $1 and topic = $2', [group, topic]);
  return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
}

/** Events applied: the stored next offsets summed (every partition starts at 0 on a fresh topic). */
export const appliedOf = (stored: ReadonlyMap<number, number>): number => [...stored.values()].reduce((a, b) => a + b, 0);

/** True once every partition's stored offset has reached its end. */
export const reachedEnd = (stored: ReadonlyMap<number, number>, ends: EndOffsets): boolean => [...ends].every(([partition, end]) => (stored.get(partition) ?? 0) >= end);
