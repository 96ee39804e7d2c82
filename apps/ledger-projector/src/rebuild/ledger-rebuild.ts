import { type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs';
import { type Kysely } from 'kysely';
import { type DatabaseConfig } from '@loyalty/config';
import { type Database } from '@loyalty/db';
import { type ConsumedEvent, type LedgerBatch, type LedgerTopology } from '@loyalty/kafka';
import { applyLedgerBatches } from '../ledger/apply-ledger-batch';
import { BatchCoalescer } from '../ledger/batch-coalescer';
import { type ChecksumComparison, compareProjections } from './projection-checksums';
import { LIVE_SCHEMA, buildSchema, createProjectionVersion, deferSecondaryIndexes, nextProjectionVersion, previousSchema } from './projection-schemas';
import { holdApplyLockExclusive, storedOffsets, swapProjection } from './projection-swap';

export interface RebuildProgress {
  readonly phase: 'building' | 'swapping';
  readonly applied: number;
  /** Events between what the new version applied and the end of the log. */
  readonly lag: number;
  readonly eventsPerSecond: number;
  /** Seconds to catch up at the current rate; null until there is a rate. */
  readonly etaSeconds: number | null;
}

export type RebuildOutcome =
  | {
      readonly kind: 'swapped';
      readonly version: number;
      readonly keptAs: string;
      readonly comparison: ChecksumComparison;
      readonly applied: number;
      /** From the first fetch to caught up: the build rate's denominator. */
      readonly buildSeconds: number;
      /** Everything: schema, build, indexes, compare and swap. */
      readonly seconds: number;
    }
  | { readonly kind: 'differences'; readonly version: number; readonly schema: string; readonly comparison: ChecksumComparison }
  | { readonly kind: 'poison'; readonly version: number; readonly schema: string; readonly partition: number; readonly offset: string; readonly reason: string }
  | { readonly kind: 'not-caught-up'; readonly version: number; readonly schema: string; readonly detail: string }
  | { readonly kind: 'failed'; readonly version: number; readonly schema: string; readonly detail: string };

export interface RebuildDependencies {
  readonly db: Kysely<Database>;
  readonly databaseConfig: DatabaseConfig;
  readonly kafka: Kafka;
  readonly topology: LedgerTopology;
  /** The live projector's consumer group: the key of its stored offsets. */
  readonly liveGroup: string;
  /** Swap even when the versions differ (after a change of projection logic); the differences are still reported. */
  readonly swapOnDifferences?: boolean;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly log?: (message: string) => void;
}

/** Lag (events) under which the build stops chasing the log and tries to swap. */
const SWAP_WHEN_LAG_BELOW = 2_000;
/** How long the live projector may be held while the new version closes the last gap and is compared. */
const SWAP_HOLD_LIMIT_MS = 120_000;
const SWAP_ATTEMPTS = 20;
const PROGRESS_EVERY_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class PoisonEvent extends Error {
  constructor(
    readonly partition: number,
    readonly offset: string,
    readonly reason: string,
  ) {
    super(`undecodable event at partition ${partition} offset ${offset}: ${reason}`);
  }
}

class LiveBehindBuild extends Error {}

/**
 * Rebuilds the ledger projection from offset zero beside the live one, without downtime: a new
 * version in its own schema, with its own consumer group and offsets, while the live version keeps
 * serving. Once caught up, the live projector is held between two applies (an advisory lock), the
 * new version closes the last gap to exactly the live offsets, both are compared member by member,
 * and only if they match are the tables swapped, in one transaction. The previous version is kept
 * (`ledger_prev_<n>`) for rollback. An undecodable event stops the rebuild with its position.
 */
export class LedgerRebuild {
  private consumer: Consumer | undefined;
  private build: Kysely<Database> | undefined;
  /** The next offset the new version will apply, per partition, as committed. */
  private readonly applied = new Map<number, number>();
  /** While swapping: apply nothing at or beyond these offsets. */
  private targets: Map<number, number> | undefined;
  private poison: PoisonEvent | undefined;
  /** An apply that failed: the build stops rather than retry from offset zero forever. */
  private failure: Error | undefined;
  /** While a swap holds the live projector: batches that start now apply nothing (refetched later). */
  private holding = false;
  private appliedEvents = 0;
  private inFlight = 0;

  constructor(private readonly deps: RebuildDependencies) {}

  async run(): Promise<RebuildOutcome> {
    const { db } = this.deps;
    const admin = this.deps.kafka.admin();
    await admin.connect();
    try {
      await this.requireLiveProjection(admin);
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    const version = await nextProjectionVersion(db);
    const schema = buildSchema(version);
    const group = `${this.deps.liveGroup}.rebuild-${version}`;
    this.log(`building version ${version} in schema ${schema} as consumer group ${group}`);
    this.build = await createProjectionVersion(db, this.deps.databaseConfig, schema);
    const restoreIndexes = await deferSecondaryIndexes(db, schema);
    const started = Date.now();
    try {
      await this.startConsuming(group);
      const caughtUp = await this.chase(admin, started);
      const buildSeconds = (Date.now() - started) / 1_000;
      if (caughtUp !== true) return { kind: 'poison', version, schema, partition: caughtUp.partition, offset: caughtUp.offset, reason: caughtUp.reason };
      this.log('caught up; building the secondary indexes');
      await restoreIndexes();

      for (let attempt = 1; attempt <= SWAP_ATTEMPTS; attempt += 1) {
        try {
          const keptAs = previousSchema(version);
          const comparison = await this.swapOnce(schema, keptAs, group);
          if (comparison.differing > 0 && this.deps.swapOnDifferences !== true) return { kind: 'differences', version, schema, comparison };
          await admin.deleteGroups([group]).catch(() => undefined);
          return { kind: 'swapped', version, keptAs, comparison, applied: this.appliedEvents, buildSeconds, seconds: (Date.now() - started) / 1_000 };
        } catch (error) {
          if (!(error instanceof LiveBehindBuild)) throw error;
          // The new version got ahead of the live one: let the live projector catch up, then retry.
          this.log(`attempt ${attempt}: ${error.message}; waiting for the live projector`);
          await sleep(1_000);
        }
      }
      return { kind: 'not-caught-up', version, schema, detail: `the live projector stayed behind the new version through ${SWAP_ATTEMPTS} attempts` };
    } catch (error) {
      if (error instanceof PoisonEvent) return { kind: 'poison', version, schema, partition: error.partition, offset: error.offset, reason: error.reason };
      if (this.failure !== undefined && error === this.failure) return { kind: 'failed', version, schema, detail: `applying to the new version failed: ${this.failure.message}` };
      throw error;
    } finally {
      await this.consumer?.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await this.build?.destroy();
    }
  }

  /**
   * A rebuild replaces a live projection: refuse to build (possibly for minutes) when the live
   * group has applied nothing while the log holds events (a mistyped group, say).
   */
  private async requireLiveProjection(admin: ReturnType<Kafka['admin']>): Promise<void> {
    const { topic } = this.deps.topology;
    const live = await storedOffsets(this.deps.db, LIVE_SCHEMA, this.deps.liveGroup, topic);
    if ([...live.values()].some((next) => next > 0)) return;
    const ends = await admin.fetchTopicOffsets(topic);
    if (ends.some((p) => Number(p.high) > 0)) {
      throw new Error(`the live projection has applied nothing as consumer group ${this.deps.liveGroup} while ${topic} holds events: is LEDGER_PROJECTOR_GROUP the live projector's?`);
    }
  }

  private log(message: string): void {
    this.deps.log?.(message);
  }

  private async startConsuming(group: string): Promise<void> {
    const { kafka, topology } = this.deps;
    const build = this.build;
    if (build === undefined) throw new Error('no version to build into');
    this.consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false, maxBytesPerPartition: 4 * 1024 * 1024, minBytes: 256 * 1024, maxWaitTimeInMs: 100 });
    // A whole fetch (all partitions) is applied in one transaction, as the live projector does.
    const coalescer = new BatchCoalescer<LedgerBatch>(async (batches) => {
      await applyLedgerBatches(build, group, batches, { liveSwapLock: false });
      for (const b of batches) this.applied.set(b.partition, Math.max(this.applied.get(b.partition) ?? 0, Number(b.nextOffset)));
      this.appliedEvents += batches.reduce((n, b) => n + b.events.length, 0);
    }, 2);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: topology.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 16,
      eachBatch: async (payload: EachBatchPayload) => {
        this.inFlight += 1;
        try {
          await this.onBatch(payload, coalescer);
        } finally {
          this.inFlight -= 1;
        }
      },
    });
  }

  private async onBatch({ batch, heartbeat, resolveOffset }: EachBatchPayload, coalescer: BatchCoalescer<LedgerBatch>): Promise<void> {
    if (batch.messages.length === 0 || this.poison !== undefined || this.failure !== undefined || this.holding) return;
    const target = this.targets?.get(batch.partition);
    const events: ConsumedEvent[] = [];
    let next = BigInt(batch.lastOffset()) + 1n;
    for (const message of batch.messages) {
      if (target !== undefined && BigInt(message.offset) >= BigInt(target)) {
        next = BigInt(target);
        break;
      }
      const decoded = await this.deps.topology.codec.decode(message.value);
      if (!decoded.ok) {
        // In a rebuild a poison event stops everything: skipping it would build a different ledger.
        this.poison = new PoisonEvent(batch.partition, message.offset, decoded.reason);
        return;
      }
      events.push({ offset: message.offset, event: decoded.event });
    }
    if (events.length === 0 && next <= BigInt(this.applied.get(batch.partition) ?? 0)) return;
    try {
      await coalescer.add({ topic: batch.topic, partition: batch.partition, events, firstOffset: batch.firstOffset() ?? next.toString(), nextOffset: next.toString() });
    } catch (error) {
      // Not handed back to kafkajs: it would restart the consumer, and an uncommitted build group
      // reads again from offset zero, forever. The run reports it instead.
      this.failure = error instanceof Error ? error : new Error(String(error));
      return;
    }
    resolveOffset((next - 1n).toString());
    await heartbeat();
  }

  /** Consumes until the lag is small; true, or the poison event that stopped it. */
  private async chase(admin: ReturnType<Kafka['admin']>, started: number): Promise<true | PoisonEvent> {
    const { topic } = this.deps.topology;
    let lastApplied = 0;
    let lastAt = Date.now();
    let rate = 0;
    for (;;) {
      await sleep(PROGRESS_EVERY_MS);
      if (this.poison !== undefined) return this.poison;
      if (this.failure !== undefined) throw this.failure;
      const ends = await admin.fetchTopicOffsets(topic);
      const lag = ends.reduce((sum, p) => sum + Math.max(0, Number(p.high) - (this.applied.get(p.partition) ?? 0)), 0);
      const now = Date.now();
      const instant = ((this.appliedEvents - lastApplied) * 1_000) / Math.max(1, now - lastAt);
      rate = rate === 0 ? instant : 0.7 * rate + 0.3 * instant;
      lastApplied = this.appliedEvents;
      lastAt = now;
      this.deps.onProgress?.({ phase: 'building', applied: this.appliedEvents, lag, eventsPerSecond: rate, etaSeconds: rate > 0 ? lag / rate : null });
      if (lag < SWAP_WHEN_LAG_BELOW && now - started > PROGRESS_EVERY_MS) return true;
    }
  }

  /**
   * Holds the live projector, closes the gap to its exact offsets, compares, and swaps when equal.
   * Throws LiveBehindBuild when the new version is ahead in some partition (nothing changed then).
   */
  private async swapOnce(schema: string, keptAs: string, group: string): Promise<ChecksumComparison> {
    const consumer = this.consumer;
    if (consumer === undefined) throw new Error('not consuming');
    const { topic } = this.deps.topology;
    // Batches kafkajs already queued may still start after the pause: the flag makes them apply
    // nothing (they are fetched again after the resume).
    this.holding = true;
    consumer.pause([{ topic }]);
    while (this.inFlight > 0) await sleep(10);
    try {
      return await this.deps.db.transaction().execute(async (trx) => {
        await holdApplyLockExclusive(trx);
        const live = await storedOffsets(trx, LIVE_SCHEMA, this.deps.liveGroup, topic);
        // What the new version committed, not what this process believes it applied.
        const built = await storedOffsets(trx, schema, group, topic);
        for (const [partition, next] of built) {
          if (next > (live.get(partition) ?? 0)) throw new LiveBehindBuild(`partition ${partition}: live at ${live.get(partition) ?? 0}, new version at ${next}`);
        }
        this.targets = live;
        this.holding = false;
        consumer.resume([{ topic }]);
        const deadline = Date.now() + SWAP_HOLD_LIMIT_MS;
        const behind = () => [...live].filter(([partition, next]) => (this.applied.get(partition) ?? 0) < next);
        while (behind().length > 0) {
          if (this.poison !== undefined) throw this.poison;
          if (this.failure !== undefined) throw this.failure;
          if (Date.now() > deadline) throw new Error(`the new version did not reach the live offsets within ${SWAP_HOLD_LIMIT_MS / 1_000} s`);
          this.deps.onProgress?.({ phase: 'swapping', applied: this.appliedEvents, lag: behind().reduce((n, [p, next]) => n + next - (this.applied.get(p) ?? 0), 0), eventsPerSecond: 0, etaSeconds: null });
          await sleep(20);
        }
        this.holding = true;
        consumer.pause([{ topic }]);
        while (this.inFlight > 0) await sleep(10);
        const comparison = await compareProjections(trx, LIVE_SCHEMA, schema);
        if (comparison.differing === 0 || this.deps.swapOnDifferences === true) {
          await swapProjection(trx, { incoming: schema, keepAs: keptAs, incomingConsumer: group, liveConsumer: this.deps.liveGroup });
        }
        return comparison;
      });
    } finally {
      this.targets = undefined;
      this.holding = false;
    }
  }
}
