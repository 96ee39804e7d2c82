import { type ConnectorDatabase } from '@loyalty/db';
import { type Kafka } from 'kafkajs';
import { type Kysely, sql } from 'kysely';

export interface ReplayPlan {
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
  /** Journal rows forgotten: their events will be sent again. */
  readonly forgotten: number;
}

/**
 * Moves a destination back on the public topic, to an offset (the same on every partition,
 * clamped to what the topic still holds) or to the first event at or after an ISO time, and
 * forgets what its journal holds from there, so those events are sent again. The destination's
 * consumer group must be idle (the service stops the destination's worker around this).
 */
export async function replayDestination(kafka: Kafka, db: Kysely<ConnectorDatabase>, args: { topic: string; groupId: string; destination: string; from: string }): Promise<ReplayPlan> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(args.topic);
    let partitions: { partition: number; offset: string }[];
    if (/^\d+$/.test(args.from)) {
      const wanted = BigInt(args.from);
      partitions = ends.map((p) => {
        const low = BigInt(p.low);
        const high = BigInt(p.high);
        return { partition: p.partition, offset: (wanted < low ? low : wanted > high ? high : wanted).toString() };
      });
    } else {
      const at = Date.parse(args.from);
      if (!Number.isFinite(at) || !/^\d{4}-\d{2}-\d{2}T/.test(args.from)) throw new Error(`--from must be an offset or an ISO-8601 time, not ${args.from}`);
      const found = await admin.fetchTopicOffsetsByTimestamp(args.topic, at);
      const highOf = new Map(ends.map((p) => [p.partition, p.high]));
      // No message at or after the time: the partition's end.
      partitions = found.map((p) => ({ partition: p.partition, offset: p.offset === '-1' ? (highOf.get(p.partition) ?? '0') : p.offset }));
    }
    await admin.setOffsets({ groupId: args.groupId, topic: args.topic, partitions });
    let forgotten = 0;
    for (const p of partitions) {
      const result = await sql`delete from connector_deliveries where destination = ${args.destination} and partition = ${p.partition} and "offset" >= ${p.offset}`.execute(db);
      forgotten += Number(result.numAffectedRows ?? 0n);
    }
    return { partitions, forgotten };
  } finally {
    await admin.disconnect();
  }
}
