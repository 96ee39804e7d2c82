import { type LedgerEvent } from '../events/ledger-event';
import { type ProgramConfig } from '../program/program-config';
import { addDays } from '../time/iso-time';
import { downgradeTarget, supportedTier, tierById, tierRank } from '../tiers/tier-ladder';
import { foldDecided } from './evolve-rules';
import { type RulesContext, rulesEvent } from './rules-decision';
import { type GraceCause, type RulesMember, type RulesView } from './rules-state';

type TierReason = 'EARNED' | 'EXPIRED' | 'REVERSED' | 'MANUAL' | 'CONFIG_CHANGE' | 'ENROLLED';

function tierChanged(view: RulesView, to: string, reason: TierReason, at: string, program: ProgramConfig, context: RulesContext): LedgerEvent {
  const { member } = view;
  const from = member.tier;
  const direction = tierRank(program.tiers, to) > tierRank(program.tiers, from) ? 'UP' : 'DOWN';
  const eventId = context.idFor(member.tenantId, member.memberId, 'TierChanged', from ?? '', to, at);
  return rulesEvent(
    member,
    'TierChanged',
    { from, to, direction, reason, qualifyingPoints: member.qualifying, customTiers: [...member.customTiers], changedAt: at },
    eventId,
    at,
    program,
    context,
  );
}

function graceNotice(member: RulesMember, tier: string, threshold: number, downgradeTo: string, cause: GraceCause, at: string, program: ProgramConfig, context: RulesContext): LedgerEvent {
  const deadline = addDays(at, program.tiers.graceDays);
  const eventId = context.idFor(member.tenantId, member.memberId, 'TierDowngradeRisk', 'GRACE_PERIOD', tier, deadline);
  return rulesEvent(
    member,
    'TierDowngradeRisk',
    { reason: 'GRACE_PERIOD', tier, downgradeTo, pointsNeeded: threshold - member.qualifying, qualifyingPoints: member.qualifying, expiringPoints: 0, deadline, cause },
    eventId,
    at,
    program,
    context,
  );
}

/**
 * The tier after the member's latest events (decided once per member per applied batch):
 * - a member without a tier gets the one their points support (Bronze on enrolment);
 * - crossing a threshold upwards moves up at once;
 * - falling below the held tier's threshold because points expired, were reversed or debited
 *   (`dropped`) moves down by the downgrade policy, or, with a grace period, announces the grace
 *   (TierDowngradeRisk GRACE_PERIOD) and leaves the downgrade to the day the grace ends.
 * Returns the events, already folded into the returned view.
 */
export function decideTier(
  view: RulesView,
  dropped: 'EXPIRED' | 'REVERSED' | 'MANUAL' | null,
  at: string,
  program: ProgramConfig,
  context: RulesContext,
): { view: RulesView; events: LedgerEvent[] } {
  const { tiers } = program;
  const { member } = view;
  const supported = supportedTier(tiers, member.qualifying);
  const held = member.tier;
  let event: LedgerEvent | null = null;
  if (held === null || tierRank(tiers, held) < 0) {
    event = tierChanged(view, supported.id, supported.threshold === 0 ? 'ENROLLED' : 'EARNED', at, program, context);
  } else if (tierRank(tiers, supported.id) > tierRank(tiers, held)) {
    event = tierChanged(view, supported.id, 'EARNED', at, program, context);
  } else if (tierRank(tiers, supported.id) < tierRank(tiers, held) && dropped !== null && member.grace?.tier !== held) {
    const target = downgradeTarget(tiers, held, supported);
    event =
      tiers.graceDays > 0
        ? graceNotice(member, held, tierById(tiers, held)?.threshold ?? 0, target.id, dropped, at, program, context)
        : tierChanged(view, target.id, dropped, at, program, context);
  }
  return event === null ? { view, events: [] } : { view: foldDecided(view, event), events: [event] };
}

/**
 * A grace period that ended at the day boundary `at` without the member earning back: the tier
 * goes down by the policy.
 */
export function decideGraceEnd(view: RulesView, at: string, program: ProgramConfig, context: RulesContext): { view: RulesView; events: LedgerEvent[] } {
  const { member } = view;
  const { grace } = member;
  if (grace === null || grace.tier !== member.tier || Date.parse(grace.until) > Date.parse(at) || member.qualifying >= grace.threshold) return { view, events: [] };
  const target = downgradeTarget(program.tiers, grace.tier, supportedTier(program.tiers, member.qualifying));
  if (tierRank(program.tiers, target.id) >= tierRank(program.tiers, grace.tier)) return { view, events: [] };
  const event = tierChanged(view, target.id, grace.cause, at, program, context);
  return { view: foldDecided(view, event), events: [event] };
}

/**
 * A new program version took effect at `at`: upgrades apply at once; a member the new thresholds
 * no longer support goes down by the policy (after the grace period, counted from `at`), never
 * retroactively before `at`.
 */
export function decideConfigChange(view: RulesView, at: string, program: ProgramConfig, context: RulesContext): { view: RulesView; events: LedgerEvent[] } {
  const { tiers } = program;
  const { member } = view;
  const held = member.tier;
  if (held === null) return { view, events: [] };
  const supported = supportedTier(tiers, member.qualifying);
  const heldLevel = tierById(tiers, held);
  let event: LedgerEvent | null = null;
  if (heldLevel === undefined || tierRank(tiers, supported.id) > tierRank(tiers, held)) {
    // A tier the new ladder no longer has is replaced by what the points support.
    if (supported.id !== held) event = tierChanged(view, supported.id, 'CONFIG_CHANGE', at, program, context);
  } else if (tierRank(tiers, supported.id) < tierRank(tiers, held) && member.grace?.tier !== held) {
    const target = downgradeTarget(tiers, held, supported);
    event = tiers.graceDays > 0 ? graceNotice(member, held, heldLevel.threshold, target.id, 'CONFIG_CHANGE', at, program, context) : tierChanged(view, target.id, 'CONFIG_CHANGE', at, program, context);
  }
  return event === null ? { view, events: [] } : { view: foldDecided(view, event), events: [event] };
}
