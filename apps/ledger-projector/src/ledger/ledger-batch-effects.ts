import { type LedgerRowChanges } from './ledger.projection';

/** A bucket as stored before the batch: what its movements' effects depend on. */
export interface StoredBucket {
  readonly tenantId: string;
  readonly bucketId: string;
  readonly memberId: string;
  readonly currency: string;
  readonly pending: boolean;
  readonly remaining: number;
  readonly expired: boolean;
  readonly sourceTransactionId: string | null;
}

/** What the batch needs to know of the stored projection, read before its effects are resolved. */
export interface StoredState {
  /** Every stored bucket the batch names (earned, moved, activated or expired), and the buckets of the purchases it reverses. */
  readonly buckets: readonly StoredBucket[];
  /** `tenant\u0000bucket` of the buckets this batch inserted (the first earning naming each). */
  readonly created: ReadonlySet<string>;
  /** The stored custom tiers of the members whose custom tiers the batch changes. */
  readonly customTiers: ReadonlyMap<string, readonly string[]>;
}

export interface BucketUpdate {
  readonly tenantId: string;
  readonly bucketId: string;
  readonly delta: number;
  readonly activatedAt: string | null;
  readonly expiredAt: string | null;
}

export interface BalanceDelta {
  readonly tenantId: string;
  readonly memberId: string;
  readonly currency: string;
  readonly active: number;
  readonly pending: number;
  readonly spent: number;
  readonly reversed: number;
  readonly debited: number;
  readonly expired: number;
  readonly qualifying: number;
  /** The recording time of the latest event that changed the row. */
  readonly recordedAt: string;
}

export interface MemberUpdate {
  readonly tenantId: string;
  readonly memberId: string;
  readonly qualifyingPoints: number;
  /** The batch's latest TierChanged of the member; null when none. */
  readonly tier: { readonly tierId: string; readonly changedAt: string; readonly reason: string; readonly programVersion: string | null } | null;
  /** The custom tiers after the batch; null when the batch did not change them. */
  readonly customTiers: readonly string[] | null;
}

export interface LedgerBatchEffects {
  readonly buckets: readonly BucketUpdate[];
  readonly balances: readonly BalanceDelta[];
  readonly members: readonly MemberUpdate[];
  readonly debts: readonly { readonly tenantId: string; readonly memberId: string; readonly debt: number }[];
}

export const stateKey = (...parts: readonly string[]): string => parts.join('\u0000');

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface BucketState {
  readonly memberId: string;
  readonly currency: string;
  pending: boolean;
  remaining: number;
  expired: boolean;
}

/**
 * Resolves the changes of a batch's new events, in log order, against the stored state: the
 * effects that depend on a bucket as it was at the time of each event (pending or active, its
 * currency, already expired). Summed per bucket, balance row and member, for one write each.
 *
 * Rules the fold of the log (`foldLedgerBalances`) states too: a movement of a bucket not (yet)
 * opened changes nothing; an activation changes only a pending bucket, an expiry a bucket not
 * expired before; qualifying points follow the rules service's definition, and per currency the
 * part of a reversal beyond its buckets counts in the currency of the purchase's bucket.
 */
