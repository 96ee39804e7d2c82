import { type Kysely } from 'kysely';
import { type Database } from '@loyalty/db';
import { type Decision, type DecisionContext, type MemberState, evolveMember, reject } from '@loyalty/domain';
import { problemType } from '@loyalty/http';
import { type EventPublisher, InfrastructureError, type LogPosition, consistencyTokenOf } from '@loyalty/kafka';
import { type CommandOutcome, type MemberCommand } from './member-command';
import { type ProgramCatalog } from '@loyalty/programs';
import { type PendingBatch, type StoredCommand, commandKeyOf, findCommands, findCommandsAndBacklog, insertCommands, markPublished, memberKeyOf } from './command-store';
import { type LoadedMember, type MemberRequest, loadMembers, memberWrites } from './member-state-store';
import { type NoOp, noOp } from './no-op';
import { mergeNeeds } from './state-needs';

export interface BatchDependencies {
  readonly db: Kysely<Database>;
  readonly publisher: EventPublisher;
  readonly programs: ProgramCatalog;
  readonly now: () => string;
  readonly idFor: (...parts: readonly string[]) => string;
}

export interface BatchItem {
  readonly command: MemberCommand;
  readonly correlationId: string;
}

/** A command's answer before its events' positions are known. */
type Draft = { kind: 'final'; outcome: CommandOutcome } | { kind: 'publish'; stored: StoredCommand; replayed: boolean };


function answer(stored: StoredCommand, replayed: boolean): CommandOutcome {
  if (stored.status >= 400) return { status: stored.status, body: stored.summary, replayed };
  return {
    status: stored.status,
    body: { ...stored.summary, eventIds: stored.eventIds, consistencyToken: stored.position },
    replayed,
  };
}

/**
 * Decides a batch of commands and appends their events, with at most three round trips for the
 * whole batch: one Postgres transaction (lock the members, check idempotency, decide, store state
 * and commands), one Kafka send (acks=all), one update marking the commands published.
 *
 * The transaction commits before the send, so the write model is never behind the log; commands
 * whose send fails stay unpublished (the outbox) and are published first by the member's next
 * batch or by the relay. A 2xx is answered only for commands whose events Kafka acknowledged.
 */
export async function runCommandBatch(deps: BatchDependencies, items: readonly BatchItem[]): Promise<(CommandOutcome | Error)[]> {
  const drafts: Draft[] = [];
  let backlog: PendingBatch[] = [];
  let moreBacklog = false;
  let batch: PendingBatch | undefined;

  await deps.db.transaction().execute(async (trx) => {
    const requests = new Map<string, MemberRequest>();
    for (const { command } of items) {
      const key = memberKeyOf(command);
      const previous = requests.get(key);
      requests.set(key, {
        tenantId: command.tenantId,
        memberId: command.memberId,
        needs: previous === undefined ? command.needs : mergeNeeds(previous.needs, command.needs),
        create: command.createsMember !== false || previous?.create === true,
      });
    }
    const members = await loadMembers(trx, requests);
    const found = await findCommandsAndBacklog(trx, items.map((i) => i.command), [...requests.values()]);
    const existing = found.existing;
    backlog = found.backlog;
    moreBacklog = found.moreBacklog;
    const changed = new Map<string, LoadedMember>(members);
    const inserted: StoredCommand[] = [];
    const decidedInBatch = new Map<string, StoredCommand>();

    for (const { command, correlationId } of items) {
      const key = commandKeyOf(command);
      const earlier = existing.get(key) ?? decidedInBatch.get(key);
      if (earlier !== undefined) {
        drafts.push(resendOrConflict(command, earlier));
        continue;
      }
      const memberKey = memberKeyOf(command);
      const current = changed.get(memberKey);
      if (current === undefined && command.createsMember !== false) throw new Error(`member ${memberKey} was not locked`);
      const now = deps.now();
      const context: DecisionContext = { now, correlationId, idFor: deps.idFor };
      const decision = current === undefined ? noOp(`member ${command.memberId} is not known`) : decideSafely(command, current.state, deps, context);
      let stored: StoredCommand;
      if (decision.kind === 'no-op') {
        stored = {
          tenantId: command.tenantId,
          commandKey: command.commandKey,
          memberId: command.memberId,
          requestHash: command.requestHash,
          status: 200,
          summary: { ...command.summarize({ kind: 'accepted', events: [] }), reason: decision.reason },
          eventIds: [],
          events: [],
          published: true,
          position: null,
        };
      } else if (decision.kind === 'rejected') {
        stored = {
          tenantId: command.tenantId,
          commandKey: command.commandKey,
          memberId: command.memberId,
          requestHash: command.requestHash,
          status: decision.status,
          summary: { type: problemType(decision.code), title: 'Request rejected', status: decision.status, code: decision.code, detail: decision.message },
          eventIds: [],
          events: [],
          published: true,
          position: null,
        };
      } else {
        if (current === undefined) throw new Error(`member ${memberKey} was not locked`);
        const state = decision.events.reduce<MemberState>(evolveMember, current.state);
        changed.set(memberKey, { tenantId: command.tenantId, memberId: command.memberId, state });
        stored = {
          tenantId: command.tenantId,
          commandKey: command.commandKey,
          memberId: command.memberId,
          requestHash: command.requestHash,
          status: decision.events.length > 0 ? 202 : 200,
          summary: command.summarize(decision),
          eventIds: decision.events.map((e) => e.metadata.eventId),
          events: decision.events,
          published: decision.events.length === 0,
          position: null,
        };
      }
      if (command.recorded !== false) {
        inserted.push(stored);
        decidedInBatch.set(key, stored);
      }
      drafts.push(stored.published ? { kind: 'final', outcome: answer(stored, false) } : { kind: 'publish', stored, replayed: false });
    }
    batch = await insertCommands(trx, inserted, memberWrites(members, changed));
  });

  // The outbox first (older batches holding these members), then this batch, so each member's
  // events reach the log in decision order. When more of the outbox waits than one batch takes,
  // this batch waits too (stored, answered 503) behind the part published now.
  const toPublish = batch === undefined || moreBacklog ? backlog : [...backlog, batch];
  let positions: Map<string, string>;
  try {
    positions = await publishAll(deps, toPublish);
    if (moreBacklog && batch !== undefined) throw new InfrastructureError('KAFKA.UNAVAILABLE', 'older decisions of these members are still being published', true);
  } catch (error) {
    // Decided and stored, not in the log: these answer 503 and stay in the outbox; a resend of the
    // same request publishes them and gets the original answer.
    return drafts.map((d) => (d.kind === 'final' ? d.outcome : (error as Error)));
  }
  // A resend whose batch another writer published after our read was not in our backlog: its
  // position is read back.
  const unknown = drafts.flatMap((d) => (d.kind === 'publish' && !positions.has(commandKeyOf(d.stored)) ? [d.stored] : []));
  if (unknown.length > 0) {
    for (const [key, stored] of await findCommands(deps.db, unknown)) if (stored.position !== null) positions.set(key, stored.position);
  }
  return drafts.map((d) => {
    if (d.kind === 'final') return d.outcome;
    const position = positions.get(commandKeyOf(d.stored));
    return answer({ ...d.stored, published: true, position: position ?? d.stored.position }, d.replayed);
  });
}

