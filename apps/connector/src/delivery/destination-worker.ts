import { Logger } from '@nestjs/common';
import { type ConnectorDatabase } from '@loyalty/db';
import { type ConnectorEvent, EMPTY_SNAPSHOT } from '@loyalty/domain';
import { type ConnectorTopology } from '@loyalty/kafka';
import { type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs';
import { type Kysely } from 'kysely';
import { type DestinationConfig } from '../destinations/destination-config';
import { loadContacts, memberKey } from '../feed/member-snapshots.store';
import { type DeliveryDeps, type PendingEvent, deliverEvents } from './deliver-events';

/** The public topic's partitions (schemas/topics.json). */
const PUBLIC_TOPIC_PARTITIONS = 12;

/** The consumer group of a destination on the public topic: its position is the destination's own. */
export function destinationGroup(prefix: string, destination: string): string {
  return `${prefix}connector.${destination}.v1`;
}

export interface WorkerObserver {
  lag(destination: string, partition: number, lag: number): void;
}

/**
 * Delivers the public topic to one destination, from its own consumer group: a destination that is
 * down holds back only its own position (the topic keeps the backlog), never the others'. Each
 * partition is delivered in order; `concurrency` partitions at once.
 */
export class DestinationWorker {
  private readonly logger: Logger;
  private consumer: Consumer | undefined;
  private stopping = false;
  private readonly sleepers = new Set<() => void>();
  private crashed: Error | undefined;
  private readonly busy = new Map<number, Promise<unknown>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly topology: ConnectorTopology,
    readonly groupId: string,
    private readonly db: Kysely<ConnectorDatabase>,
    private readonly config: DestinationConfig,
    private readonly deps: Omit<DeliveryDeps, 'wait' | 'stopping'>,
    private readonly observer: WorkerObserver,
  ) {
    this.logger = new Logger(`DestinationWorker:${config.name}`);
  }

  get name(): string {
    return this.config.name;
  }

  failure(): Error | undefined {
    return this.crashed;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.deps.limiter.resume();
    this.crashed = undefined;
    const consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 1024 * 1024, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.warn(`consumer crashed (${payload.restart ? 'restarting' : 'stopped'}): ${payload.error.message}`);
      if (!payload.restart) this.crashed = payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topology.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition at once: the destination's slots bound what is in flight at the vendor.
      partitionsConsumedConcurrently: PUBLIC_TOPIC_PARTITIONS,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Stops after the request in flight (if any) is answered; a retry wait ends at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.deps.limiter.interrupt();
    for (const wake of this.sleepers) wake();
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { partition } = payload.batch;
    if (this.busy.has(partition)) this.logger.warn(`partition ${partition}: a batch from ${payload.batch.firstOffset()} arrived while one is in progress; it waits`);
    // One batch per partition at a time, whatever the consumer hands over: the journal is the
    // second line of defence, not the first.
    const previous = this.busy.get(partition) ?? Promise.resolve();
    const turn = previous.then(() => this.deliverBatch(payload));
    const settled = turn.catch(() => undefined);
    this.busy.set(partition, settled);
    try {
      await turn;
    } finally {
      if (this.busy.get(partition) === settled) this.busy.delete(partition);
    }
  }

  private async deliverBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || this.stopping || isStale()) return;
    const pending: PendingEvent[] = [];
    const events: { event: ConnectorEvent; offset: string }[] = [];
    for (const message of batch.messages) {
      const decoded = await this.topology.codec.decodeRecord(message.value);
      if (!decoded.ok) {
        // Our own topic, written through the registry: an undecodable message is a bug to see, not data to send.
        this.logger.warn(`undecodable message at ${batch.partition}/${message.offset}: ${decoded.reason}`);
        continue;
      }
      const event = decoded.record as ConnectorEvent;
      if (event.tenantId === this.config.tenantId && this.config.enabled && (this.config.events as readonly string[]).includes(event.type)) events.push({ event, offset: message.offset });
    }
    if (events.length > 0) {
      const members = [...new Map(events.map(({ event }) => [memberKey(event.tenantId, event.memberId), { tenantId: event.tenantId, memberId: event.memberId }])).values()];
      const contacts = await loadContacts(this.db, members);
      for (const { event, offset } of events) pending.push({ event, offset, partition: batch.partition, contact: contacts.get(memberKey(event.tenantId, event.memberId)) ?? EMPTY_SNAPSHOT.contact });
    }

    // A batch can take long (thousands of requests, a vendor down for hours): the group must keep
    // hearing from this member, or it hands the partition to someone else mid-batch.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
    let outcome: Awaited<ReturnType<typeof deliverEvents>>;
    try {
      outcome = await deliverEvents({ ...this.deps, stopping: () => this.stopping || !isRunning() || isStale(), wait: (ms) => this.wait(ms, heartbeat) }, pending);
    } finally {
      clearInterval(beat);
    }
    if (outcome === 'stopped') return; // nothing resolved: the rest is fetched again
    const last = batch.lastOffset();
    resolveOffset(last);
    const next = (BigInt(last) + 1n).toString();
    await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    this.observer.lag(this.config.name, batch.partition, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))));
    await heartbeat();
  }

  /** Sleeps `ms`, heartbeating every few seconds (a vendor outage can last hours); false when stopped. */
  private async wait(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.stopping) {
      const left = until - Date.now();
      if (left <= 0) return true;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 3_000));
        this.sleepers.add(done);
      });
      if (!this.stopping) await heartbeat().catch(() => undefined);
    }
    return false;
  }
}
