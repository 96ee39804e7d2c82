import { type Decision, type DecisionContext, type MemberState } from '@loyalty/domain';
import { type NoOp, noOp } from '../pipeline/no-op';
import { type RulesCommandOrigin, rulesEventMetadata } from '../rules-input/rules-command-origin';

export interface GrantOffer extends RulesCommandOrigin {
  readonly offerId: string;
  /** The activity that earns the bonus inside the window. */
  readonly activityType: string;
  readonly bonusPoints: number;
  readonly validFrom: string;
  readonly validUntil: string;
}

/**
 * A re-engagement offer (after a tier lost to expiry) joins the member's open offers, where the
 * activity decider finds it: the first qualifying activity inside the window earns the bonus.
 * An offer is granted once; granting it again changes nothing, even after it was used.
 */
export function decideGrantOffer(command: GrantOffer, state: MemberState, context: DecisionContext): Decision | NoOp {
  if (state.offers[command.offerId] !== undefined) return noOp(`member ${command.memberId} already has offer ${command.offerId}`);
  return {
    kind: 'accepted',
    events: [
      {
        type: 'ReengagementOfferGranted',
        data: { offerId: command.offerId, activityType: command.activityType, bonusPoints: command.bonusPoints, validFrom: command.validFrom, validUntil: command.validUntil },
        metadata: rulesEventMetadata(command, 'ReengagementOfferGranted', command.validFrom, context),
      },
    ],
  };
}
