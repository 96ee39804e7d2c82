import { type Decision, type DecisionContext, type MemberState, availablePoints, metadataFor, reject, spendableBuckets, takePoints } from '@loyalty/domain';

export interface RedeemPoints {
  readonly tenantId: string;
  readonly redemptionId: string;
  readonly memberId: string;
  readonly points: number;
  readonly reward: string | null;
}

/**
 * Spends active points, soonest-expiring first, then the oldest, never more than the member has.
 * The buckets taken are named in the event, so a rebuild from the log reaches the same balances.
 */
export function decideRedeemPoints(command: RedeemPoints, state: MemberState, programVersion: string, context: DecisionContext): Decision {
  if (state.redemptions[command.redemptionId] !== undefined) {
    return reject('REDEMPTION.ALREADY_EXISTS', `redemption ${command.redemptionId} already exists`, 409);
  }
  const available = availablePoints(state, context.now);
  if (command.points > available) {
    return reject('LEDGER.INSUFFICIENT_POINTS', `the member has ${available} spendable points; the redemption needs ${command.points}`, 409);
  }
  const { taken } = takePoints(spendableBuckets(state, context.now), command.points);
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: context.now };
  return {
    kind: 'accepted',
    events: [
      {
        type: 'PointsSpent',
        data: { redemptionId: command.redemptionId, points: command.points, reward: command.reward, buckets: taken },
        metadata: metadataFor(context, target, context.idFor(command.tenantId, 'redemption', command.redemptionId, 'PointsSpent'), programVersion),
      },
    ],
  };
}
