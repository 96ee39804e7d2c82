/**
 * What the rules service knows of one member, folded from the ledger alone (it never reads the
 * query projection). Kept small on purpose: only buckets that will still change by time (pending
 * ones, and ones that expire) are tracked, because only they can be activated, expire or be
 * warned about; everything else reaches the member only as qualifying points.
 */
/** Why a member fell below their tier; the downgrade after a grace period gives it as its reason. */
export type GraceCause = 'EXPIRED' | 'REVERSED' | 'MANUAL' | 'CONFIG_CHANGE';

export interface RulesMember {
  readonly tenantId: string;
  readonly memberId: string;
  /** The threshold tier held; null until the first TierChanged. */
  readonly tier: string | null;
  readonly tierChangedAt: string | null;
  /** Active earned points not expired, reversed or debited (product.md); spending does not lower them. */
  readonly qualifying: number;
  readonly customTiers: readonly string[];
  /** Why qualifying points last went down: the reason a later downgrade gives. */
  readonly lastDrop: 'EXPIRED' | 'REVERSED' | 'MANUAL' | null;
  /** A member below their tier's threshold keeps it until `until` (TierDowngradeRisk GRACE_PERIOD). */
  readonly grace: { readonly tier: string; readonly threshold: number; readonly until: string; readonly cause: GraceCause } | null;
  /** The last downgrade risk announced (`tier|deadline`), so it is announced once. */
  readonly riskAnnounced: string | null;
  /** A downgrade caused by expiry owes a re-engagement offer at the day's end: the TierChanged's event id. */
  readonly offerDueFor: string | null;
  /**
   * Tier changes this service decided (and folded at once) that have not come back from the log
   * yet: when they do, they are already in the state. Anything else (a rebuild, a decision whose
   * state was lost) is folded as the log says.
   */
  readonly awaitingTierChanges: readonly string[];
}

export interface RulesBucket {
  readonly bucketId: string;
  readonly currency: string;
  readonly remaining: number;
  readonly pending: boolean;
  readonly activeFrom: string;
  readonly expiresAt: string | null;
  readonly expired: boolean;
  /** PointsExpiringSoon was sent for it. */
  readonly warned: boolean;
}

/** One member's rules state and the buckets of it that the rules still care about. */
export interface RulesView {
  readonly member: RulesMember;
  readonly buckets: Readonly<Record<string, RulesBucket>>;
}

export function initialRulesMember(tenantId: string, memberId: string): RulesMember {
  return {
    tenantId,
    memberId,
    tier: null,
    tierChangedAt: null,
    qualifying: 0,
    customTiers: [],
    lastDrop: null,
    grace: null,
    riskAnnounced: null,
    offerDueFor: null,
    awaitingTierChanges: [],
  };
}

/** Whether the bucket still matters to the rules: it will activate, expire or be warned about. */
export function isTracked(bucket: RulesBucket): boolean {
  return bucket.pending || (bucket.expiresAt !== null && !bucket.expired);
}
