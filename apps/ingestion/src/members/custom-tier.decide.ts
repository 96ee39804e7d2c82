import { type CustomTier, type Decision, type DecisionContext, type MemberState, metadataFor } from '@loyalty/domain';

export interface ChangeCustomTier {
  readonly tenantId: string;
  readonly memberId: string;
  readonly tier: CustomTier;
  readonly assign: boolean;
}

/**
 * PUT and DELETE semantics: assigning a tier the member holds, or revoking one they do not, changes
 * nothing and records nothing; that check, under the member's lock, is what makes a resend
 * harmless. The event id includes the decision time, so a later re-assignment is a new event.
 */
export function decideChangeCustomTier(command: ChangeCustomTier, state: MemberState, programVersion: string, context: DecisionContext): Decision {
  const holds = state.customTiers.includes(command.tier);
  if (holds === command.assign) return { kind: 'accepted', events: [] };
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: context.now };
  const eventId = context.idFor(command.tenantId, 'member', command.memberId, command.assign ? 'CustomTierAssigned' : 'CustomTierRevoked', command.tier, context.now);
  return {
    kind: 'accepted',
    events: [
      command.assign
        ? { type: 'CustomTierAssigned', data: { tier: command.tier }, metadata: metadataFor(context, target, eventId, programVersion) }
        : { type: 'CustomTierRevoked', data: { tier: command.tier }, metadata: metadataFor(context, target, eventId, programVersion) },
    ],
  };
}
