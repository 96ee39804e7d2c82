/**
 * The slices of a member's state a command decides on. The write model keeps a member's buckets,
 * transactions and redemptions in rows of their own, so a decision reads what it needs and the
 * cost of a command does not grow with the member's history.
 */
export interface StateNeeds {
  /** Active, unexpired buckets with points left (spending, debits, returns). */
  readonly spendableBuckets: boolean;
  readonly transactionIds: readonly string[];
  readonly redemptionIds: readonly string[];
  /** Buckets named by id, whatever they hold (activations and expiries). */
  readonly bucketIds: readonly string[];
}

export const NO_NEEDS: StateNeeds = { spendableBuckets: false, transactionIds: [], redemptionIds: [], bucketIds: [] };

export function mergeNeeds(a: StateNeeds, b: StateNeeds): StateNeeds {
  return {
    spendableBuckets: a.spendableBuckets || b.spendableBuckets,
    transactionIds: [...new Set([...a.transactionIds, ...b.transactionIds])],
    redemptionIds: [...new Set([...a.redemptionIds, ...b.redemptionIds])],
    bucketIds: [...new Set([...a.bucketIds, ...b.bucketIds])],
  };
}
