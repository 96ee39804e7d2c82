import { eventually } from '@loyalty/testing';
import { type ReceivedItem } from '@loyalty/vendor-stubs';
import { deliverEvents } from '../delivery/deliver-events';
import { CONTRACT_TENANT, TIMER_SLACK_MS, answerHeader, retriesOf429, statuses, useContractHarness } from '../test/contract-harness';
import { interleavedEvents, pendingEvents, testMember } from '../test/public-events';

interface TrackBody {
  attributes?: Record<string, unknown>[];
  events?: Record<string, unknown>[];
}

const eventItems = (items: readonly ReceivedItem[]) => items.filter((i) => i.kind === 'event');
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Braze's /users/track contract, met by the real adapter through deliverEvents and the Postgres
 * journal, against the Braze stub: at most 75 objects per request across arrays, ISO-8601 times,
 * per-object errors inside a 201 fail those events only, X-Ratelimit-Retry-After (or else
 * X-RateLimit-Reset) is honoured, 401/403 are dead letters that carry no key.
 */
describe('Braze contract', () => {
  const h = useContractHarness();

  it('sends several members\' events in requests of at most 75 objects, with ISO-8601 times and the member id as external_id', async () => {
    const destination = h.destination('braze');
    const { deps, attempts, letters } = h.delivery(destination);
    const members = Array.from({ length: 4 }, (_, i) => testMember(`bz${i}`));
    const events = interleavedEvents(CONTRACT_TENANT, members, 20);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(letters).toEqual([]);
    const bodies = attempts.map((a) => JSON.parse(a.body) as TrackBody);
    const objects = bodies.map((b) => (b.attributes?.length ?? 0) + (b.events?.length ?? 0));
    // An attributes and an events object per event: 160 objects, never more than 75 in a request.
    expect(objects.reduce((a, b) => a + b, 0)).toBe(160);
    expect(Math.max(...objects)).toBeLessThanOrEqual(75);
    expect(objects).toHaveLength(3);
    expect(attempts.every((a) => a.url === `${h.stubs.urls.braze}/users/track` && a.headers['authorization'] === `Bearer ${h.accounts.braze.apiKey}`)).toBe(true);

    const byEvent = new Map(eventItems(h.stubs.received('braze')).map((i) => [i.eventId, i]));
    for (const event of events) {
      const payload = byEvent.get(event.eventId)?.payload as { time: string } | undefined;
      expect(payload).toMatchObject({ external_id: event.memberId, name: `loyalty_${event.type}`, time: event.occurredAt, properties: { event_id: event.eventId, tier_id: event.tier?.id } });
      expect(payload?.time).toMatch(ISO_8601);
    }
    const tierChange = byEvent.get(events.find((e) => e.type === 'tier_changed')?.eventId ?? '');
    expect(tierChange?.payload).toMatchObject({ name: 'loyalty_tier_changed', properties: { tier_id: 'gold', tier_name: 'Gold', levelMove: 'up' } });
    const attributes = h.stubs.received('braze').filter((i) => i.kind === 'attributes');
    expect(attributes).toHaveLength(events.length);
    expect(attributes[0]?.payload).toMatchObject({ external_id: events[0]!.memberId, loyalty_tier: 'Silver', loyalty_points: 500 });
    for (const member of members) {
      const got = eventItems(h.stubs.received('braze', { customerId: member.memberId })).map((i) => i.eventId);
      expect(got).toEqual(events.filter((e) => e.memberId === member.memberId).map((e) => e.eventId));
    }
    expect(h.stubs.stats('braze')).toMatchObject({ itemsAccepted: 160, itemsRejected: 0, duplicateEventIds: 0 });
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'delivered'));
  });

  it('dead-letters exactly the events whose objects Braze refuses inside a 201 (an external_id over 987 bytes)', async () => {
    const destination = h.destination('braze');
    const { deps, letters } = h.delivery(destination);
    const good = [testMember('ok1'), testMember('ok2')];
    const huge = { memberId: `m${'x'.repeat(990)}`, contact: { email: 'huge@example.com', phone: null, loyaltyCardNumber: null } };
    const members = [...good, huge];
    const events = interleavedEvents(CONTRACT_TENANT, members, 3);
    const deadIds = events.filter((e) => e.memberId === huge.memberId).map((e) => e.eventId);
    const delivered = events.filter((e) => e.memberId !== huge.memberId).map((e) => e.eventId);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(letters.map((l) => l.eventId).sort()).toEqual([...deadIds].sort());
    for (const letter of letters) {
      expect(letter.reason).toMatch(/EXTERNAL_USER_ID_TOO_LARGE/);
      expect(letter.response?.status).toBe(201);
      expect(letter.request?.body).toContain(letter.eventId);
    }
    expect(eventItems(h.stubs.received('braze')).map((i) => i.eventId).sort()).toEqual([...delivered].sort());
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, delivered)).toEqual(delivered.map(() => 'delivered'));
    expect(statuses(journal, deadIds)).toEqual(deadIds.map(() => 'dead'));
  });

  it('honours X-Ratelimit-Retry-After on a 429', async () => {
    const destination = h.destination('braze');
    const members = [testMember('rl1'), testMember('rl2')];
    // The first request passes, the second is refused once.
    h.stubs.setFaults('braze', { rateLimit: { burstEvery: 1, burstLength: 1, retryAfterSeconds: 1 } });
    const { deps, attempts, letters, retried } = h.delivery(destination);
    const events = interleavedEvents(CONTRACT_TENANT, members, 25);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    const [refusal, ...more] = retriesOf429(attempts);
    expect(more).toEqual([]);
    expect(answerHeader(refusal!.refused, 'x-ratelimit-retry-after')).toBe('1');
    expect(refusal!.retry!.startedAt - refusal!.refused.answeredAt).toBeGreaterThanOrEqual(1_000 - TIMER_SLACK_MS);
    expect(retried).toEqual(['rate-limited']);
    expect(letters).toEqual([]);
    expect(eventItems(h.stubs.received('braze')).map((i) => i.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(h.stubs.stats('braze').duplicateEventIds).toBe(0);
  });

  it('after a 429 without X-Ratelimit-Retry-After, waits for X-RateLimit-Reset (the documented fallback) and delivers once', async () => {
    const destination = h.destination('braze');
    const members = [testMember('rs1'), testMember('rs2')];
    h.stubs.setFaults('braze', { rateLimit: { burstEvery: 1, burstLength: 1 } });
    const { deps, attempts, letters, retried } = h.delivery(destination);
    const events = interleavedEvents(CONTRACT_TENANT, members, 25);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    const [refusal, ...more] = retriesOf429(attempts);
    expect(more).toEqual([]);
    expect(answerHeader(refusal!.refused, 'x-ratelimit-retry-after')).toBeUndefined();
    const reset = Number(answerHeader(refusal!.refused, 'x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(0);
    expect(refusal!.retry!.startedAtWall).toBeGreaterThanOrEqual(reset * 1000);
    expect(retried).toEqual(['rate-limited']);
    expect(letters).toEqual([]);
    expect(eventItems(h.stubs.received('braze')).map((i) => i.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(h.stubs.stats('braze').duplicateEventIds).toBe(0);
  });

  it.each([
    ['an unknown key', 'wrong_braze_key_value', 401],
    ['a key without the users.track permission', 'readonly', 403],
  ])('dead-letters every event on %s, with the answer and without the key', async (_case, key, status) => {
    const apiKey = key === 'readonly' ? h.brazeKeyWithoutPermission : key;
    const destination = h.destination('braze', { BRAZE_API_KEY: apiKey });
    const { deps, attempts, letters } = h.delivery(destination);
    const members = [testMember('cred1'), testMember('cred2')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 2);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(attempts[0]?.headers['authorization']).toBe(`Bearer ${apiKey}`);
    expect(letters.map((l) => l.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    for (const letter of letters) {
      expect(letter.response?.status).toBe(status);
      expect(letter.reason).toContain(`HTTP ${status}`);
      const json = JSON.stringify(letter);
      expect(json).not.toContain(apiKey);
      expect(json).not.toContain(h.accounts.braze.apiKey);
      expect(json).not.toContain('Bearer');
    }
    expect(eventItems(h.stubs.received('braze'))).toEqual([]);
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'dead'));
    expect(JSON.stringify([...journal.values()].map((r) => r.deadLetter))).not.toContain(apiKey);
  });

  it('retries 5xx until Braze recovers, and then delivers every event exactly once', async () => {
    const destination = h.destination('braze');
    const { deps, letters, retried } = h.delivery(destination);
    const members = [testMember('out1'), testMember('out2'), testMember('out3')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 4);
    h.stubs.setFaults('braze', { errorRate: 1 });

    const delivering = deliverEvents(deps, pendingEvents(events, members));
    await eventually(async () => (h.stubs.stats('braze').injected.errors >= 3 ? true : undefined), 'three 5xx answers');
    expect(eventItems(h.stubs.received('braze'))).toEqual([]);
    h.stubs.setFaults('braze', {});

    expect(await delivering).toBe('done');
    expect(letters).toEqual([]);
    expect(new Set(retried)).toEqual(new Set(['server-error']));
    expect(eventItems(h.stubs.received('braze')).map((i) => i.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(h.stubs.stats('braze').duplicateEventIds).toBe(0);
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'delivered'));
    expect(Math.min(...[...journal.values()].map((r) => r.attempts))).toBeGreaterThanOrEqual(4);
  });
});