/**
 * A command that cannot be decided (no program version in force at its time, an amount beyond the
 * arithmetic's range) is rejected on its own; it never fails the batch it shares with others.
 */
function decideSafely(command: MemberCommand, state: MemberState, deps: BatchDependencies, context: DecisionContext): Decision | NoOp {
  try {
    return command.decide(state, deps.programs.at(command.tenantId, command.occurredAt ?? context.now), context);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return reject('REQUEST.NOT_DECIDABLE', error.message);
  }
}

function resendOrConflict(command: MemberCommand, earlier: StoredCommand): Draft {
  if (earlier.requestHash !== command.requestHash || earlier.memberId !== command.memberId) {
    return {
      kind: 'final',
      outcome: {
        status: 409,
        body: {
          type: problemType('IDEMPOTENCY.KEY_REUSED'),
          title: 'Conflict',
          status: 409,
          code: 'IDEMPOTENCY.KEY_REUSED',
          detail: `${command.commandKey} was already used for a different request`,
        },
        replayed: false,
      },
    };
  }
  return earlier.published ? { kind: 'final', outcome: answer(earlier, true) } : { kind: 'publish', stored: earlier, replayed: true };
}

/**
 * One send for the events of all these batches; then the batches are marked published, with each
 * command's position (that of its last event). Returns the positions by command.
 */
async function publishAll(deps: BatchDependencies, batches: readonly PendingBatch[]): Promise<Map<string, string>> {
  if (batches.every((b) => b.events.length === 0)) return new Map();
  // One send per batch, in order: a batch is at most 512 commands' events, well within what Kafka
  // takes in one request; an outbox of many batches would not be.
  const positions: LogPosition[] = [];
  for (const b of batches) positions.push(...(await deps.publisher.publish(b.events)));
  const byCommand = new Map<string, string>();
  const published: { batchId: number; positions: (string | null)[] }[] = [];
  let index = 0;
  for (const batch of batches) {
    const tokens = batch.commands.map((c) => {
      index += c.eventCount;
      const last = positions[index - 1];
      if (c.eventCount === 0 || last === undefined) return null;
      const token = consistencyTokenOf(last);
      byCommand.set(commandKeyOf(c), token);
      return token;
    });
    published.push({ batchId: batch.batchId, positions: tokens });
  }
  await markPublished(deps.db, published);
  return byCommand;
}
