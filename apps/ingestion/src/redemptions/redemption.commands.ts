import { type MemberCommand } from '../pipeline/member-command';
import { requestHash } from '../pipeline/request-hash';
import { decideCancelRedemption } from './cancel-redemption.decide';
import { decideRedeemPoints } from './redeem-points.decide';
import { type CancelRedemptionRequest, type RedeemPointsRequest } from './redemption.requests';

export function redeemPointsCommand(request: RedeemPointsRequest): MemberCommand {
  return {
    tenantId: request.tenantId,
    memberId: request.memberId,
    commandKey: `redemption:${request.redemptionId}`,
    needs: { spendableBuckets: true, transactionIds: [], redemptionIds: [request.redemptionId], bucketIds: [] },
    requestHash: requestHash(request),
    occurredAt: null,
    decide: (state, program, context) => decideRedeemPoints({ ...request, reward: request.reward ?? null }, state, program, context),
    summarize: ({ events }) => {
      const spent = events.find((e) => e.type === 'PointsSpent');
      return { redemptionId: request.redemptionId, points: request.points, buckets: spent?.type === 'PointsSpent' ? spent.data.buckets : [] };
    },
  };
}

export function cancelRedemptionCommand(redemptionId: string, request: CancelRedemptionRequest): MemberCommand {
  return {
    tenantId: request.tenantId,
    memberId: request.memberId,
    commandKey: `redemption-cancel:${redemptionId}`,
    needs: { spendableBuckets: false, transactionIds: [], redemptionIds: [redemptionId], bucketIds: [] },
    requestHash: requestHash({ redemptionId, ...request }),
    occurredAt: null,
    decide: (state, program, context) => decideCancelRedemption({ ...request, redemptionId }, state, program.version, context),
    summarize: ({ events }) => {
      const cancelled = events.find((e) => e.type === 'RedemptionCancelled');
      return { redemptionId, pointsRestored: cancelled?.type === 'RedemptionCancelled' ? cancelled.data.points : 0 };
    },
  };
}
