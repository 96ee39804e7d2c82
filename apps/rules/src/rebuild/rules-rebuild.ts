import { type Kafka } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import { type RulesDatabase } from '@loyalty/db';
import { LedgerBatchConsumer, type LedgerTopology } from '@loyalty/kafka';
import { type ProgramCatalog } from '@loyalty/programs';
import { applyRulesBatch } from '../consumer/apply-rules-batch';

export interface RulesRebuildDeps {
  readonly db: Kysely<RulesDatabase>;
  readonly kafka: Kafka;
  readonly topology: LedgerTopology;
  readonly programs: ProgramCatalog;
  /** The rules service's group: the rebuilt offsets are stored under it, so the service resumes from them. */
  readonly liveGroup: string;
  readonly onProgress?: (progress: { applied: number; lag: number; eventsPerSecond: number; etaSeconds: number | null }) => void;
}

export type RulesRebuildOutcome =
  | { readonly kind: 'rebuilt'; readonly events: number; readonly seconds: number; readonly members: number; readonly buckets: number }
  | { readonly kind: 'service-running'; readonly members: number };

/**
 * Rebuilds the rules state from offset zero: the state tables and their offsets are emptied, and
 * the whole ledger is folded again with the same code the service runs, deciding nothing (every
 * decision the service made is in the log as its own event, and folding those reproduces the
 * state they left). The day-run bookkeeping and the outbox are kept: they say what was done, not
 * what the log holds. The rules service must be stopped meanwhile (its decisions would be taken
 * on a half-built state); tier changes and day runs wait, and resume when it starts again.
 */
export async function rebuildRulesState(deps: RulesRebuildDeps): Promise<RulesRebuildOutcome> {
  const admin = deps.kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const { groups } = await admin.describeGroups([deps.liveGroup]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) return { kind: 'service-running', members };
    ends = new Map((await admin.fetchTopicOffsets(deps.topology.topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const total = [...ends.values()].reduce((s, e) => s + e, 0n);
  const started = performance.now();
  await deps.db.transaction().execute(async (trx) => {
    await sql`truncate rules_members, rules_buckets, rules_applied_events`.execute(trx);
    await sql`delete from rules_offsets where consumer = ${deps.liveGroup}`.execute(trx);
  });

  const applied = async (): Promise<bigint> => {
    const rows = await sql<{ partition: number; next_offset: number }>`
      select partition, next_offset from rules_offsets where consumer = ${deps.liveGroup} and topic = ${deps.topology.topic}`.execute(deps.db);
    return rows.rows.reduce((s, r) => s + BigInt(Math.min(Number(r.next_offset), Number(ends.get(r.partition) ?? 0n))), 0n);
  };
  const caughtUp = async (): Promise<boolean> => {
    const rows = await sql<{ partition: number; next_offset: number }>`
      select partition, next_offset from rules_offsets where consumer = ${deps.liveGroup} and topic = ${deps.topology.topic}`.execute(deps.db);
    const at = new Map(rows.rows.map((r) => [r.partition, BigInt(r.next_offset)]));
    return [...ends].every(([p, end]) => end === 0n || (at.get(p) ?? 0n) >= end);
  };

  // A throwaway group reads from the beginning; the offsets that count are the ones stored with the state.
  const groupId = `${deps.liveGroup}.rebuild-${Date.now()}`;
  const consumer = new LedgerBatchConsumer(
    deps.kafka,
    deps.topology.codec,
    { groupId, topic: deps.topology.topic, deadLetterTopic: deps.topology.deadLetterTopic, partitionsConsumedConcurrently: 4 },
    async (batch) => {
      const result = await applyRulesBatch(deps.db, deps.liveGroup, batch, { programs: deps.programs, idFor: () => '', now: () => new Date().toISOString(), decide: false });
      return result.seekTo === undefined ? undefined : { seekTo: result.seekTo };
    },
    { info: () => undefined, warn: (o, m) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`) },
  );
  await consumer.start();
  try {
    while (!(await caughtUp())) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const done = Number(await applied());
      const seconds = (performance.now() - started) / 1_000;
      const rate = done / Math.max(seconds, 0.001);
      const lag = Number(total) - done;
      deps.onProgress?.({ applied: done, lag, eventsPerSecond: rate, etaSeconds: rate > 0 ? lag / rate : null });
    }
  } finally {
    await consumer.stop();
    const cleanup = deps.kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  const counts = await sql<{ members: number; buckets: number }>`
    select (select count(*) from rules_members)::int as members, (select count(*) from rules_buckets)::int as buckets`.execute(deps.db);
  return { kind: 'rebuilt', events: Number(total), seconds: (performance.now() - started) / 1_000, members: counts.rows[0]?.members ?? 0, buckets: counts.rows[0]?.buckets ?? 0 };
}
