// Phase 5: the NAIVE projector, a baseline, not the service. It gives the same result as the real
// one (apps/ledger-projector/src/ledger: ledger.projection.ts and apply-ledger-batch.ts) but works
// the way a first implementation would: kafkajs `eachMessage`, one partition at a time, and ONE
// POSTGRES TRANSACTION PER EVENT (lock the partition's offset row, insert the entry, then its
// bucket or its bucket moves, the balance and the debt row by row, advance the offset, commit).
// It runs inside the benchmark, on the first BENCH_NAIVE_EVENTS events of the same backlog, into
// a throwaway database of its own, with its own consumer group.
//
// The mapping from event to rows below restates projectLedgerEvent (benchmark code may not import
// an app); when the projection changes, this file must follow it.
import { type DatabaseConfig } from '@loyalty/config';
import { type BucketAmount, type LedgerEvent } from '@loyalty/domain';
import { type Client } from 'pg';
import { percentile } from '../shared/percentile';
import { type RegisterCleanup } from '../shared/cleanup';
import { type DrainResult, drainTimes, raceDrain } from './drain';
import { drainConsumer } from './drain-consumer';
import { type ProjectionCheck, checkProjection } from './projection-check';
import { clientOf } from './throwaway-database';
import { type ThrowawayLedger } from './throwaway-kafka';

export interface NaiveSpec {
  readonly brokers: readonly string[];
  readonly ledger: ThrowawayLedger;
  readonly database: DatabaseConfig;
  readonly groupId: string;
  /** Events to apply; the run stops there. */
  readonly events: number;
  readonly timeoutS: number;
  readonly stallS: number;
}

