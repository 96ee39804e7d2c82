import { eventually } from '@loyalty/testing';
import { type ReceivedItem } from '@loyalty/vendor-stubs';
import { deliverEvents } from '../delivery/deliver-events';
import { CONTRACT_TENANT, FIRST_BACKOFF_MS, TIMER_SLACK_MS, answerHeader, retriesOf429, statuses, useContractHarness } from '../test/contract-harness';
import { interleavedEvents, pendingEvents, testMember } from '../test/public-events';

const eventItems = (items: readonly ReceivedItem[]) => items.filter((i) => i.kind === 'event');

/**
 * Voucherify's contract, met by the real adapter through deliverEvents and the Postgres journal,
 * against the Voucherify stub: per event a customer upsert by source_id, then the custom event
 * (a name of the project's Event Schema); a 400 fails that event only; Retry-After is honoured;
 * 401 is a dead letter without X-App-Id/X-App-Token.
 */
describe('Voucherify contract', () => {
  const h = useContractHarness();

  it('upserts the customer and then tracks the event (a name of the Event Schema), for several members, in order', async () => {
    const destination = h.destination('voucherify');
    const { deps, attempts, letters } = h.delivery(destination);
    const members = Array.from({ length: 4 }, (_, i) => testMember(`vf${i}`));
    const events = interleavedEvents(CONTRACT_TENANT, members, 4);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(letters).toEqual([]);
    expect(attempts).toHaveLength(2 * events.length);
    expect(attempts.every((a) => a.headers['x-app-id'] === h.accounts.voucherify.appId && a.headers['x-app-token'] === h.accounts.voucherify.appToken)).toBe(true);
    const schema = new Set(h.accounts.voucherify.eventSchema);
    for (const member of members) {
      const own = events.filter((e) => e.memberId === member.memberId);
      const received = h.stubs.received('voucherify', { customerId: member.memberId });
      // Customer upsert, then its event, event after event.
      expect(received.map((i) => i.kind)).toEqual(own.flatMap(() => ['customer', 'event']));
      own.forEach((event, n) => {
        expect(received[2 * n]?.payload).toMatchObject({ source_id: member.memberId, metadata: { loyalty_tier: event.tier?.name, loyalty_qualifying_points: event.qualifyingPoints } });
        expect(received[2 * n + 1]).toMatchObject({ eventId: event.eventId, name: `loyalty_${event.type}` });
        expect(received[2 * n + 1]?.payload).toMatchObject({ customer: { source_id: member.memberId }, metadata: { event_id: event.eventId } });
        expect(schema.has(received[2 * n + 1]?.name ?? '')).toBe(true);
      });
    }
    const tierChange = eventItems(h.stubs.received('voucherify')).find((i) => i.name === 'loyalty_tier_changed');
    expect(tierChange?.payload).toMatchObject({ metadata: { tier_id: 'gold', tier_name: 'Gold', levelMove: 'up' } });
    expect(h.stubs.stats('voucherify')).toMatchObject({ itemsAccepted: 2 * events.length, itemsRejected: 0, duplicateEventIds: 0 });
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'delivered'));
  });

  it('dead-letters exactly the events whose request Voucherify refuses (400), and delivers the others', async () => {
    const destination = h.destination('voucherify');
    const { deps, letters } = h.delivery(destination);
    const members = Array.from({ length: 4 }, (_, i) => testMember(`if${i}`));
    const events = interleavedEvents(CONTRACT_TENANT, members, 3);
    h.stubs.setFaults('voucherify', { itemFailureRate: 0.3, seed: 5 });

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    const deadIds = letters.map((l) => l.eventId);
    const delivered = eventItems(h.stubs.received('voucherify')).map((i) => i.eventId!);
    expect(deadIds.length).toBeGreaterThan(0);
    expect(delivered.length).toBeGreaterThan(0);
    // Every event is either delivered or dead, never both; one refused request settles an event.
    expect([...deadIds, ...delivered].sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(h.stubs.stats('voucherify').itemsRejected).toBe(deadIds.length);
    for (const letter of letters) {
      expect(letter.response?.status).toBe(400);
      expect(letter.response?.body).toContain('invalid_payload');
      expect(letter.reason).toContain('HTTP 400');
      expect(letter.request?.url).toMatch(/\/v1\/(customers|events)$/);
    }
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, delivered)).toEqual(delivered.map(() => 'delivered'));
    expect(statuses(journal, deadIds)).toEqual(deadIds.map(() => 'dead'));
  });

  it('honours a 429\'s Retry-After, and backs off after a 429 without one', async () => {
    const destination = h.destination('voucherify');
    for (const retryAfterSeconds of [1, null]) {
      h.stubs.reset();
      // The customer upsert passes, the event is refused once.
      h.stubs.setFaults('voucherify', { rateLimit: { burstEvery: 1, burstLength: 1, retryAfterSeconds } });
      const member = testMember('rl');
      const events = interleavedEvents(CONTRACT_TENANT, [member], 1);
      const { deps, attempts, letters, retried } = h.delivery(destination);

      expect(await deliverEvents(deps, pendingEvents(events, [member]))).toBe('done');

      const [refusal, ...more] = retriesOf429(attempts);
      expect(more).toEqual([]);
      expect(refusal!.refused.url).toMatch(/\/v1\/events$/);
      expect(answerHeader(refusal!.refused, 'retry-after')).toBe(retryAfterSeconds === null ? undefined : String(retryAfterSeconds));
      expect(refusal!.retry!.startedAt - refusal!.refused.answeredAt).toBeGreaterThanOrEqual((retryAfterSeconds === null ? FIRST_BACKOFF_MS : retryAfterSeconds * 1000) - TIMER_SLACK_MS);
      expect(retried).toEqual(['rate-limited']);
      expect(letters).toEqual([]);
      expect(eventItems(h.stubs.received('voucherify')).map((i) => i.eventId)).toEqual([events[0]!.eventId]);
      const journal = await h.journal(destination.config.name, [events[0]!.eventId]);
      expect(journal.get(events[0]!.eventId)?.status).toBe('delivered');
    }
  });

  it('dead-letters every event on a wrong app token, with the 401 and without X-App-Id/X-App-Token', async () => {
    const wrong = 'wrong_voucherify_token_value';
    const destination = h.destination('voucherify', { VOUCHERIFY_APP_TOKEN: wrong });
    const { deps, attempts, letters } = h.delivery(destination);
    const members = [testMember('cred1'), testMember('cred2')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 2);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(attempts[0]?.headers['x-app-token']).toBe(wrong);
    expect(letters.map((l) => l.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    for (const letter of letters) {
      expect(letter.response).toMatchObject({ status: 401 });
      expect(letter.response?.body).toContain('unauthorized');
      const json = JSON.stringify(letter);
      for (const secret of [wrong, h.accounts.voucherify.appId, h.accounts.voucherify.appToken]) expect(json).not.toContain(secret);
      expect(json.toLowerCase()).not.toContain('x-app-');
    }
    expect(h.stubs.received('voucherify')).toEqual([]);
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'dead'));
  });

  it('retries 5xx until Voucherify recovers, and then delivers every event exactly once', async () => {
    const destination = h.destination('voucherify');
    const { deps, letters, retried } = h.delivery(destination);
    const members = [testMember('out1'), testMember('out2')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 3);
    h.stubs.setFaults('voucherify', { errorRate: 1 });

    const delivering = deliverEvents(deps, pendingEvents(events, members));
    await eventually(async () => (h.stubs.stats('voucherify').injected.errors >= 6 ? true : undefined), 'several 5xx answers');
    expect(h.stubs.received('voucherify')).toEqual([]);
    h.stubs.setFaults('voucherify', {});

    expect(await delivering).toBe('done');
    expect(letters).toEqual([]);
    expect(new Set(retried)).toEqual(new Set(['server-error']));
    expect(eventItems(h.stubs.received('voucherify')).map((i) => i.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(h.stubs.stats('voucherify').duplicateEventIds).toBe(0);
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'delivered'));
  });

  it('counts each delivered event once for the sent metric, though it takes two requests', async () => {
    const destination = h.destination('voucherify');
    const { deps, sent } = h.delivery(destination);
    const members = [testMember('met1'), testMember('met2')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 2);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(eventItems(h.stubs.received('voucherify'))).toHaveLength(events.length);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(events.length);
  });

  /**
   * An event takes two requests here. The journal must not call it delivered once the customer
   * upsert is accepted: if the process dies before /v1/events is accepted, the next run skips the
   * "delivered" event, and Voucherify never gets it, without a dead letter to tell.
   */
  it('does not journal an event as delivered before its /v1/events request is accepted, so a crash cannot lose it', async () => {
    const destination = h.destination('voucherify');
    // The customer upsert passes; the event is refused with Retry-After, and the process dies while it waits.
    h.stubs.setFaults('voucherify', { rateLimit: { burstEvery: 1, burstLength: 1, retryAfterSeconds: 1 } });
    const member = testMember('crash');
    const [event] = interleavedEvents(CONTRACT_TENANT, [member], 1);
    let release: ((resumed: boolean) => void) | undefined;
    const first = h.delivery(destination, { wait: () => new Promise<boolean>((resolve) => (release = resolve)) });
    const dying = deliverEvents(first.deps, pendingEvents([event!], [member]));
    try {
      await eventually(async () => (release === undefined ? undefined : true), 'the retry wait after the 429');
      expect(eventItems(h.stubs.received('voucherify'))).toEqual([]);
      const whileWaiting = (await h.journal(destination.config.name, [event!.eventId])).get(event!.eventId)?.status;

      // The process is gone (its wait never ends); the restarted one reads the same batch again.
      h.stubs.setFaults('voucherify', {});
      const second = h.delivery(destination);
      expect(await deliverEvents(second.deps, pendingEvents([event!], [member]))).toBe('done');
      const reachedVoucherify = eventItems(h.stubs.received('voucherify')).some((i) => i.eventId === event!.eventId);
      const toldAnOperator = second.letters.some((l) => l.eventId === event!.eventId);
      expect({ journaledDeliveredBeforeTheEventWasAccepted: whileWaiting === 'delivered', lostAfterTheRestart: !reachedVoucherify && !toldAnOperator }).toEqual({
        journaledDeliveredBeforeTheEventWasAccepted: false,
        lostAfterTheRestart: false,
      });
    } finally {
      release?.(false);
      await dying;
    }
  });
});
