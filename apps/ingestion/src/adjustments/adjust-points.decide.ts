import {
  type Decision,
  type DecisionContext,
  type MemberState,
  type ProgramConfig,
  availablePoints,
  creditEvent,
  metadataFor,
  pastExpiryRuleFor,
  reject,
  spendableBuckets,
  takePoints,
} from '@loyalty/domain';

export interface AdjustPoints {
  readonly tenantId: string;
  readonly adjustmentId: string;
  readonly memberId: string;
  /** Positive credits a new active bucket; negative debits, soonest-expiring first. */
  readonly points: number;
  readonly currency: string | null;
  readonly reason: string;
  /** Who adjusted: the admin credential's label. */
  readonly actor: string;
}

export function decideAdjustPoints(command: AdjustPoints, state: MemberState, program: ProgramConfig, context: DecisionContext): Decision {
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: context.now };
  const source = [command.tenantId, 'adjustment', command.adjustmentId] as const;
  if (command.points > 0) {
    const currency = command.currency ?? program.earning.pointCurrency;
    if (program.currencies[currency] === undefined) return reject('ADJUSTMENT.UNKNOWN_CURRENCY', `the program has no point currency ${currency}`);
    return {
      kind: 'accepted',
      events: [
        creditEvent(context, program, {
          target,
          eventId: context.idFor(...source, 'PointsEarned'),
          bucketId: context.idFor(...source, 'bucket'),
          currency,
          basePoints: command.points,
          points: command.points,
          multiplierHundredths: 100,
          pendingDays: 0,
          source: { kind: 'ADJUSTMENT', sourceId: command.adjustmentId, lines: [] },
          debt: state.debt,
        }),
      ],
    };
  }
  const debit = -command.points;
  const keepsPastExpiry = pastExpiryRuleFor(state, program);
  const available = availablePoints(state, context.now, keepsPastExpiry);
  if (debit > available) return reject('LEDGER.INSUFFICIENT_POINTS', `the member has ${available} spendable points; the debit needs ${debit}`, 409);
  const { taken } = takePoints(spendableBuckets(state, context.now, new Set(), keepsPastExpiry), debit);
  return {
    kind: 'accepted',
    events: [
      {
        type: 'PointsAdjusted',
        data: { adjustmentId: command.adjustmentId, points: debit, reason: command.reason, actor: command.actor, buckets: taken },
        metadata: metadataFor(context, target, context.idFor(...source, 'PointsAdjusted'), program.version),
      },
    ],
  };
}
