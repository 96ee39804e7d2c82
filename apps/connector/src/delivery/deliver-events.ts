import { randomUUID } from 'node:crypto';
import { type ConnectorEvent, type MemberContact } from '@loyalty/domain';
import { type DestinationConfig } from '../destinations/destination-config';
import { type DeliveryItem, type VendorAdapter, type VendorRequest, type Verdict } from '../vendors/vendor-adapter';
import { backoffMs } from './backoff';
import { type DeadLetter } from './dead-letter';
import { type DeliveryJournal, type JournalEntry } from './delivery-journal';
import { type DeliveryObserver } from './delivery-observer';
import { type TransportResult } from './http-transport';
import { type RateLimiter } from './rate-limiter';
import { type Semaphore } from './semaphore';

/** One public event read from the connector topic, with where it was read and the member's contact points. */
export interface PendingEvent {
  readonly event: ConnectorEvent;
  readonly contact: MemberContact;
  readonly partition: number;
  readonly offset: string;
}

export interface DeliveryDeps {
  readonly config: DestinationConfig;
  readonly adapter: VendorAdapter;
  readonly journal: DeliveryJournal;
  readonly limiter: RateLimiter;
  readonly send: (request: { method: string; url: string; body: string; headers: Readonly<Record<string, string>> }, timeoutMs: number) => Promise<TransportResult>;
  readonly publishDeadLetters: (letters: readonly DeadLetter[]) => Promise<void>;
  readonly observer: DeliveryObserver;
  readonly now: () => number;
  readonly random: () => number;
  /** Waits, waking early (false) when the service stops; keeps the consumer's session alive meanwhile. */
  readonly wait: (ms: number) => Promise<boolean>;
  readonly stopping: () => boolean;
  /** Bounds the destination's requests in flight (its `concurrency`), across partitions and members. */
  readonly slots: Semaphore;
}

export type DeliveryOutcome = 'done' | 'stopped';

/**
 * Delivers a partition's events to one destination, in order, exactly once as far as the journal
 * can tell: events it holds as delivered or dead are skipped; an event left `sending` by a stopped
 * process (its request may have reached the vendor) is never sent again but dead-lettered as an
 * unknown outcome, for an operator to check and redrive. A member's requests go one after the
 * other, so its events reach the vendor in log order; different members' requests go side by side
 * when each request carries one member (Voucherify, webhooks), within the destination's slots.
 * Each request is retried (429, 5xx, network) until it is accepted or refused, however long the
 * vendor is down. When the service stops mid-retry, the answer is `stopped`: the caller must not
 * move its offset, and what was not delivered is sent when the events are read again.
 */
export async function deliverEvents(deps: DeliveryDeps, pending: readonly PendingEvent[]): Promise<DeliveryOutcome> {
  const { config, journal } = deps;
  const known = await journal.known(pending.map((p) => p.event.eventId));
  const items: DeliveryItem[] = [];
  const entries = new Map<string, JournalEntry>();
  const byId = new Map<string, PendingEvent>();
  const dead: DeadLetter[] = [];
  for (const p of pending) {
    const { event } = p;
    const row = known.get(event.eventId);
    if (row?.status === 'delivered' || row?.status === 'dead') continue;
    if (byId.has(event.eventId)) continue; // the topic carried it twice
    byId.set(event.eventId, p);
    const entry: JournalEntry = {
      eventId: event.eventId,
      tenantId: event.tenantId,
      memberId: event.memberId,
      eventType: event.type,
      occurredAt: event.occurredAt,
      partition: p.partition,
      offset: p.offset,
      deliveryId: row?.deliveryId ?? randomUUID(),
    };
    entries.set(event.eventId, entry);
    if (row?.status === 'sending') {
      dead.push(letter(deps, p, 'outcome unknown: the connector stopped while a request carrying this event was in flight; check the vendor before redriving', null, null, row.attempts));
      continue;
    }
    const hardId = config.hardId === 'memberId' ? event.memberId : p.contact[config.hardId];
    if (hardId === null || hardId === '') {
      const refused = letter(deps, p, `the member has no ${config.hardId}, the hard id of this destination`, null, null, 0);
      await deps.publishDeadLetters([refused]);
      await journal.deadBeforeSending(entry, refused);
      deps.observer.failed(config.name, 1, 'no-identifier');
      continue;
    }
    items.push({ event, contact: p.contact, hardId, deliveryId: entry.deliveryId });
  }
  if (dead.length > 0) {
    await deps.publishDeadLetters(dead);
    await journal.dead(dead);
    deps.observer.failed(config.name, dead.length, 'unknown-outcome');
  }

  const requests = deps.adapter.build(items);
  // An event is delivered once its last request is accepted (Voucherify: the event after the customer upsert).
  const lastRequest = new Map<string, VendorRequest>();
  for (const request of requests) for (const id of request.eventIds) lastRequest.set(id, request);
  const chains = requestChains(requests, byId);
  const settled = new Set<string>();
  const runChain = async (chain: readonly VendorRequest[]): Promise<DeliveryOutcome> => {
    for (const request of chain) {
      const live = request.eventIds.filter((id) => !settled.has(id));
      if (live.length === 0) continue; // an earlier request of these events failed for good
      const carried = live.flatMap((id) => {
        const entry = entries.get(id);
        const source = byId.get(id);
        return entry === undefined || source === undefined ? [] : [{ entry, source }];
      });
      const outcome = await deliverRequest(deps, request, carried, (id) => lastRequest.get(id) === request);
      if (outcome === 'stopped') return 'stopped';
      // Only events the vendor refused are settled early: the rest may need the next request too (Voucherify's event after its customer).
      for (const id of outcome.deadIds) settled.add(id);
    }
    return 'done';
  };
  const outcomes = await Promise.all(chains.map(runChain));
  return outcomes.includes('stopped') ? 'stopped' : 'done';
}

