import { type MemberCommand } from '../pipeline/member-command';
import { requestHash } from '../pipeline/request-hash';
import { decideAdjustPoints } from './adjust-points.decide';
import { type AdjustPointsRequest } from './adjust-points.request';

export function adjustPointsCommand(request: AdjustPointsRequest, actor: string): MemberCommand {
  return {
    tenantId: request.tenantId,
    memberId: request.memberId,
    commandKey: `adjustment:${request.adjustmentId}`,
    needs: { spendableBuckets: request.points < 0, transactionIds: [], redemptionIds: [], bucketIds: [] },
    requestHash: requestHash(request),
    occurredAt: null,
    decide: (state, program, context) => decideAdjustPoints({ ...request, currency: request.currency ?? null, actor }, state, program, context),
    summarize: () => ({ adjustmentId: request.adjustmentId, points: request.points }),
  };
}
