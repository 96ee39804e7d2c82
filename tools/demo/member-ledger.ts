// One member's events as they reach the ledger topic, read by the demo as any subscriber would.
// The dev ledger can hold millions of events, so the reader does not scan it from the beginning:
// a member's events are all in one partition (key `<tenant>|<member>`), and a write's consistency
// token names that partition and the offset of the write's last event, so the reader seeks there.
import { type Consumer } from 'kafkajs';
import { type KafkaConfig } from '@loyalty/config';
import { type LedgerEvent } from '@loyalty/domain';
import { type TokenPosition, consistencyTokenOf, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { sleep } from './demo-http';

/** An event with its place in the log (its consistency token: reads carrying it reflect the event). */
export interface PlacedEvent {
  readonly event: LedgerEvent;
  readonly offset: string;
  readonly token: string;
}

export interface MemberLedger {
  /** The member's events read so far, in log order. */
  readonly events: () => readonly PlacedEvent[];
  /**
   * Waits until `probe` finds what it looks for among the member's events, at most `timeoutMs`;
   * past that, throws naming `what` and listing the events that did come (plus `progress()`).
   */
  readonly until: <T>(what: string, probe: (events: readonly PlacedEvent[]) => T | undefined, timeoutMs: number, progress?: () => Promise<string>) => Promise<T>;
  readonly stop: () => Promise<void>;
}

/**
 * Starts reading the member's partition at `from` (a write's position). The consumer joins a group
 * of its own (ids unique per run) only because kafkajs seeks through a group; it commits nothing.
 *
 * @example
 * const ledger = await watchMemberLedger(kafka, 'demo', 'm-1', parseConsistencyToken(enrolled.consistencyToken), 'demo-1234');
 * await ledger.until('Bronze', (events) => events.find((e) => e.event.type === 'TierChanged'), 60_000);
 */
export async function watchMemberLedger(config: KafkaConfig, tenantId: string, memberId: string, from: TokenPosition, run: string): Promise<MemberLedger> {
  const { topic, codec } = ledgerTopology(config);
  const key = `${tenantId}|${memberId}`;
  // Keyed by offset: a message delivered before the seek took effect and again after it counts once.
  const seen = new Map<bigint, PlacedEvent>();
  let failure: Error | undefined;
  const consumer: Consumer = createKafkaClient(config, 'demo-ledger-reader').consumer({ groupId: `demo-ledger-reader-${run}-${memberId}`, allowAutoTopicCreation: false });
  // kafkajs restarts the consumer after a retriable crash; only one it gives up on stops the demo.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) failure ??= new Error(`the ledger reader stopped: ${payload.error.message}`);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (partition !== from.partition || message.key?.toString('utf8') !== key || BigInt(message.offset) < BigInt(from.offset)) return;
      const decoded = await codec.decode(message.value);
      if (!decoded.ok) {
        failure ??= new Error(`undecodable ledger event at ${partition}/${message.offset}: ${decoded.reason}`);
        return;
      }
      const { event } = decoded;
      if (event.metadata.tenantId !== tenantId || event.metadata.memberId !== memberId) return;
      seen.set(BigInt(message.offset), { event, offset: message.offset, token: consistencyTokenOf({ partition, offset: message.offset }) });
    },
  });
  // After run(): the group is joined, so the seek applies to the partition this consumer now holds.
  consumer.seek({ topic, partition: from.partition, offset: String(from.offset) });

  const events = (): PlacedEvent[] => [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  return {
    events,
    until: async (what, probe, timeoutMs, progress) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure !== undefined) throw failure;
        const found = probe(events());
        if (found !== undefined) return found;
        if (Date.now() > deadline) {
          const got = events().map((e) => e.event.type);
          const where = progress === undefined ? '' : `; ${await progress()}`;
          throw new Error(`${what}: not on the ledger topic after ${timeoutMs / 1_000} s (the member's events there: ${got.length === 0 ? 'none' : got.join(', ')}${where})`);
        }
        await sleep(250);
      }
    },
    stop: () => consumer.disconnect(),
  };
}
