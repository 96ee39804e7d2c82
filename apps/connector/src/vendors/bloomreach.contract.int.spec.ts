import { eventually } from '@loyalty/testing';
import { type ReceivedItem } from '@loyalty/vendor-stubs';
import { deliverEvents } from '../delivery/deliver-events';
import { CONTRACT_TENANT, FIRST_BACKOFF_MS, TIMER_SLACK_MS, answerHeader, retriesOf429, statuses, useContractHarness } from '../test/contract-harness';
import { type TestMember, interleavedEvents, pendingEvents, testMember } from '../test/public-events';

interface BatchBody {
  commands: { name: string; command_id: string; data: Record<string, unknown> }[];
}

const eventItems = (items: readonly ReceivedItem[]) => items.filter((i) => i.kind === 'event');

/**
 * Bloomreach's Tracking API contract, met by the real adapter (loaded from a destinations file)
 * through deliverEvents and the Postgres journal, against the Bloomreach stub: /batch with at most
 * 50 commands and Basic auth, `success:false` per command is final for that event only, 429 and
 * 5xx are retried, auth failures are dead letters that carry no credentials.
 */
describe('Bloomreach contract', () => {
  const h = useContractHarness();

  it('sends several members\' events as /batch calls of at most 50 commands, e-mail as the registered id, with the seeds\' tier fields', async () => {
    const destination = h.destination('bloomreach');
    const { deps, attempts, letters } = h.delivery(destination);
    const members = Array.from({ length: 6 }, (_, i) => testMember(`br${i}`));
    const events = interleavedEvents(CONTRACT_TENANT, members, 5);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(letters).toEqual([]);
    const bodies = attempts.map((a) => JSON.parse(a.body) as BatchBody);
    // Two commands per event (customer attributes, then the event): 60 commands in 50 + 10.
    expect(bodies.map((b) => b.commands.length)).toEqual([50, 10]);
    expect(attempts.every((a) => a.url === `${h.stubs.urls.bloomreach}/track/v2/projects/${h.accounts.bloomreach.projectToken}/batch`)).toBe(true);
    expect(attempts[0]?.headers['authorization']).toBe(`Basic ${Buffer.from(`${h.accounts.bloomreach.keyId}:${h.accounts.bloomreach.secret}`).toString('base64')}`);

    const received = h.stubs.received('bloomreach');
    const byEvent = new Map(eventItems(received).map((i) => [i.eventId, i]));
    const emailOf = new Map(members.map((m) => [m.memberId, m.contact.email]));
    for (const event of events) {
      const item = byEvent.get(event.eventId);
      expect(item?.payload).toMatchObject({
        customer_ids: { registered: emailOf.get(event.memberId) },
        event_type: `loyalty_${event.type}`,
        timestamp: Date.parse(event.occurredAt) / 1000,
        properties: { event_id: event.eventId, tenant_code: CONTRACT_TENANT, tier_id: event.tier?.id, tier_name: event.tier?.name },
      });
    }
    const tierChange = byEvent.get(events.find((e) => e.type === 'tier_changed')?.eventId ?? '');
    expect(tierChange?.payload).toMatchObject({ event_type: 'loyalty_tier_changed', properties: { tier_id: 'gold', tier_name: 'Gold', tenant_code: CONTRACT_TENANT, levelMove: 'up' } });
    // The customer update comes first, stamped so a late retry cannot overwrite fresher values.
    const customers = received.filter((i) => i.kind === 'customer');
    expect(customers).toHaveLength(events.length);
    expect(customers[0]?.payload).toMatchObject({ customer_ids: { registered: emailOf.get(events[0]!.memberId) }, properties: { loyalty_tier: 'Silver' }, update_timestamp: Date.parse(events[0]!.occurredAt) / 1000 });
    expect(customers[0]!.sequence).toBeLessThan(byEvent.get(events[0]!.eventId)!.sequence);
    // Each member's events arrive in log order.
    for (const member of members) {
      const got = eventItems(h.stubs.received('bloomreach', { customerId: member.contact.email! })).map((i) => i.eventId);
      expect(got).toEqual(events.filter((e) => e.memberId === member.memberId).map((e) => e.eventId));
    }
    expect(h.stubs.stats('bloomreach')).toMatchObject({ itemsAccepted: 60, itemsRejected: 0, duplicateEventIds: 0 });

    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(new Set(statuses(journal, events.map((e) => e.eventId)))).toEqual(new Set(['delivered']));
    expect([...journal.values()].every((r) => r.attempts === 1)).toBe(true);
  });

  it('dead-letters exactly the events Bloomreach cannot take: no e-mail (never sent) and an id it refuses inside a 200', async () => {
    const destination = h.destination('bloomreach');
    const { deps, attempts, letters } = h.delivery(destination);
    const good = [testMember('ok1'), testMember('ok2'), testMember('ok3')];
    const noEmail = testMember('noemail', { email: null });
    // No alphanumeric character: "At least one id should be specified.", per command, in a 200.
    const badId = testMember('badid', { email: '@@@' });
    const members = [...good, noEmail, badId];
    const events = interleavedEvents(CONTRACT_TENANT, members, 2);
    const ids = (m: TestMember) => events.filter((e) => e.memberId === m.memberId).map((e) => e.eventId);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    const deadIds = [...ids(noEmail), ...ids(badId)];
    expect(letters.map((l) => l.eventId).sort()).toEqual([...deadIds].sort());
    for (const letter of letters.filter((l) => l.memberId === noEmail.memberId)) {
      expect(letter).toMatchObject({ destination: destination.config.name, reason: expect.stringContaining('no email') as unknown, request: null, response: null, attempts: 0 });
    }
    for (const letter of letters.filter((l) => l.memberId === badId.memberId)) {
      expect(letter.reason).toMatch(/^command \d+ failed: .*At least one id should be specified/);
      expect(letter.response?.status).toBe(200);
      expect(letter.request?.body).toContain(letter.eventId);
    }
    // The member without e-mail was never sent at all.
    for (const id of ids(noEmail)) expect(attempts.some((a) => a.body.includes(id))).toBe(false);

    const delivered = good.flatMap(ids);
    expect(eventItems(h.stubs.received('bloomreach')).map((i) => i.eventId).sort()).toEqual([...delivered].sort());
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, delivered)).toEqual(delivered.map(() => 'delivered'));
    expect(statuses(journal, deadIds)).toEqual(deadIds.map(() => 'dead'));
    expect(journal.get(deadIds[0]!)?.deadLetter?.eventId).toBe(deadIds[0]);
  });

  it('honours a 429\'s Retry-After, and backs off after a 429 without one', async () => {
    const destination = h.destination('bloomreach');
    const members = Array.from({ length: 6 }, (_, i) => testMember(`rl${i}`));

    for (const retryAfterSeconds of [1, null]) {
      h.stubs.reset();
      // The first /batch passes, the second is refused once (Bloomreach keeps nothing of a 429).
      h.stubs.setFaults('bloomreach', { rateLimit: { burstEvery: 1, burstLength: 1, retryAfterSeconds } });
      const { deps, attempts, letters, retried } = h.delivery(destination);
      const events = interleavedEvents(CONTRACT_TENANT, members, 5);

      expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

      const [refusal, ...more] = retriesOf429(attempts);
      expect(more).toEqual([]);
      expect(answerHeader(refusal!.refused, 'retry-after')).toBe(retryAfterSeconds === null ? undefined : String(retryAfterSeconds));
      const waited = refusal!.retry!.startedAt - refusal!.refused.answeredAt;
      // With the header: not before it says. Without: the first backoff step.
      expect(waited).toBeGreaterThanOrEqual((retryAfterSeconds === null ? FIRST_BACKOFF_MS : retryAfterSeconds * 1000) - TIMER_SLACK_MS);
      expect(retried).toEqual(['rate-limited']);
      expect(letters).toEqual([]);
      expect(eventItems(h.stubs.received('bloomreach')).map((i) => i.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
      expect(h.stubs.stats('bloomreach').duplicateEventIds).toBe(0);
      const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
      expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'delivered'));
      expect(Math.max(...[...journal.values()].map((r) => r.attempts))).toBe(2);
    }
  });

  it.each([
    ['a wrong secret', 'BLOOMREACH_SECRET', 403, 'invalid secret'],
    ['an unknown key id', 'BLOOMREACH_KEY_ID', 401, 'Access key not found'],
  ])('dead-letters every event on %s, with the answer and without the credentials', async (_case, variable, status, text) => {
    const wrong = `wrong_${variable.toLowerCase()}_value`;
    const destination = h.destination('bloomreach', { [variable]: wrong });
    const { deps, attempts, letters } = h.delivery(destination);
    const members = [testMember('cred1'), testMember('cred2')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 2);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(letters.map((l) => l.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    const authorization = attempts[0]?.headers['authorization'] ?? '';
    expect(authorization).toMatch(/^Basic /);
    for (const letter of letters) {
      expect(letter.response?.status).toBe(status);
      expect(letter.response?.body).toContain(text);
      expect(letter.reason).toContain(`HTTP ${status}`);
      const json = JSON.stringify(letter);
      for (const secret of [wrong, authorization, authorization.slice('Basic '.length), h.accounts.bloomreach.keyId, h.accounts.bloomreach.secret]) expect(json).not.toContain(secret);
      expect(json.toLowerCase()).not.toContain('authorization');
    }
    expect(eventItems(h.stubs.received('bloomreach'))).toEqual([]);
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'dead'));
    expect(JSON.stringify([...journal.values()].map((r) => r.deadLetter))).not.toContain(wrong);
  });

  it('retries 5xx until Bloomreach recovers, and then delivers every event exactly once', async () => {
    const destination = h.destination('bloomreach');
    const { deps, letters, retried } = h.delivery(destination);
    const members = [testMember('out1'), testMember('out2'), testMember('out3')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 4);
    h.stubs.setFaults('bloomreach', { errorRate: 1 });

    const delivering = deliverEvents(deps, pendingEvents(events, members));
    await eventually(async () => (h.stubs.stats('bloomreach').injected.errors >= 3 ? true : undefined), 'three 5xx answers');
    expect(eventItems(h.stubs.received('bloomreach'))).toEqual([]);
    h.stubs.setFaults('bloomreach', {});

    expect(await delivering).toBe('done');
    expect(letters).toEqual([]);
    expect(retried.length).toBeGreaterThanOrEqual(3);
    expect(new Set(retried)).toEqual(new Set(['server-error']));
    const got = eventItems(h.stubs.received('bloomreach')).map((i) => i.eventId);
    expect(got.sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(h.stubs.stats('bloomreach').duplicateEventIds).toBe(0);
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'delivered'));
    expect(Math.min(...[...journal.values()].map((r) => r.attempts))).toBeGreaterThanOrEqual(4);
  });
});