export function ledgerBatchEffects(changes: readonly LedgerRowChanges[], stored: StoredState): LedgerBatchEffects {
  const buckets = new Map<string, BucketState>();
  const purchases = new Map<string, string>();
  for (const b of stored.buckets) {
    buckets.set(stateKey(b.tenantId, b.bucketId), { memberId: b.memberId, currency: b.currency, pending: b.pending, remaining: b.remaining, expired: b.expired });
    if (b.sourceTransactionId !== null) purchases.set(stateKey(b.tenantId, b.memberId, b.sourceTransactionId), b.currency);
  }
  const bucketUpdates = new Map<string, Mutable<BucketUpdate>>();
  const balances = new Map<string, Mutable<BalanceDelta>>();
  const members = new Map<string, Mutable<MemberUpdate>>();
  const debts = new Map<string, { tenantId: string; memberId: string; debt: number }>();

  const balance = (tenantId: string, memberId: string, currency: string, recordedAt: string) => {
    const k = stateKey(tenantId, memberId, currency);
    let row = balances.get(k);
    if (row === undefined) {
      row = { tenantId, memberId, currency, active: 0, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 0, recordedAt };
      balances.set(k, row);
    }
    if (recordedAt > row.recordedAt) row.recordedAt = recordedAt;
    return row;
  };
  const bucketUpdate = (tenantId: string, bucketId: string) => {
    const k = stateKey(tenantId, bucketId);
    let row = bucketUpdates.get(k);
    if (row === undefined) {
      row = { tenantId, bucketId, delta: 0, activatedAt: null, expiredAt: null };
      bucketUpdates.set(k, row);
    }
    return row;
  };

  for (const c of changes) {
    const memberKey = stateKey(c.tenantId, c.memberId);
    let member = members.get(memberKey);
    if (member === undefined) {
      member = { tenantId: c.tenantId, memberId: c.memberId, qualifyingPoints: 0, tier: null, customTiers: null };
      members.set(memberKey, member);
    }

    const created = c.newBucket;
    if (created !== null) {
      const k = stateKey(created.tenant_id, created.bucket_id);
      // Only the earning that opened the bucket counts; a second one naming it changes no bucket.
      if (stored.created.has(k) && !buckets.has(k)) {
        buckets.set(k, { memberId: created.member_id, currency: created.currency, pending: created.pending, remaining: created.remaining, expired: false });
        if (created.source_transaction_id !== null && created.source_transaction_id !== undefined) {
          purchases.set(stateKey(created.tenant_id, created.member_id, created.source_transaction_id), created.currency);
        }
        const row = balance(c.tenantId, created.member_id, created.currency, c.recordedAt);
        if (created.pending) row.pending += created.remaining;
        else {
          row.active += created.remaining;
          // Qualifying counts the points earned, also those that went to repay debt.
          row.qualifying += created.amount;
          member.qualifyingPoints += created.amount;
        }
      }
    }

    if (c.qualifyingTaken !== null) {
      const taken = c.qualifyingTaken;
      // Read before the moves: "pending at the time" of the event.
      let pendingTaken = 0;
      let attributed = 0;
      for (const m of c.bucketMovements) {
        const b = buckets.get(stateKey(c.tenantId, m.bucketId));
        if (b === undefined) continue;
        attributed -= m.delta;
        if (b.pending && taken.exceptPending) pendingTaken -= m.delta;
        else balance(c.tenantId, b.memberId, b.currency, c.recordedAt).qualifying += m.delta;
      }
      member.qualifyingPoints -= taken.points - pendingTaken;
      const purchaseCurrency = taken.transactionId === null ? undefined : purchases.get(stateKey(c.tenantId, c.memberId, taken.transactionId));
      // Without the purchase's bucket the rest counts for the member only.
      if (purchaseCurrency !== undefined) balance(c.tenantId, c.memberId, purchaseCurrency, c.recordedAt).qualifying -= taken.points - attributed;
    }

    if (c.activation !== null) {
      const b = buckets.get(stateKey(c.tenantId, c.activation.bucketId));
      if (b !== undefined && b.pending) {
        b.pending = false;
        const row = balance(c.tenantId, b.memberId, b.currency, c.recordedAt);
        // What is left of the bucket moves, so the balance stays the sum of its buckets.
        row.pending -= b.remaining;
        row.active += b.remaining;
        row.qualifying += c.activation.points;
        member.qualifyingPoints += c.activation.points;
        bucketUpdate(c.tenantId, c.activation.bucketId).activatedAt = c.activation.activatedAt;
      }
    }

    let moves = true;
    if (c.expiry !== null) {
      const b = buckets.get(stateKey(c.tenantId, c.expiry.bucketId));
      // A bucket expires once: a second expiry of it moves nothing.
      moves = b !== undefined && !b.expired;
      if (b !== undefined && !b.expired) {
        b.expired = true;
        balance(c.tenantId, b.memberId, b.currency, c.recordedAt).qualifying -= c.expiry.points;
        member.qualifyingPoints -= c.expiry.points;
        bucketUpdate(c.tenantId, c.expiry.bucketId).expiredAt = c.expiry.expiredAt;
      }
    }
    if (moves) {
      for (const m of c.bucketMovements) {
        const b = buckets.get(stateKey(c.tenantId, m.bucketId));
        if (b === undefined) continue;
        b.remaining += m.delta;
        bucketUpdate(c.tenantId, m.bucketId).delta += m.delta;
        const row = balance(c.tenantId, b.memberId, b.currency, c.recordedAt);
        if (b.pending) row.pending += m.delta;
        else row.active += m.delta;
        row[m.kind] -= m.delta;
      }
    }

    if (c.debtDelta !== 0) {
      const debt = debts.get(memberKey) ?? { tenantId: c.tenantId, memberId: c.memberId, debt: 0 };
      debt.debt += c.debtDelta;
      debts.set(memberKey, debt);
    }
    if (c.tierChange !== null) member.tier = c.tierChange;
    if (c.customTier !== null) {
      const held = member.customTiers ?? stored.customTiers.get(memberKey) ?? [];
      const { tier } = c.customTier;
      member.customTiers = c.customTier.held ? (held.includes(tier) ? held : [...held, tier].sort()) : held.filter((t) => t !== tier);
    }
  }

  return {
    buckets: [...bucketUpdates.values()].filter((u) => u.delta !== 0 || u.activatedAt !== null || u.expiredAt !== null),
    balances: [...balances.values()],
    members: [...members.values()],
    debts: [...debts.values()].filter((d) => d.debt !== 0),
  };
}
