// Generated from schemas/avro/ledger-event.avsc by `npm run schemas:generate`. Do not edit: change the .avsc files.

/** The envelope every ledger event carries. Times are ISO-8601 UTC strings. */
export interface EventMetadata {
  /** Deterministic where possible: derived from the storefront's own ids, so a resend has the same id. */
  readonly eventId: string;
  readonly tenantId: string;
  readonly memberId: string;
  /** When it happened in the world (ISO-8601 UTC). */
  readonly occurredAt: string;
  /** When the ledger recorded it (ISO-8601 UTC). */
  readonly recordedAt: string;
  readonly correlationId: string;
  readonly causationId: null | string;
  /** Version of the event's payload contract. */
  readonly schemaVersion: number;
  /** Program configuration version that produced the event, where one did. */
  readonly programVersion: null | string;
}

/** A member joined the program. Personal data stays minimal: ids and contact points the program needs. */
export interface MemberEnrolled {
  readonly enrolledAt: string;
  readonly email: null | string;
  readonly phone: null | string;
  readonly loyaltyCardNumber: null | string;
}

/** Contact fields changed. `changed` names the fields set by this update (a null value among them clears it). */
export interface MemberProfileUpdated {
  readonly changed: readonly (string)[];
  readonly email: null | string;
  readonly phone: null | string;
  readonly loyaltyCardNumber: null | string;
}

/** An assigned (not earned) tier such as vip or employee. */
export interface CustomTierAssigned {
  readonly tier: string;
}

export interface CustomTierRevoked {
  readonly tier: string;
}

export interface PurchaseLine {
  readonly lineId: string;
  readonly sku: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly discountMinor: number;
  /** quantity x unitPriceMinor - discountMinor: what was paid for the line. */
  readonly amountMinor: number;
}

/** A storefront purchase, as sent (money in minor units). Its points, if any, follow as PointsEarned. */
export interface PurchaseRecorded {
  readonly transactionId: string;
  readonly channel: string;
  /** ISO 4217 code. */
  readonly moneyCurrency: string;
  readonly totalMinor: number;
  readonly lines: readonly (PurchaseLine)[];
}

export interface ReturnedLine {
  readonly lineId: string;
  /** Units returned, when the return names them. */
  readonly quantity: null | number;
  /** Money refunded for the line, in minor units. */
  readonly amountMinor: number;
}

/** Goods of an earlier purchase came back. The points it reverses follow as PointsReversed. */
export interface ReturnRecorded {
  readonly returnId: string;
  readonly transactionId: string;
  readonly lines: readonly (ReturnedLine)[];
}

/** A custom activity (product-usage, review-written, ...). Points, if awarded, follow as PointsEarned. */
export interface ActivityRecorded {
  readonly activityId: string;
  readonly activityType: string;
  /** The limit period it counted in, e.g. 2026-11-22 or 2026-11 (tenant time zone). */
  readonly periodKey: string;
  /** True when the period's limit was already reached: recorded, no points. */
  readonly limited: boolean;
}

/** The points of one purchase line (earned, or reversed by a return), so a return can reverse exactly those. */
export interface LinePoints {
  readonly lineId: string;
  readonly category: string;
  /** Money of the line, in integer minor units. */
  readonly amountMinor: number;
  readonly points: number;
}

/** What a credit came from. */
export interface PointsSource {
  readonly kind: 'PURCHASE' | 'ACTIVITY' | 'ADJUSTMENT' | 'REENGAGEMENT';
  /** Transaction, activity, adjustment or offer id. */
  readonly sourceId: string;
  readonly lines: readonly (LinePoints)[];
}

/** A credit: creates one bucket of points in one currency. */
export interface PointsEarned {
  readonly bucketId: string;
  /** Point currency, e.g. permanent or temporary. */
  readonly currency: string;
  /** Points credited: basePoints x multiplier, rounded down. */
  readonly points: number;
  /** Points before the custom-tier multiplier. */
  readonly basePoints: number;
  /** Multiplier applied, in hundredths (100 = none). */
  readonly multiplierHundredths: number;
  /** Part of the credit used to repay a negative balance; the bucket holds points - debtRecovered. */
  readonly debtRecovered: number;
  readonly earnedAt: string;
  /** Pending until then; equal to earnedAt when the points are active at once. */
  readonly activeFrom: string;
  /** True when the points wait for the return window (activated later by PointsActivated). */
  readonly pending: boolean;
  readonly expiresAt: null | string;
  readonly source: PointsSource;
}

/** Points taken from (or given back to) one bucket. */
export interface BucketAmount {
  readonly bucketId: string;
  readonly points: number;
}

/** A redemption: active points taken soonest-expiring first, then oldest; names every bucket it touched. */
export interface PointsSpent {
  readonly redemptionId: string;
  readonly points: number;
  readonly reward: null | string;
  readonly buckets: readonly (BucketAmount)[];
}

/** A redemption undone: the same points go back to the same buckets. */
export interface RedemptionCancelled {
  readonly redemptionId: string;
  readonly points: number;
  readonly buckets: readonly (BucketAmount)[];
}

/** Points taken back because of a return: never more than the returned lines earned. */
export interface PointsReversed {
  readonly returnId: string;
  readonly transactionId: string;
  /** Total reversed: taken from buckets + written off + added to debt. */
  readonly points: number;
  /** Taken from buckets (pending ones are simply cancelled). */
  readonly buckets: readonly (BucketAmount)[];
  /** Already spent and not recoverable under the deduct-available policy. */
  readonly writtenOff: number;
  /** Already spent and owed under the allow-negative policy; repaid from later credits. */
  readonly debt: number;
  readonly lines: readonly (LinePoints)[];
}