/**
 * The requests in chains that may run side by side: one chain per member when every request
 * carries a single member's events, else one chain (a batch mixes members, so batches keep order).
 */
function requestChains(requests: readonly VendorRequest[], byId: ReadonlyMap<string, PendingEvent>): VendorRequest[][] {
  const memberOf = (request: VendorRequest) => new Set(request.eventIds.map((id) => byId.get(id)?.event.memberId));
  if (!requests.every((r) => memberOf(r).size === 1)) return requests.length === 0 ? [] : [[...requests]];
  const chains = new Map<string | undefined, VendorRequest[]>();
  for (const request of requests) {
    const member = byId.get(request.eventIds[0] ?? '')?.event.memberId;
    chains.set(member, [...(chains.get(member) ?? []), request]);
  }
  return [...chains.values()];
}

/** An event a request carries: its journal entry and where it was read. */
interface Carried {
  readonly entry: JournalEntry;
  readonly source: PendingEvent;
}

async function deliverRequest(deps: DeliveryDeps, request: VendorRequest, carried: readonly Carried[], completes: (eventId: string) => boolean): Promise<'stopped' | { deadIds: readonly string[] }> {
  const { config, journal, observer } = deps;
  const entries = carried.map((c) => c.entry);
  const ids = entries.map((e) => e.eventId);
  // A service stopping sends nothing more: the rest goes out after the restart. Rows already
  // `sending` here had an earlier request accepted (Voucherify's customer upsert): the event is
  // sent again from its first request, which is safe, rather than parked as an unknown outcome.
  if (deps.stopping()) {
    await journal.retrying(ids, 'the connector stopped between two requests of the event');
    return 'stopped';
  }
  // One journal write before the first attempt and one with the outcome, whatever the retries:
  // a retry follows an answer that kept nothing (429, 5xx) or no answer at all.
  await journal.sending(entries);
  // True after an attempt that got no answer: the vendor may have it, so it must not be resent blindly.
  let unanswered = false;
  for (let attempt = 1; ; attempt += 1) {
    observer.waited(config.name, await deps.limiter.take());
    if (deps.stopping()) {
      if (!unanswered) await journal.retrying(ids, 'the connector stopped before sending');
      return 'stopped';
    }
    // Timed inside the slot: the metric is the vendor's answer time, not the wait for a slot.
    const result = await deps.slots.use(async () => {
      const started = deps.now();
      const answer = await deps.send({ ...request, headers: { ...request.headers, ...deps.adapter.authorize(request, deps.now()) } }, config.timeoutMs);
      observer.request(config.name, (deps.now() - started) / 1000, answer.ok ? String(answer.response.status) : answer.timedOut ? 'timeout' : 'network');
      return answer;
    });
    let verdict: Verdict;
    if (result.ok) {
      verdict = deps.adapter.interpret(request, result.response, deps.now());
    } else {
      // No answer: the vendor may or may not have the request; the rows stay `sending` meanwhile.
      verdict = { kind: 'retry', reason: result.reason, retryAfterMs: null, rateLimited: false };
    }
    unanswered = !result.ok;
    const response = result.ok ? { status: result.response.status, body: result.response.body } : null;

    if (verdict.kind === 'accepted') {
      const refused = carried.flatMap((c) => {
        const reason = verdict.failed.get(c.entry.eventId);
        return reason === undefined ? [] : [letter(deps, c.source, reason, request, response, attempt)];
      });
      const deadIds = refused.map((l) => l.eventId);
      const letters = refused;
      if (letters.length > 0) {
        await deps.publishDeadLetters(letters);
        await journal.dead(letters);
        observer.failed(config.name, letters.length, 'item');
      }
      const deliveredIds = ids.filter((id) => !verdict.failed.has(id) && completes(id));
      await journal.delivered(deliveredIds, attempt);
      observer.sent(config.name, deliveredIds.length);
      return { deadIds };
    }
    if (verdict.kind === 'rejected') {
      const letters = carried.map((c) => letter(deps, c.source, verdict.reason, request, response, attempt));
      await deps.publishDeadLetters(letters);
      await journal.dead(letters);
      observer.failed(config.name, letters.length, 'rejected');
      return { deadIds: ids };
    }
    observer.retried(config.name, verdict.rateLimited ? 'rate-limited' : result.ok ? 'server-error' : 'network');
    const delay = backoffMs(config.retry, attempt, verdict.retryAfterMs, deps.random);
    if (verdict.rateLimited) observer.waited(config.name, delay);
    if (deps.stopping() || !(await deps.wait(delay))) {
      // Stopping while the vendor said "not now" (it kept nothing): safe to send again after the
      // restart. After no answer at all the rows stay `sending`: an unknown outcome.
      if (!unanswered) await journal.retrying(ids, verdict.reason);
      return 'stopped';
    }
  }
}

function letter(deps: DeliveryDeps, p: PendingEvent, reason: string, request: VendorRequest | null, response: DeadLetter['response'], attempts: number): DeadLetter {
  return {
    destination: deps.config.name,
    eventId: p.event.eventId,
    tenantId: p.event.tenantId,
    memberId: p.event.memberId,
    eventType: p.event.type,
    reason,
    request: request === null ? null : { method: request.method, url: request.url, body: request.body },
    response,
    attempts,
    deadAt: new Date(deps.now()).toISOString(),
    event: p.event,
  };
}
