import {
  type Decision,
  type DecisionContext,
  type LedgerEvent,
  type MemberState,
  type ProgramConfig,
  applyMultiplier,
  creditEvent,
  metadataFor,
  multiplierFor,
  periodKey,
  reject,
  toUtcIso,
} from '@loyalty/domain';

export interface RecordActivity {
  readonly tenantId: string;
  readonly activityId: string;
  readonly memberId: string;
  readonly activityType: string;
  readonly occurredAt: string;
}

/**
 * A custom activity earns its configured temporary points (times the custom-tier multiplier) until
 * the period's limit is reached; past it the activity is still recorded, without points. Inside an
 * open re-engagement offer for this activity type, the first one also earns the offer's bonus.
 */
export function decideRecordActivity(command: RecordActivity, state: MemberState, program: ProgramConfig, context: DecisionContext): Decision {
  const activity = program.activities[command.activityType];
  if (activity === undefined) {
    return reject('ACTIVITY.UNKNOWN_TYPE', `the program has no activity ${command.activityType} (known: ${Object.keys(program.activities).join(', ')})`);
  }
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: toUtcIso(command.occurredAt) };
  const source = [command.tenantId, 'activity', command.activityId] as const;
  const period = activity.limit === null ? 'none' : periodKey(target.occurredAt, program.timeZone, activity.limit.period);
  const counted = state.activityCounts[`${command.activityType}|${period}`] ?? 0;
  const limited = activity.limit !== null && counted >= activity.limit.count;

  const events: LedgerEvent[] = [
    {
      type: 'ActivityRecorded',
      data: { activityId: command.activityId, activityType: command.activityType, periodKey: period, limited },
      metadata: metadataFor(context, target, context.idFor(...source, 'ActivityRecorded'), program.version),
    },
  ];
  let debt = state.debt;
  if (!limited && activity.points > 0) {
    const multiplier = multiplierFor(program, state.customTiers);
    const credit = creditEvent(context, program, {
      target,
      eventId: context.idFor(...source, 'PointsEarned'),
      bucketId: context.idFor(...source, 'bucket'),
      currency: activity.currency,
      basePoints: activity.points,
      points: applyMultiplier(activity.points, multiplier),
      multiplierHundredths: multiplier,
      pendingDays: 0,
      source: { kind: 'ACTIVITY', sourceId: command.activityId, lines: [] },
      debt,
    });
    debt -= credit.data.debtRecovered;
    events.push(credit);
  }

  const at = Date.parse(target.occurredAt);
  const offer = Object.entries(state.offers)
    .filter(([, o]) => !o.used && o.activityType === command.activityType && Date.parse(o.validFrom) <= at && at < Date.parse(o.validUntil))
    .sort(([a], [b]) => (a < b ? -1 : 1))[0];
  if (offer !== undefined && offer[1].bonusPoints > 0) {
    const [offerId, { bonusPoints }] = offer;
    events.push(
      creditEvent(context, program, {
        target,
        eventId: context.idFor(command.tenantId, 'offer', offerId, 'PointsEarned'),
        bucketId: context.idFor(command.tenantId, 'offer', offerId, 'bucket'),
        currency: program.reengagement.currency,
        basePoints: bonusPoints,
        points: bonusPoints,
        multiplierHundredths: 100,
        pendingDays: 0,
        source: { kind: 'REENGAGEMENT', sourceId: offerId, lines: [] },
        debt,
      }),
    );
  }
  return { kind: 'accepted', events };
}
