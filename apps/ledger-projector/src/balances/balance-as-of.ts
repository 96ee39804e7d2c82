import { type CurrencyBalance } from './get-member-balance.query';

/** A history row as the fold needs it. */
export interface HistoryMovement {
  readonly eventId: string;
  readonly eventType: string;
  readonly points: number;
  readonly causeId: string | null;
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

/**
 * A member's balance after these movements, in log order: the same arithmetic as the live
 * projection (apply-ledger-batch.ts), computed from the history alone, so a balance at any past
 * moment can be explained by the movements up to it.
 */
export function foldBalance(movements: readonly HistoryMovement[], buckets: ReadonlyMap<string, BucketFacts>): { currencies: CurrencyBalance[]; debt: number } {
  const byCurrency = new Map<string, { -readonly [K in keyof CurrencyBalance]: CurrencyBalance[K] }>();
  const row = (currency: string) => {
    let r = byCurrency.get(currency);
    if (r === undefined) {
      r = { currency, active: 0, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 0 };
      byCurrency.set(currency, r);
    }
    return r;
  };
  let debt = 0;
  for (const m of movements) {
    debt += m.debtDelta;
    for (const touched of m.buckets) {
      const facts = buckets.get(touched.bucketId);
      if (facts === undefined) throw new Error(`movement ${m.eventId} touches unknown bucket ${touched.bucketId}`);
      const r = row(facts.currency);
      if (facts.pending) r.pending += touched.points;
      else r.active += touched.points;
      switch (m.eventType) {
        case 'PointsEarned':
          // Qualifying counts the points earned, also those that went to repay debt.
          if (!facts.pending) r.qualifying += m.points;
          break;
        case 'PointsSpent':
        case 'RedemptionCancelled':
          r.spent -= touched.points;
          break;
        case 'PointsReversed':
          r.reversed -= touched.points;
          if (!facts.pending) r.qualifying += touched.points;
          break;
        case 'PointsAdjusted':
          r.debited -= touched.points;
          if (!facts.pending) r.qualifying += touched.points;
          break;
        default:
          throw new Error(`movement ${m.eventId} has an unknown type ${m.eventType}`);
      }
    }
  }
  return { currencies: [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0)), debt };
}
