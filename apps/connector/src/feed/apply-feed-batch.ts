import { type ConnectorDatabase } from '@loyalty/db';
import { type ConnectorEvent, EMPTY_SNAPSHOT, type MemberSnapshot, type TierNames, evolveSnapshot, hasSeen, toConnectorEvent } from '@loyalty/domain';
import { type LedgerBatch } from '@loyalty/kafka';
import { type ProgramCatalog } from '@loyalty/programs';
import { type Kysely, sql } from 'kysely';
import { type MemberRef, loadSnapshots, memberKey, saveContacts, saveSnapshots } from './member-snapshots.store';

export interface FeedDeps {
  readonly programs: ProgramCatalog;
  /** Publishes the batch's public events and resolves once Kafka has them all. */
  readonly publish: (events: readonly ConnectorEvent[]) => Promise<void>;
}

export interface FeedResult {
  readonly published: number;
  readonly seekTo?: string;
}

/**
 * Turns one partition's batch of ledger events into public events. The members' snapshots and the
 * partition's offset commit in one transaction, after Kafka acknowledged the public events: a
 * crash in between publishes the batch again, with the same content (the fold is deterministic),
 * which subscribers and the destinations' journals absorb by event id.
 */
export async function applyFeedBatch(db: Kysely<ConnectorDatabase>, consumer: string, batch: LedgerBatch, deps: FeedDeps): Promise<FeedResult> {
  return db.transaction().execute(async (trx): Promise<FeedResult> => {
    const stored = await sql<{ next_offset: string }>`
      insert into connector_offsets (consumer, topic, partition, next_offset) values (${consumer}, ${batch.topic}, ${batch.partition}, 0)
      on conflict (consumer, topic, partition) do update set next_offset = connector_offsets.next_offset
      returning next_offset`.execute(trx);
    const from = BigInt(stored.rows[0]?.next_offset ?? 0);
    if (BigInt(batch.firstOffset) > from) return { published: 0, seekTo: from.toString() };
    const fresh = batch.events.filter((e) => BigInt(e.offset) >= from).map((e) => e.event);
    if (BigInt(batch.nextOffset) <= from) return { published: 0 };

    const members = new Map<string, MemberRef>();
    for (const e of fresh) members.set(memberKey(e.metadata.tenantId, e.metadata.memberId), { tenantId: e.metadata.tenantId, memberId: e.metadata.memberId });
    const sorted = [...members.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
    const snapshots = await loadSnapshots(trx, sorted);
    const changed = new Set<string>();
    const contacts = new Map<string, MemberRef & { contact: MemberSnapshot['contact'] }>();
    const published: ConnectorEvent[] = [];
    for (const event of fresh) {
      const key = memberKey(event.metadata.tenantId, event.metadata.memberId);
      const before = snapshots.get(key) ?? EMPTY_SNAPSHOT;
      if (hasSeen(before, event.metadata.eventId)) continue; // the ledger carried it twice
      const after = evolveSnapshot(before, event);
      snapshots.set(key, after);
      changed.add(key);
      if (after.contact !== before.contact) contacts.set(key, { tenantId: event.metadata.tenantId, memberId: event.metadata.memberId, contact: after.contact });
      const visible = toConnectorEvent(event, after, tierNamesAt(deps.programs, event.metadata.tenantId, event.metadata.occurredAt));
      if (visible !== null) published.push(visible);
    }
    // Contacts first, on their own: destinations look them up as soon as the events are out.
    await saveContacts(db, [...contacts.values()]);
    await deps.publish(published);
    await saveSnapshots(
      trx,
      sorted.filter((m) => changed.has(memberKey(m.tenantId, m.memberId))).map((m) => ({ ...m, snapshot: snapshots.get(memberKey(m.tenantId, m.memberId)) ?? EMPTY_SNAPSHOT })),
    );
    await sql`update connector_offsets set next_offset = ${batch.nextOffset} where consumer = ${consumer} and topic = ${batch.topic} and partition = ${batch.partition}`.execute(trx);
    return { published: published.length };
  });
}

/** Tier names of the program version in force when the event happened; an unknown id stands for itself. */
function tierNamesAt(programs: ProgramCatalog, tenantId: string, time: string): TierNames {
  return (id) => {
    try {
      const program = programs.at(tenantId, time);
      return program.tiers.levels.find((l) => l.id === id)?.name ?? id;
    } catch {
      return id;
    }
  };
}
