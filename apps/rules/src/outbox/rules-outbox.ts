import { type Kysely, type Transaction, sql } from 'kysely';
import { type RulesDatabase } from '@loyalty/db';
import { type LedgerEvent, type RulesCommand, type RulesDecision } from '@loyalty/domain';

type Db = Kysely<RulesDatabase> | Transaction<RulesDatabase>;

export type OutboxItem = { readonly kind: 'event'; readonly payload: LedgerEvent } | { readonly kind: 'command'; readonly payload: RulesCommand };

/**
 * Stores decisions in the transaction that changed the state they were decided on: if the
 * transaction commits they will be published, if it rolls back they never existed. Order is kept
 * (the relay publishes by sequence), so a member's events reach the log in the order decided.
 */
export async function enqueue(db: Db, items: readonly OutboxItem[]): Promise<string | null> {
  if (items.length === 0) return null;
  const rows = await sql<{ seq: string }>`
    insert into rules_outbox (kind, payload)
    select kind, payload from unnest(${items.map((i) => i.kind)}::text[], ${items.map((i) => JSON.stringify(i.payload))}::jsonb[]) with ordinality as t(kind, payload, n)
    order by n
    returning seq`.execute(db);
  return rows.rows.reduce<string | null>((max, r) => (max === null || BigInt(r.seq) > BigInt(max) ? r.seq : max), null);
}

/** A decision as outbox items: its events first, then its commands. */
export function outboxItems(decision: RulesDecision): OutboxItem[] {
  return [...decision.events.map((payload) => ({ kind: 'event' as const, payload })), ...decision.commands.map((payload) => ({ kind: 'command' as const, payload }))];
}
