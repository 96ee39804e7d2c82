import { type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';

/** Where each consumer stands in each partition; written in the same transaction as its rows. */
export interface ConsumerOffsetsTable {
  consumer: string;
  topic: string;
  partition: number;
  next_offset: number;
  updated_at: Generated<Date>;
}

/** Every movement of points, with its cause; `(tenant_id, event_id)` also guards against duplicates. */
export interface LedgerEntriesTable {
  tenant_id: string;
  event_id: string;
  member_id: string;
  event_type: string;
  /** The currency of a credit; null for movements that may span buckets of several currencies. */
  currency: string | null;
  /** Signed: credits positive, spends and reversals negative. */
  points: number;
  bucket_id: string | null;
  transaction_id: string | null;
  occurred_at: string;
  recorded_at: string;
  program_version: string | null;
  log_partition: number;
  log_offset: number;
  /** The redemption, return, adjustment or purchase the movement belongs to. */
  cause_id: Generated<string | null>;
  /** An operator's reason (adjustments). */
  reason: Generated<string | null>;
  /** The buckets touched, with signed points: `[{ bucketId, points }]`. */
  buckets: Generated<unknown>;
  /** Change of the member's debt: positive when owed, negative when repaid. */
  debt_delta: Generated<number>;
}

/** A member's points in one currency, by state. */
export interface MemberBalancesTable {
  tenant_id: string;
  member_id: string;
  currency: string;
  active: number;
  pending: number;
  /** Spent on redemptions, net of cancellations. */
  spent: Generated<number>;
  /** Taken back by returns. */
  reversed: Generated<number>;
  /** Taken by operators' debits. */
  debited: Generated<number>;
  /** Taken by expiries. */
  expired: Generated<number>;
  /**
   * This currency's share of the member's qualifying points (see MemberTiersTable): what a
   * reversal took beyond its buckets counts in the currency of the purchase's bucket.
   */
  qualifying: Generated<number>;
  updated_at: string;
}

/** One credit and what is left of it. */
export interface PointBucketsTable {
  tenant_id: string;
  bucket_id: string;
  member_id: string;
  currency: string;
  amount: number;
  remaining: number;
  pending: boolean;
  earned_at: string;
  active_from: string;
  expires_at: string | null;
  source_transaction_id: string | null;
  /** When its pending points became active (PointsActivated); null when never pending or still pending. */
  activated_at: Generated<string | null>;
  /** When what was left of it expired (PointsExpired). */
  expired_at: Generated<string | null>;
}

/** A member's negative balance (allow-negative return policy). */
export interface MemberDebtsTable {
  tenant_id: string;
  member_id: string;
  debt: number;
}

/**
 * A member's standing for tiers. Qualifying points, all currencies together, as the rules service
 * counts them: + active earnings (in full) and activations, - expiries, - reversals (less what
 * they took from buckets then pending), - operators' debits; spending does not change them.
 */
export interface MemberTiersTable {
  tenant_id: string;
  member_id: string;
  qualifying_points: Generated<number>;
  /** The tier of the member's latest TierChanged; null before the first (the ladder's first level). */
  tier_id: Generated<string | null>;
  tier_changed_at: Generated<string | null>;
  tier_reason: Generated<string | null>;
  tier_program_version: Generated<string | null>;
  /** The assigned tiers held (vip, employee), sorted. */
  custom_tiers: Generated<unknown>;
}

/** Every tier event: threshold tier changes and custom tiers assigned or revoked. */
export interface MemberTierHistoryTable {
  tenant_id: string;
  event_id: string;
  member_id: string;
  event_type: string;
  /** The tier reached (TierChanged), or the custom tier assigned or revoked. */
  tier: string;
  from_tier: string | null;
  direction: string | null;
  reason: string | null;
  qualifying_points: number | null;
  /** The custom tiers a TierChanged names. */
  custom_tiers: unknown;
  /** When it took effect: `changedAt` of a TierChanged, the occurrence of a custom tier event. */
  effective_at: string;
  recorded_at: string;
  program_version: string | null;
  log_partition: number;
  log_offset: number;
}

export interface LedgerDatabase {
  member_debts: MemberDebtsTable;
  member_tiers: MemberTiersTable;
  member_tier_history: MemberTierHistoryTable;
  consumer_offsets: ConsumerOffsetsTable;
  ledger_entries: LedgerEntriesTable;
  member_balances: MemberBalancesTable;
  point_buckets: PointBucketsTable;
}

export type Database = LedgerDatabase & IngestionDatabase;

export type ConsumerOffset = Selectable<ConsumerOffsetsTable>;
export type NewLedgerEntry = Insertable<LedgerEntriesTable>;
export type LedgerEntry = Selectable<LedgerEntriesTable>;
export type MemberBalance = Selectable<MemberBalancesTable>;
export type NewMemberBalance = Insertable<MemberBalancesTable>;
export type MemberBalanceUpdate = Updateable<MemberBalancesTable>;
export type NewPointBucket = Insertable<PointBucketsTable>;
export type PointBucket = Selectable<PointBucketsTable>;
export type MemberTiers = Selectable<MemberTiersTable>;
export type NewMemberTierHistory = Insertable<MemberTierHistoryTable>;
export type MemberTierHistory = Selectable<MemberTierHistoryTable>;

/** Ingestion's write model: the small part of a member's decision state, and its lock. */
export interface IngestionMembersTable {
  tenant_id: string;
  member_id: string;
  enrolled: boolean;
  custom_tiers: unknown;
  debt: number;
  activity_counts: unknown;
  offers: unknown;
}

export interface IngestionBucketsTable {
  tenant_id: string;
  bucket_id: string;
  member_id: string;
  currency: string;
  amount: number;
  remaining: number;
  pending: boolean;
  earned_at: string;
  active_from: string;
  expires_at: string | null;
  owed: number;
  /** Closed by a PointsExpired. */
  expired: boolean;
}

export interface IngestionTransactionsTable {
  tenant_id: string;
  member_id: string;
  transaction_id: string;
  bucket_id: string | null;
  lines: unknown;
}

export interface IngestionRedemptionsTable {
  tenant_id: string;
  member_id: string;
  redemption_id: string;
  points: number;
  buckets: unknown;
  cancelled: boolean;
}

/** Ingestion's command log: the idempotency record of every command decided. */
export interface IngestionCommandsTable {
  tenant_id: string;
  command_key: string;
  seq: Generated<number>;
  member_id: string;
  request_hash: string;
  status: number;
  summary: unknown;
  event_ids: unknown;
  /** True when the command had no events to publish (or was published before batches existed). */
  published: boolean;
  position: string | null;
  /** The batch that carries its events (and, once published, its position). */
  batch_id: number | null;
  batch_index: number | null;
  created_at: Generated<Date>;
}

/**
 * Ingestion's outbox, one row per pipeline batch: its events until Kafka acknowledged them, then
 * each command's position in the log.
 */
export interface IngestionBatchesTable {
  batch_id: Generated<number>;
  /** `JSON.stringify([tenantId, memberId])` of every member with events in the batch. */
  member_keys: string[];
  /** `[tenantId, commandKey, eventCount]` per command, in the order of `events`. */
  commands: unknown;
  /** Null once Kafka acknowledged them. */
  events: unknown;
  /** The consistency token of each command (by its index in `commands`), once published. */
  positions: unknown;
  created_at: Generated<Date>;
}

export interface IngestionDatabase {
  ingestion_members: IngestionMembersTable;
  ingestion_buckets: IngestionBucketsTable;
  ingestion_transactions: IngestionTransactionsTable;
  ingestion_redemptions: IngestionRedemptionsTable;
  ingestion_commands: IngestionCommandsTable;
  ingestion_batches: IngestionBatchesTable;
}
