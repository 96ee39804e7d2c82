import { type KafkaConfig } from '@loyalty/config';
import { type LedgerEvent } from '@loyalty/domain';
import { createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { uniqueTestId } from './unique-id';

/**
 * Everything on the spec's ledger topic up to its current end, decoded, in log order per
 * partition, partitions in order (so each member's events are in their order); an undecodable
 * message fails the read. Whole fetches are appended in place, so a hundred thousand events read
 * in a second or two.
 */
export async function readLedger(config: KafkaConfig): Promise<LedgerEvent[]> {
  const { topic, codec } = ledgerTopology(config);
  const kafka = createKafkaClient(config, 'test-ledger-batch-reader');
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const open = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  const byPartition = new Map<number, LedgerEvent[]>([...ends.keys()].map((p) => [p, []]));
  // The next offset each partition's list expects: a fetch delivered again adds nothing twice.
  const next = new Map<number, bigint>([...ends.keys()].map((p) => [p, 0n]));
  if (open.size === 0) return [];
  const consumer = kafka.consumer({ groupId: uniqueTestId('reader'), maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          const events = byPartition.get(batch.partition);
          const end = ends.get(batch.partition) ?? 0n;
          if (events === undefined || !open.has(batch.partition)) return;
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset >= end) break;
            if (offset < (next.get(batch.partition) ?? 0n)) continue;
            const decoded = await codec.decode(message.value);
            // Thrown, the fetch would only be retried: fail the read instead.
            if (!decoded.ok) return reject(new Error(`undecodable message at ${batch.partition}/${message.offset}: ${decoded.reason}`));
            events.push(decoded.event);
            next.set(batch.partition, offset + 1n);
            if (offset + 1n >= end) open.delete(batch.partition);
          }
          if (open.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  return [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p) ?? []);
}
