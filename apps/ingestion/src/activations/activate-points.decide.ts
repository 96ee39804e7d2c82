import { type Decision, type DecisionContext, type MemberState } from '@loyalty/domain';
import { type NoOp, noOp } from '../pipeline/no-op';
import { type RulesCommandOrigin, rulesEventMetadata } from '../rules-input/rules-command-origin';

export interface ActivatePoints extends RulesCommandOrigin {
  readonly bucketId: string;
  /** The tenant's day boundary at which the return window was over. */
  readonly activatedAt: string;
}

/**
 * Pending points become spendable: what is left of the bucket (returns may have cancelled some).
 * The rules service decided the time; the write model decides whether there is anything to activate,
 * under the member's lock, so an activation never races a redemption.
 */
export function decideActivatePoints(command: ActivatePoints, state: MemberState, context: DecisionContext): Decision | NoOp {
  const bucket = state.buckets[command.bucketId];
  if (bucket === undefined) return noOp(`member ${command.memberId} has no bucket ${command.bucketId}`);
  if (!bucket.pending) return noOp(`bucket ${command.bucketId} is already active`);
  return {
    kind: 'accepted',
    events: [
      {
        type: 'PointsActivated',
        data: { bucketId: bucket.bucketId, currency: bucket.currency, points: bucket.remaining, activatedAt: command.activatedAt },
        metadata: rulesEventMetadata(command, 'PointsActivated', command.activatedAt, context),
      },
    ],
  };
}
