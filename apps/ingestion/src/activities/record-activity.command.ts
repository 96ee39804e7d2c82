import { type MemberCommand } from '../pipeline/member-command';
import { requestHash } from '../pipeline/request-hash';
import { decideRecordActivity } from './record-activity.decide';
import { type RecordActivityRequest } from './record-activity.request';
import { NO_NEEDS } from '../pipeline/state-needs';

export function recordActivityCommand(request: RecordActivityRequest): MemberCommand {
  return {
    tenantId: request.tenantId,
    memberId: request.memberId,
    commandKey: `activity:${request.activityId}`,
    needs: NO_NEEDS,
    requestHash: requestHash(request),
    occurredAt: request.occurredAt,
    decide: (state, program, context) => decideRecordActivity(request, state, program, context),
    summarize: ({ events }) => {
      const recorded = events.find((e) => e.type === 'ActivityRecorded');
      const points = events.reduce((sum, e) => sum + (e.type === 'PointsEarned' ? e.data.points : 0), 0);
      return { activityId: request.activityId, points, limited: recorded?.type === 'ActivityRecorded' ? recorded.data.limited : false };
    },
  };
}
