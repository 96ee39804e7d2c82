import { type MemberCommand } from '../pipeline/member-command';
import { rulesMemberCommand } from '../rules-input/rules-member-command';
import { type ActivatePoints, decideActivatePoints } from './activate-points.decide';

export function activatePointsCommand(command: ActivatePoints): MemberCommand {
  return rulesMemberCommand('activate-points', command, {
    occurredAt: command.activatedAt,
    bucketIds: [command.bucketId],
    decide: (state, _program, context) => decideActivatePoints(command, state, context),
  });
}
