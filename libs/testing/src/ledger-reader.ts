import { type KafkaConfig } from '@loyalty/config';
import { type LedgerEvent } from '@loyalty/domain';
import { createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { uniqueTestId } from './unique-id';

/**
 * Everything on a spec's ledger topic up to its current end, decoded, in log order per partition
 * (so each member's events are in their order). Undecodable messages fail the read.
 */
export async function readLedger(config: KafkaConfig): Promise<LedgerEvent[]> {
  const { topic, codec } = ledgerTopology(config);
  const kafka = createKafkaClient(config, 'test-ledger-reader');
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const open = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  const byPartition = new Map<number, LedgerEvent[]>();
  if (open.size === 0) return [];
  const consumer = kafka.consumer({ groupId: uniqueTestId('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          if (!open.has(partition)) return;
          const decoded = await codec.decode(message.value);
          if (!decoded.ok) throw new Error(`undecodable message at ${partition}/${message.offset}: ${decoded.reason}`);
          byPartition.set(partition, [...(byPartition.get(partition) ?? []), decoded.event]);
          if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) open.delete(partition);
          if (open.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p) ?? []);
}