/** A manual correction by an operator: a debit from buckets (soonest-expiring first). Manual credits are PointsEarned with source ADJUSTMENT. */
export interface PointsAdjusted {
  readonly adjustmentId: string;
  /** Points debited (positive). */
  readonly points: number;
  readonly reason: string;
  /** The admin credential's label, never the credential. */
  readonly actor: string;
  readonly buckets: readonly (BucketAmount)[];
}

/** A time-boxed offer: the first qualifying activity inside the window earns bonus temporary points. */
export interface ReengagementOfferGranted {
  readonly offerId: string;
  readonly activityType: string;
  readonly bonusPoints: number;
  readonly validFrom: string;
  readonly validUntil: string;
}

/** Pending points became active at the tenant's day boundary (the return window is over). Decided by ingestion on the rules service's command, so the write model and the log agree. */
export interface PointsActivated {
  readonly bucketId: string;
  readonly currency: string;
  /** Points of the bucket that became active (what is left of it after returns). */
  readonly points: number;
  /** The day boundary that activated them (ISO-8601 UTC). */
  readonly activatedAt: string;
}

/** What was left of a bucket expired at the tenant's day boundary. Decided by ingestion on the rules service's command, on the write model that also decides spending. */
export interface PointsExpired {
  readonly bucketId: string;
  readonly currency: string;
  /** Points taken from the bucket: what remained (0 when it was all spent). */
  readonly points: number;
  /** The bucket's expiry date. */
  readonly expiresAt: string;
  /** The day boundary that expired it (ISO-8601 UTC). */
  readonly expiredAt: string;
}

/** The member's threshold tier changed. direction is the seeds' levelMoveUp / levelMoveDown. */
export interface TierChanged {
  /** Tier before; null for the first tier on enrolment. */
  readonly from: null | string;
  readonly to: string;
  readonly direction: 'UP' | 'DOWN';
  readonly reason: 'EARNED' | 'EXPIRED' | 'REVERSED' | 'MANUAL' | 'CONFIG_CHANGE' | 'ENROLLED';
  /** Qualifying points at the change. */
  readonly qualifyingPoints: number;
  /** Assigned tiers (vip, employee) held at the change. */
  readonly customTiers: readonly (string)[];
  /** When the change took effect (ISO-8601 UTC). */
  readonly changedAt: string;
}

/** A warning, once per bucket: its remaining points expire within the program's warning window. */
export interface PointsExpiringSoon {
  readonly bucketId: string;
  readonly currency: string;
  /** Points that will expire if not spent. */
  readonly points: number;
  readonly expiresAt: string;
}

/** The seeds' 'you are about to lose Gold': points expiring soon would take the member below their tier (POINTS_EXPIRING), or the member already fell below it and keeps it only until the grace period ends (GRACE_PERIOD). */
export interface TierDowngradeRisk {
  readonly reason: 'POINTS_EXPIRING' | 'GRACE_PERIOD';
  /** The tier at risk. */
  readonly tier: string;
  /** The tier the member would drop to. */
  readonly downgradeTo: string;
  /** Qualifying points to earn before the deadline to keep the tier. */
  readonly pointsNeeded: number;
  readonly qualifyingPoints: number;
  /** Qualifying points expiring by the deadline (0 for a grace period). */
  readonly expiringPoints: number;
  /** When the points expire, or the grace period ends (ISO-8601 UTC). */
  readonly deadline: string;
  /** For a grace period, why the member fell below the tier: EXPIRED, REVERSED, MANUAL or CONFIG_CHANGE; the downgrade at its end gives this reason. */
  readonly cause: null | string;
}

/** Payload of each ledger event type; the type is the Avro union branch's short name. */
export interface LedgerEventDataByType {
  readonly MemberEnrolled: MemberEnrolled;
  readonly MemberProfileUpdated: MemberProfileUpdated;
  readonly CustomTierAssigned: CustomTierAssigned;
  readonly CustomTierRevoked: CustomTierRevoked;
  readonly PurchaseRecorded: PurchaseRecorded;
  readonly ReturnRecorded: ReturnRecorded;
  readonly ActivityRecorded: ActivityRecorded;
  readonly PointsEarned: PointsEarned;
  readonly PointsSpent: PointsSpent;
  readonly RedemptionCancelled: RedemptionCancelled;
  readonly PointsReversed: PointsReversed;
  readonly PointsAdjusted: PointsAdjusted;
  readonly ReengagementOfferGranted: ReengagementOfferGranted;
  readonly PointsActivated: PointsActivated;
  readonly PointsExpired: PointsExpired;
  readonly TierChanged: TierChanged;
  readonly PointsExpiringSoon: PointsExpiringSoon;
  readonly TierDowngradeRisk: TierDowngradeRisk;
}

export const LEDGER_EVENT_TYPES = ['MemberEnrolled', 'MemberProfileUpdated', 'CustomTierAssigned', 'CustomTierRevoked', 'PurchaseRecorded', 'ReturnRecorded', 'ActivityRecorded', 'PointsEarned', 'PointsSpent', 'RedemptionCancelled', 'PointsReversed', 'PointsAdjusted', 'ReengagementOfferGranted', 'PointsActivated', 'PointsExpired', 'TierChanged', 'PointsExpiringSoon', 'TierDowngradeRisk'] as const;
export const LEDGER_EVENT_NAMESPACE = 'com.loyalty.ledger';
