import { type LedgerEvent } from '../events/ledger-event';
import { type ProgramConfig } from '../program/program-config';
import { addDays } from '../time/iso-time';
import { downgradeTarget, supportedTier, tierById } from '../tiers/tier-ladder';
import { decideConfigChange, decideGraceEnd } from './decide-tier';
import { foldDecided } from './evolve-rules';
import { expiryHeld } from './expiry-hold';
import { type RulesCommand } from './rules-command';
import { type RulesContext, type RulesDecision, rulesEvent } from './rules-decision';
import { type RulesBucket, type RulesView } from './rules-state';

const at = (time: string) => Date.parse(time);
const byExpiry = (a: RulesBucket, b: RulesBucket) => at(a.expiresAt ?? '') - at(b.expiresAt ?? '') || (a.bucketId < b.bucketId ? -1 : 1);

/**
 * Command ids name the day: a command re-sent for the same day is the same command (ingestion
 * answers it as a resend), while one sent on a later day (a VIP's points, once the VIP status
 * ends) is a new decision that ingestion takes on the state of that day.
 *
 * The first half of a member's day at the boundary `dayStart`: pending points whose return window
 * is over are activated, then buckets whose expiry date has come expire (steps 1 and 2 of
 * product.md's order). Both are commands: ingestion decides them on the write model that also
 * decides redemptions, so the expired amount is exactly what was left.
 */
export function decideDueMovements(view: RulesView, dayStart: string, program: ProgramConfig, context: RulesContext): RulesCommand[] {
  const { member } = view;
  const buckets = Object.values(view.buckets).sort((a, b) => (a.bucketId < b.bucketId ? -1 : 1));
  const base = { tenantId: member.tenantId, memberId: member.memberId, programVersion: program.version, causationId: context.cause?.eventId ?? null };
  const activations: RulesCommand[] = buckets
    .filter((b) => b.pending && at(b.activeFrom) <= at(dayStart))
    .map((b) => ({ ...base, type: 'activate-points', commandId: `activate:${b.bucketId}@${dayStart}`, bucketId: b.bucketId, activatedAt: dayStart }));
  const expiries: RulesCommand[] = buckets
    .filter((b) => !b.expired && b.expiresAt !== null && at(b.expiresAt) <= at(dayStart) && !expiryHeld(member, b, program))
    .sort(byExpiry)
    .map((b) => ({ ...base, type: 'expire-points', commandId: `expire:${b.bucketId}@${dayStart}`, bucketId: b.bucketId, expiredAt: dayStart }));
  return [...activations, ...expiries];
}

export interface DayEndOptions {
  /** A program version took effect since the previous day boundary: re-evaluate the tier under it. */
  readonly programChanged: boolean;
}

/**
 * The second half of a member's day, once the activations and expiries are in the log and folded:
 * 3. tier re-evaluation (a grace period that ended, a new program version);
 * 4. PointsExpiringSoon, once per bucket, for points expiring within the warning window;
 * 5. TierDowngradeRisk when those expiries would take the member below their tier (once per
 *    tier and deadline);
 * 6. a re-engagement offer after a downgrade caused by expiry.
 */
export function decideDayEnd(view: RulesView, dayStart: string, program: ProgramConfig, context: RulesContext, options: DayEndOptions): RulesDecision & { view: RulesView } {
  const events: LedgerEvent[] = [];
  const commands: RulesCommand[] = [];
  let current = view;
  const apply = (decided: { view: RulesView; events: LedgerEvent[] }) => {
    current = decided.view;
    events.push(...decided.events);
  };

  // 3. Tier re-evaluation.
  apply(decideGraceEnd(current, dayStart, program, context));
  if (options.programChanged) apply(decideConfigChange(current, dayStart, program, context));

  // 4. Expiry warnings.
  const windowEnd = addDays(dayStart, program.expiryWarningDays);
  const { member } = current;
  const expiring = Object.values(current.buckets)
    .filter((b) => !b.expired && !b.pending && b.remaining > 0 && b.expiresAt !== null && at(b.expiresAt) > at(dayStart) && at(b.expiresAt) <= at(windowEnd) && !expiryHeld(member, b, program))
    .sort(byExpiry);
  for (const bucket of expiring.filter((b) => !b.warned)) {
    const eventId = context.idFor(member.tenantId, 'PointsExpiringSoon', bucket.bucketId);
    const event = rulesEvent(member, 'PointsExpiringSoon', { bucketId: bucket.bucketId, currency: bucket.currency, points: bucket.remaining, expiresAt: bucket.expiresAt ?? '' }, eventId, dayStart, program, context);
    current = foldDecided(current, event);
    events.push(event);
  }

  // 5. Downgrade risk: the first expiry date by which the member would fall below their tier.
  const held = current.member.tier === null ? undefined : tierById(program.tiers, current.member.tier);
  if (held !== undefined && held.threshold > 0) {
    let left = current.member.qualifying;
    for (const [i, bucket] of expiring.entries()) {
      left -= bucket.remaining;
      // Buckets expiring at the same moment go together: the deadline takes all of them.
      if (left < held.threshold && at(expiring[i + 1]?.expiresAt ?? '') !== at(bucket.expiresAt ?? '')) {
        const deadline = bucket.expiresAt ?? '';
        const expiringPoints = current.member.qualifying - left;
        if (current.member.riskAnnounced !== `${held.id}|${deadline}` && current.member.grace?.tier !== held.id) {
          const downgradeTo = downgradeTarget(program.tiers, held.id, supportedTier(program.tiers, left)).id;
          const eventId = context.idFor(member.tenantId, member.memberId, 'TierDowngradeRisk', 'POINTS_EXPIRING', held.id, deadline);
          const event = rulesEvent(
            current.member,
            'TierDowngradeRisk',
            { reason: 'POINTS_EXPIRING', tier: held.id, downgradeTo, pointsNeeded: held.threshold - left, qualifyingPoints: current.member.qualifying, expiringPoints, deadline, cause: null },
            eventId,
            dayStart,
            program,
            context,
          );
          current = foldDecided(current, event);
          events.push(event);
        }
        break;
      }
    }
  }

  // 6. Re-engagement after a downgrade caused by expiry.
  const offerFor = current.member.offerDueFor;
  if (offerFor !== null) {
    const { reengagement } = program;
    const offerId = context.idFor(member.tenantId, member.memberId, 'offer', offerFor);
    commands.push({
      type: 'grant-offer',
      commandId: `offer:${offerId}@${dayStart}`,
      tenantId: member.tenantId,
      memberId: member.memberId,
      programVersion: program.version,
      causationId: offerFor,
      offerId,
      activityType: reengagement.activityType,
      bonusPoints: reengagement.bonusPoints,
      validFrom: dayStart,
      validUntil: addDays(dayStart, reengagement.windowDays),
    });
    // Asked for once; the granted event clears it again when it comes back from the log.
    current = { ...current, member: { ...current.member, offerDueFor: null } };
  }
  return { view: current, events, commands };
}
