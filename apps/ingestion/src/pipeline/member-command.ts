import { type Decision, type DecisionContext, type MemberState, type ProgramConfig } from '@loyalty/domain';
import { type NoOp } from './no-op';
import { type StateNeeds } from './state-needs';

/**
 * A storefront request addressed to one member, ready for the pipeline. `commandKey` is the
 * storefront's own id for it (tenant-scoped): the same key with the same request hash is a resend
 * (answered with the original result), with another hash a conflict (409).
 */
export interface MemberCommand {
  readonly tenantId: string;
  readonly memberId: string;
  readonly commandKey: string;
  readonly requestHash: string;
  /** The parts of the member's state `decide` reads. */
  readonly needs: StateNeeds;
  /** When the request happened in the world: selects the program version in force. */
  readonly occurredAt: string | null;
  decide(state: MemberState, program: ProgramConfig, context: DecisionContext): Decision | NoOp;
  /** False for internal commands that must not leave an idempotency record (the outbox flush). */
  readonly recorded?: boolean;
  /**
   * False for commands about members that must exist already (the rules service's): the member's
   * row is locked but never created, and a member the write model does not know gets a no-op.
   */
  readonly createsMember?: boolean;
  /** What the response says besides event ids and position, from the decided events. */
  summarize(decision: Extract<Decision, { kind: 'accepted' }>): Record<string, unknown>;
}

/** The answer to a command: an HTTP-like status and a JSON body. */
export interface CommandOutcome {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** True when this is the stored answer to an earlier identical request. */
  readonly replayed: boolean;
}
