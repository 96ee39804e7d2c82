import { type Decision, type LedgerEvent, type MemberState, evolveMember } from '@loyalty/domain';
import { type NoOp } from '../pipeline/no-op';
import { type RulesCommandOrigin } from '../rules-input/rules-command-origin';

/** The common fields of a rules command for member m-1 of acme. */
export function rulesOrigin(commandId: string): RulesCommandOrigin {
  return { commandId, tenantId: 'acme', memberId: 'm-1', programVersion: 'rules-v7', causationId: 'cause-1' };
}

export function eventsOf(decision: Decision | NoOp): readonly LedgerEvent[] {
  if (decision.kind === 'rejected') throw new Error(`rejected: ${decision.code}`);
  if (decision.kind === 'no-op') throw new Error(`no-op: ${decision.reason}`);
  return decision.events;
}

export const fold = (state: MemberState, decision: Decision | NoOp): MemberState => eventsOf(decision).reduce(evolveMember, state);
