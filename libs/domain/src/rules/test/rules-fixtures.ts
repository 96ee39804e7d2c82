import { type EventMetadata, type LedgerEventDataByType } from '../../events/generated/ledger-event.types';
import { type LedgerEvent, type LedgerEventOf, type LedgerEventType, SCHEMA_VERSION } from '../../events/ledger-event';
import { DEFAULT_PROGRAM, type ProgramConfig } from '../../program/program-config';
import { evolveRules } from '../evolve-rules';
import { type RulesContext } from '../rules-decision';
import { type RulesView, initialRulesMember } from '../rules-state';

/** Given/when/then helpers for the rules deciders: events of one member, a fixed program, pure ids. */

export const TENANT = 'acme';
export const MEMBER = 'm-1';
/** Long before anything the specs decide. */
export const HISTORY = '2026-10-01T10:00:00.000Z';
/** Start of the tenant day 2026-11-22 in Europe/Berlin (UTC+1). */
export const DAY = '2026-11-21T23:00:00.000Z';

const DAY_MS = 86_400_000;
/** Days added as 24-hour periods, independently of the code under test. */
export const plusDays = (time: string, days: number): string => new Date(Date.parse(time) + days * DAY_MS).toISOString();
export const plusMs = (time: string, ms: number): string => new Date(Date.parse(time) + ms).toISOString();

/** Pure and deterministic: the same parts always give the same id, and the id shows its parts. */
export const idFor = (...parts: string[]): string => parts.join('/');
export const context: RulesContext = { idFor, recordedAt: '2030-01-01T00:00:00.000Z', cause: null };
export const causedBy = (eventId: string): RulesContext => ({ ...context, cause: { eventId, correlationId: `corr-${eventId}` } });

type TierOverrides = Partial<ProgramConfig['tiers']>;
/** The default program with other tier rules, warning days or VIP expiry hold. */
export function programWith(o: { tiers?: TierOverrides; expiryWarningDays?: number; vipHold?: boolean; version?: string } = {}): ProgramConfig {
  return {
    ...DEFAULT_PROGRAM,
    version: o.version ?? DEFAULT_PROGRAM.version,
    tiers: { ...DEFAULT_PROGRAM.tiers, ...o.tiers },
    expiryWarningDays: o.expiryWarningDays ?? DEFAULT_PROGRAM.expiryWarningDays,
    customTiers: { ...DEFAULT_PROGRAM.customTiers, vipTemporaryPointsNeverExpire: o.vipHold ?? DEFAULT_PROGRAM.customTiers.vipTemporaryPointsNeverExpire },
  };
}
export const program = programWith();

export function meta(eventId: string, occurredAt = HISTORY): EventMetadata {
  return { eventId, tenantId: TENANT, memberId: MEMBER, occurredAt, recordedAt: occurredAt, correlationId: `corr-${eventId}`, causationId: null, schemaVersion: SCHEMA_VERSION, programVersion: null };
}

function event<T extends LedgerEventType>(type: T, eventId: string, data: LedgerEventDataByType[T], occurredAt = HISTORY): LedgerEventOf<T> {
  return { type, data, metadata: meta(eventId, occurredAt) } as LedgerEventOf<T>;
}

/** The member's events folded from an empty rules state. */
export function given(...events: readonly LedgerEvent[]): RulesView {
  return events.reduce(evolveRules, { member: initialRulesMember(TENANT, MEMBER), buckets: {} });
}

export const enrolled = (): LedgerEvent => event('MemberEnrolled', 'enrol', { enrolledAt: HISTORY, email: null, phone: null, loyaltyCardNumber: null });

export interface EarnOptions {
  readonly pending?: boolean;
  readonly activeFrom?: string;
  readonly expiresAt?: string | null;
  readonly currency?: string;
  readonly debtRecovered?: number;
}
export function earned(bucketId: string, points: number, o: EarnOptions = {}): LedgerEventOf<'PointsEarned'> {
  const expiresAt = o.expiresAt ?? null;
  return event('PointsEarned', `earn-${bucketId}`, {
    bucketId,
    currency: o.currency ?? (expiresAt === null ? 'permanent' : 'temporary'),
    points,
    basePoints: points,
    multiplierHundredths: 100,
    debtRecovered: o.debtRecovered ?? 0,
    earnedAt: HISTORY,
    activeFrom: o.activeFrom ?? HISTORY,
    pending: o.pending ?? false,
    expiresAt,
    source: { kind: 'PURCHASE', sourceId: `tx-${bucketId}`, lines: [] },
  });
}

