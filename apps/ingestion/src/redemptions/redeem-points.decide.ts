import { type Decision, type DecisionContext, type MemberState, type ProgramConfig, availablePoints, metadataFor, pastExpiryRuleFor, reject, spendableBuckets, takePoints } from '@loyalty/domain';

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
 * A VIP's temporary points past their date stay spendable where the program keeps them from expiring.
 */
export function decideRedeemPoints(command: RedeemPoints, state: MemberState, program: ProgramConfig, context: DecisionContext): Decision {
  if (state.redemptions[command.redemptionId] !== undefined) {
    return reject('REDEMPTION.ALREADY_EXISTS', `redemption ${command.redemptionId} already exists`, 409);
  }
  const keepsPastExpiry = pastExpiryRuleFor(state, program);
  const available = availablePoints(state, context.now, keepsPastExpiry);
  if (command.points > available) {
    return reject('LEDGER.INSUFFICIENT_POINTS', `the member has ${available} spendable points; the redemption needs ${command.points}`, 409);
  }
  const { taken } = takePoints(spendableBuckets(state, context.now, new Set(), keepsPastExpiry), command.points);
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: context.now };
  return {
    kind: 'accepted',
    events: [
      {
        type: 'PointsSpent',
        data: { redemptionId: command.redemptionId, points: command.points, reward: command.reward, buckets: taken },
        metadata: metadataFor(context, target, context.idFor(command.tenantId, 'redemption', command.redemptionId, 'PointsSpent'), program.version),
      },
    ],
  };
}
