import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type CustomTier } from '../program/program-config';

export interface BucketState {
  readonly bucketId: string;
  readonly currency: string;
  readonly amount: number;
  readonly remaining: number;
  readonly pending: boolean;
  readonly earnedAt: string;
  readonly activeFrom: string;
  readonly expiresAt: string | null;
  /**
   * Points a return could not take back because they were already spent (written off). If the
   * spend is later cancelled, the points coming back repay this first instead of becoming
   * spendable again: returned goods never earn points.
   */
  readonly owed: number;
  /**
   * True once a PointsExpired took what was left. Its points are never spendable again, not even
   * those a cancelled redemption gives back, and a second expiry of it changes nothing.
   */
  readonly expired: boolean;
}

export interface TransactionLineState {
  readonly category: string;
  readonly quantity: number;
  readonly amountMinor: number;
  readonly points: number;
  readonly returnedQuantity: number;
  readonly returnedAmountMinor: number;
  readonly reversedPoints: number;
}

export interface TransactionState {
  readonly transactionId: string;
  readonly bucketId: string | null;
  readonly lines: Readonly<Record<string, TransactionLineState>>;
}

export interface RedemptionState {
  readonly points: number;
  readonly buckets: readonly BucketAmount[];
  readonly cancelled: boolean;
}

export interface OfferState {
  readonly activityType: string;
  readonly bonusPoints: number;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly used: boolean;
}

/**
 * What the write side knows of one member, folded from the member's events: enough to decide the
 * next command (spendable buckets, what each purchase line earned, limits, open offers).
 */
export interface MemberState {
  readonly enrolled: boolean;
  readonly customTiers: readonly CustomTier[];
  readonly buckets: Readonly<Record<string, BucketState>>;
  readonly transactions: Readonly<Record<string, TransactionState>>;
  readonly redemptions: Readonly<Record<string, RedemptionState>>;
  /** Activities counted per `<type>|<periodKey>`. */
  readonly activityCounts: Readonly<Record<string, number>>;
  readonly offers: Readonly<Record<string, OfferState>>;
  /** Points owed after returns of already-spent points (allow-negative policy). */
  readonly debt: number;
}

export const INITIAL_MEMBER_STATE: MemberState = {
  enrolled: false,
  customTiers: [],
  buckets: {},
  transactions: {},
  redemptions: {},
  activityCounts: {},
  offers: {},
  debt: 0,
};
