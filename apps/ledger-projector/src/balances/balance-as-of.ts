import { type CurrencyBalance } from './get-member-balance.query';

/** A history row as the fold needs it. */
export interface HistoryMovement {
  readonly eventId: string;
  readonly eventType: string;
  readonly points: number;
  readonly causeId: string | null;
  /** The bucket an earning, activation or expiry concerns. */
  readonly bucketId: string | null;
  /** The purchase an earning was made on, or a reversal takes back. */
  readonly transactionId: string | null;
  readonly buckets: readonly { readonly bucketId: string; readonly points: number }[];
  readonly debtDelta: number;
  readonly recordedAt: string;
}

/** What the fold needs to know of a bucket; both never change after the bucket is created. */
export interface BucketFacts {
  readonly currency: string;
  /** Created pending (in the return window). */
  readonly pending: boolean;
}

type Row = { -readonly [K in keyof CurrencyBalance]: CurrencyBalance[K] };
interface BucketState {
  readonly currency: string;
  pending: boolean;
  remaining: number;
  expired: boolean;
}

/**
 * A member's balance after these movements, in log order: the same arithmetic as the live
 * projection (ledger-batch-effects.ts), computed from the history alone, so a balance at any past
 * moment can be explained by the movements up to it. Qualifying points too: per currency, and for
 * the member (all currencies, also what a reversal took beyond buckets of a purchase it cannot find).
 */
export function foldBalance(movements: readonly HistoryMovement[], facts: ReadonlyMap<string, BucketFacts>): { currencies: CurrencyBalance[]; debt: number; qualifyingPoints: number } {
  const byCurrency = new Map<string, Row>();
  const row = (currency: string) => {
    let r = byCurrency.get(currency);
    if (r === undefined) {
      r = { currency, active: 0, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 0 };
      byCurrency.set(currency, r);
    }
    return r;
  };
  const buckets = new Map<string, BucketState>();
  const purchases = new Map<string, string>();
  const known = (m: HistoryMovement, bucketId: string): BucketFacts => {
    const f = facts.get(bucketId);
    if (f === undefined) throw new Error(`movement ${m.eventId} touches unknown bucket ${bucketId}`);
    return f;
  };
  let debt = 0;
  let qualifyingPoints = 0;

  for (const m of movements) {
    debt += m.debtDelta;
    switch (m.eventType) {
      case 'PointsEarned': {
        for (const touched of m.buckets) {
          const f = known(m, touched.bucketId);
          // The first earning naming a bucket opened it; another one changes no bucket.
          if (buckets.has(touched.bucketId)) continue;
          buckets.set(touched.bucketId, { currency: f.currency, pending: f.pending, remaining: touched.points, expired: false });
          if (m.transactionId !== null && !purchases.has(m.transactionId)) purchases.set(m.transactionId, f.currency);
          const r = row(f.currency);
          if (f.pending) r.pending += touched.points;
          else {
            r.active += touched.points;
            // Qualifying counts the points earned, also those that went to repay debt.
            r.qualifying += m.points;
            qualifyingPoints += m.points;
          }
        }
        break;
      }
      case 'PointsActivated': {
        if (m.bucketId === null) break;
        known(m, m.bucketId);
        const b = buckets.get(m.bucketId);
        if (b === undefined || !b.pending) break;
        b.pending = false;
        const r = row(b.currency);
        r.pending -= b.remaining;
        r.active += b.remaining;
        r.qualifying += m.points;
        qualifyingPoints += m.points;
        break;
      }
      case 'PointsExpired': {
        for (const touched of m.buckets) {
          known(m, touched.bucketId);
          const b = buckets.get(touched.bucketId);
          if (b === undefined || b.expired) continue;
          b.expired = true;
          move(b, touched.points, row(b.currency), 'expired');
          row(b.currency).qualifying += touched.points;
          qualifyingPoints += touched.points;
        }
        break;
      }
      case 'PointsSpent':
      case 'RedemptionCancelled':
        for (const touched of m.buckets) {
          known(m, touched.bucketId);
          const b = buckets.get(touched.bucketId);
          if (b !== undefined) move(b, touched.points, row(b.currency), 'spent');
        }
        break;
      case 'PointsReversed':
      case 'PointsAdjusted': {
        const reversal = m.eventType === 'PointsReversed';
        // Read before the moves: a return cancels pending points, which never counted.
        let pendingTaken = 0;
        let attributed = 0;
        for (const touched of m.buckets) {
          known(m, touched.bucketId);
          const b = buckets.get(touched.bucketId);
          if (b === undefined) continue;
          attributed -= touched.points;
          if (reversal && b.pending) pendingTaken -= touched.points;
          else row(b.currency).qualifying += touched.points;
          move(b, touched.points, row(b.currency), reversal ? 'reversed' : 'debited');
        }
        qualifyingPoints += m.points + pendingTaken;
        // Written off or owed: counted in the currency of the purchase's bucket.
        const purchase = reversal && m.transactionId !== null ? purchases.get(m.transactionId) : undefined;
        if (purchase !== undefined) row(purchase).qualifying += m.points + attributed;
        break;
      }
      default:
        throw new Error(`movement ${m.eventId} has an unknown type ${m.eventType}`);
    }
  }
  return { currencies: [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0)), debt, qualifyingPoints };
}

function move(bucket: BucketState, points: number, r: Row, column: 'spent' | 'reversed' | 'debited' | 'expired'): void {
  bucket.remaining += points;
  if (bucket.pending) r.pending += points;
  else r.active += points;
  r[column] -= points;
}