export interface NaiveResult extends DrainResult {
  /** Latency of one event's transaction. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly check: ProjectionCheck | undefined;
}

interface Entry {
  readonly currency: string | null;
  readonly points: number;
  readonly bucketId: string | null;
  readonly transactionId: string | null;
}

interface Change {
  readonly entry: Entry;
  readonly newBucket: Extract<LedgerEvent, { type: 'PointsEarned' }>['data'] | null;
  readonly moves: readonly { readonly bucketId: string; readonly delta: number }[];
  readonly debtDelta: number;
}

const moved = (buckets: readonly BucketAmount[], sign: 1 | -1) => buckets.map((b) => ({ bucketId: b.bucketId, delta: sign * b.points }));

/** What one event changes, as projectLedgerEvent has it; null for events that move no points. */
function changeOf(event: LedgerEvent): Change | null {
  const entry = (currency: string | null, points: number, bucketId: string | null = null, transactionId: string | null = null): Entry => ({ currency, points, bucketId, transactionId });
  switch (event.type) {
    case 'PointsEarned': {
      const { data } = event;
      const tx = data.source.kind === 'PURCHASE' ? data.source.sourceId : null;
      return { entry: entry(data.currency, data.points, data.bucketId, tx), newBucket: data, moves: [], debtDelta: 0 - data.debtRecovered };
    }
    case 'PointsSpent':
      return { entry: entry(null, -event.data.points), newBucket: null, moves: moved(event.data.buckets, -1), debtDelta: 0 };
    case 'RedemptionCancelled':
      return { entry: entry(null, event.data.points), newBucket: null, moves: moved(event.data.buckets, 1), debtDelta: 0 };
    case 'PointsReversed':
      return { entry: entry(null, -event.data.points, null, event.data.transactionId), newBucket: null, moves: moved(event.data.buckets, -1), debtDelta: event.data.debt };
    case 'PointsAdjusted':
      return { entry: entry(null, -event.data.buckets.reduce((s, b) => s + b.points, 0)), newBucket: null, moves: moved(event.data.buckets, -1), debtDelta: 0 };
    default:
      return null;
  }
}

const UPSERT_BALANCE = `
  insert into member_balances (tenant_id, member_id, currency, active, pending, updated_at) values ($1, $2, $3, $4, $5, $6)
  on conflict (tenant_id, member_id, currency) do update set
    active = member_balances.active + excluded.active, pending = member_balances.pending + excluded.pending, updated_at = excluded.updated_at`;

/** One event, one transaction: the naive way. An event below the partition's stored offset (a redelivery) changes nothing. */
async function applyOne(client: Client, consumer: string, topic: string, partition: number, offset: number, event: LedgerEvent): Promise<void> {
  const { metadata: m } = event;
  await client.query('begin');
  try {
    await client.query('insert into consumer_offsets (consumer, topic, partition, next_offset) values ($1, $2, $3, 0) on conflict do nothing', [consumer, topic, partition]);
    const { rows } = await client.query<{ next_offset: string }>('select next_offset from consumer_offsets where consumer = $1 and topic = $2 and partition = $3 for update', [consumer, topic, partition]);
    if (offset >= Number(rows[0]?.next_offset ?? 0)) {
      const change = changeOf(event);
      const inserted =
        change === null
          ? 0
          : (
              await client.query(
                `insert into ledger_entries (tenant_id, event_id, member_id, event_type, currency, points, bucket_id, transaction_id, occurred_at, recorded_at, program_version, log_partition, log_offset)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) on conflict (tenant_id, event_id) do nothing`,
                [m.tenantId, m.eventId, m.memberId, event.type, change.entry.currency, change.entry.points, change.entry.bucketId, change.entry.transactionId, m.occurredAt, m.recordedAt, m.programVersion, partition, offset],
              )
            ).rowCount;
      if (change !== null && inserted === 1) {
        const b = change.newBucket;
        if (b !== null) {
          const remaining = b.points - b.debtRecovered;
          const created = await client.query(
            `insert into point_buckets (tenant_id, bucket_id, member_id, currency, amount, remaining, pending, earned_at, active_from, expires_at, source_transaction_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (tenant_id, bucket_id) do nothing`,
            [m.tenantId, b.bucketId, m.memberId, b.currency, b.points, remaining, b.pending, b.earnedAt, b.activeFrom, b.expiresAt, change.entry.transactionId],
          );
          if (created.rowCount === 1) await client.query(UPSERT_BALANCE, [m.tenantId, m.memberId, b.currency, b.pending ? 0 : remaining, b.pending ? remaining : 0, m.recordedAt]);
        }
        for (const move of change.moves) {
          const { rows: bucket } = await client.query<{ member_id: string; currency: string; pending: boolean }>(
            'update point_buckets set remaining = remaining + $3 where tenant_id = $1 and bucket_id = $2 returning member_id, currency, pending',
            [m.tenantId, move.bucketId, move.delta],
          );
          const hit = bucket[0];
          if (hit !== undefined) await client.query(UPSERT_BALANCE, [m.tenantId, hit.member_id, hit.currency, hit.pending ? 0 : move.delta, hit.pending ? move.delta : 0, m.recordedAt]);
        }
        if (change.debtDelta !== 0) {
          await client.query(
            'insert into member_debts (tenant_id, member_id, debt) values ($1, $2, $3) on conflict (tenant_id, member_id) do update set debt = member_debts.debt + excluded.debt',
            [m.tenantId, m.memberId, change.debtDelta],
          );
        }
      }
      await client.query('update consumer_offsets set next_offset = $4, updated_at = now() where consumer = $1 and topic = $2 and partition = $3', [consumer, topic, partition, offset + 1]);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

export async function measureNaiveProjector(spec: NaiveSpec, registerCleanup: RegisterCleanup): Promise<NaiveResult> {
  const { topic, codec } = spec.ledger.topology;
  const client = clientOf(spec.database, 'naive', { statement_timeout: 60_000 });
  // The real projector's fetch settings; only the apply differs.
  const { consumer, joinedAt, stop } = drainConsumer(spec.brokers, 'bench-naive-projector', spec.groupId, () => client.end());
  registerCleanup(`stop the naive projector (group ${spec.groupId})`, stop);

  const latencies: number[] = [];
  let applied = 0;
  const expected = { entries: 0, netPoints: 0 };
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  let failure: string | undefined;
  let finish: (() => void) | undefined;
  const drained = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();
  try {
    await client.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (applied >= spec.events || failure !== undefined) return;
        try {
          const decoded = await codec.decode(message.value);
          if (!decoded.ok) throw new Error(`undecodable message at ${partition}/${message.offset}: ${decoded.reason}`);
          const begunAt = performance.now();
          await applyOne(client, spec.groupId, topic, partition, Number(message.offset), decoded.event);
          lastAt = performance.now();
          latencies.push(lastAt - begunAt);
          firstAt ??= lastAt;
          applied += 1;
          const change = changeOf(decoded.event);
          expected.entries += change === null ? 0 : 1;
          expected.netPoints += change?.entry.points ?? 0;
          if (applied >= spec.events) finish?.();
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
          finish?.();
        }
      },
    });
    console.error(`[bench] naive projector: applying ${spec.events.toLocaleString('en-US')} events one transaction each`);
    const timedOut = await raceDrain(drained, () => ({ progressAt: lastAt ?? joinedAt() ?? started, started }), spec.timeoutS, spec.stallS);
    await consumer.disconnect();
    const endAt = lastAt ?? performance.now();
    const error = failure ?? timedOut ?? (joinedAt() === undefined ? 'the consumer never reported joining its group' : undefined);
    const check = error === undefined ? await checkProjection(client, expected) : undefined;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      events: applied,
      ...drainTimes(started, joinedAt(), firstAt, endAt),
      error: error ?? check?.mismatch,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      check,
    };
  } finally {
    await stop();
  }
}