export const activated = (bucketId: string, points: number, at = HISTORY, currency = 'permanent'): LedgerEventOf<'PointsActivated'> =>
  event('PointsActivated', `activate-${bucketId}`, { bucketId, currency, points, activatedAt: at }, at);

export const expired = (bucketId: string, points: number, expiresAt: string, at = expiresAt): LedgerEventOf<'PointsExpired'> =>
  event('PointsExpired', `expire-${bucketId}`, { bucketId, currency: 'temporary', points, expiresAt, expiredAt: at }, at);

type Taken = readonly (readonly [bucketId: string, points: number])[];
const amounts = (taken: Taken) => taken.map(([bucketId, points]) => ({ bucketId, points }));
const sum = (taken: Taken) => taken.reduce((s, [, p]) => s + p, 0);

export const spent = (redemptionId: string, taken: Taken): LedgerEventOf<'PointsSpent'> =>
  event('PointsSpent', `spend-${redemptionId}`, { redemptionId, points: sum(taken), reward: null, buckets: amounts(taken) });

export const cancelled = (redemptionId: string, taken: Taken): LedgerEventOf<'RedemptionCancelled'> =>
  event('RedemptionCancelled', `cancel-${redemptionId}`, { redemptionId, points: sum(taken), buckets: amounts(taken) });

/** A return: `taken` from buckets, plus points already spent (written off, or owed as debt). */
export const reversed = (returnId: string, taken: Taken, o: { writtenOff?: number; debt?: number } = {}): LedgerEventOf<'PointsReversed'> =>
  event('PointsReversed', `reverse-${returnId}`, {
    returnId,
    transactionId: `tx-${returnId}`,
    points: sum(taken) + (o.writtenOff ?? 0) + (o.debt ?? 0),
    buckets: amounts(taken),
    writtenOff: o.writtenOff ?? 0,
    debt: o.debt ?? 0,
    lines: [],
  });

export const debited = (adjustmentId: string, taken: Taken): LedgerEventOf<'PointsAdjusted'> =>
  event('PointsAdjusted', `adjust-${adjustmentId}`, { adjustmentId, points: sum(taken), reason: 'correction', actor: 'ops', buckets: amounts(taken) });

export const customTierAssigned = (tier: string): LedgerEvent => event('CustomTierAssigned', `assign-${tier}`, { tier });
export const customTierRevoked = (tier: string): LedgerEvent => event('CustomTierRevoked', `revoke-${tier}`, { tier });

type Direction = LedgerEventDataByType['TierChanged']['direction'];
type Reason = LedgerEventDataByType['TierChanged']['reason'];
export const tierChanged = (from: string | null, to: string, direction: Direction, reason: Reason, at = HISTORY, qualifyingPoints = 0): LedgerEventOf<'TierChanged'> =>
  event('TierChanged', `tier-${from ?? ''}-${to}-${at}`, { from, to, direction, reason, qualifyingPoints, customTiers: [], changedAt: at }, at);

/** A member that already holds `tier` (from an earlier upgrade). */
export const holding = (tier: string): LedgerEvent => tierChanged(null, tier, 'UP', tier === 'bronze' ? 'ENROLLED' : 'EARNED');

export const expiringSoon = (bucketId: string, points: number, expiresAt: string): LedgerEvent =>
  event('PointsExpiringSoon', `soon-${bucketId}`, { bucketId, currency: 'temporary', points, expiresAt });

export const downgradeRisk = (data: LedgerEventDataByType['TierDowngradeRisk']): LedgerEvent => event('TierDowngradeRisk', `risk-${data.tier}-${data.deadline}`, data);

export const offerGranted = (offerId: string): LedgerEvent =>
  event('ReengagementOfferGranted', `granted-${offerId}`, { offerId, activityType: 'product-usage', bonusPoints: 200, validFrom: DAY, validUntil: plusDays(DAY, 14) });

/** The events a decision produced, by type. */
export const ofType = <T extends LedgerEventType>(events: readonly LedgerEvent[], type: T): Extract<LedgerEvent, { type: T }>[] =>
  events.filter((e): e is Extract<LedgerEvent, { type: T }> => e.type === type);
