import { type MemberCommand } from '../pipeline/member-command';
import { rulesMemberCommand } from '../rules-input/rules-member-command';
import { type GrantOffer, decideGrantOffer } from './grant-offer.decide';

export function grantOfferCommand(command: GrantOffer): MemberCommand {
  return rulesMemberCommand('grant-offer', command, {
    occurredAt: command.validFrom,
    decide: (state, _program, context) => decideGrantOffer(command, state, context),
  });
}
