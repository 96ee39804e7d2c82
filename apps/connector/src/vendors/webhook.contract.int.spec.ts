import { eventually } from '@loyalty/testing';
import { type ReceivedItem, verifyWebhookSignature } from '@loyalty/vendor-stubs';
import { deliverEvents } from '../delivery/deliver-events';
import { type Attempt, CONTRACT_TENANT, FIRST_BACKOFF_MS, TIMER_SLACK_MS, answerHeader, retriesOf429, statuses, useContractHarness } from '../test/contract-harness';
import { interleavedEvents, pendingEvents, testMember } from '../test/public-events';

const webhookItems = (items: readonly ReceivedItem[]) => items.filter((i) => i.kind === 'webhook');
const verified = (secret: string, a: Attempt) => verifyWebhookSignature(secret, a.headers['loyalty-signature'], a.body, Math.floor(a.startedAtWall / 1000));

/**
 * The signed-webhook contract, met by the real adapter through deliverEvents and the Postgres
 * journal, against the receiver stub: one request per event with a valid `Loyalty-Signature`,
 * `Loyalty-Event-Id` and a `Loyalty-Delivery-Id` kept across retries; a 4xx fails that event only;
 * Retry-After is honoured; a refused signature is a dead letter without the signature or secret.
 */
describe('Webhook contract', () => {
  const h = useContractHarness();

  it('posts each event signed, with its event id and the journal\'s delivery id, for several members, in order', async () => {
    const destination = h.destination('webhook');
    const { deps, attempts, letters } = h.delivery(destination);
    const members = Array.from({ length: 3 }, (_, i) => testMember(`wh${i}`));
    const events = interleavedEvents(CONTRACT_TENANT, members, 4);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(letters).toEqual([]);
    // The receiver verified every signature (it answers 401 otherwise); so do we.
    expect(h.stubs.stats('webhooks').byStatus).toEqual({ '204': events.length });
    expect(attempts.map((a) => verified(h.accounts.webhooks.secret, a))).toEqual(events.map(() => ({ ok: true })));
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    for (const event of events) {
      const attempt = attempts.find((a) => a.headers['loyalty-event-id'] === event.eventId);
      expect(attempt?.url).toBe(h.env['CONNECTOR_WEBHOOK_URL']);
      expect(attempt?.headers['loyalty-delivery-id']).toBe(journal.get(event.eventId)?.deliveryId);
      expect(attempt?.headers['loyalty-event-type']).toBe(event.type);
    }
    const byEvent = new Map(webhookItems(h.stubs.received('webhooks')).map((i) => [i.eventId, i]));
    for (const event of events) {
      expect(byEvent.get(event.eventId)?.payload).toEqual({ id: event.eventId, type: event.type, tenantId: CONTRACT_TENANT, memberId: event.memberId, occurredAt: event.occurredAt, destination: destination.config.name, data: event });
    }
    for (const member of members) {
      const got = webhookItems(h.stubs.received('webhooks', { customerId: member.memberId })).map((i) => i.eventId);
      expect(got).toEqual(events.filter((e) => e.memberId === member.memberId).map((e) => e.eventId));
    }
    expect(h.stubs.stats('webhooks').duplicateEventIds).toBe(0);
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'delivered'));
  });

  it('dead-letters exactly the events the receiver refuses (400), and delivers the others', async () => {
    const destination = h.destination('webhook');
    const { deps, letters } = h.delivery(destination);
    const members = Array.from({ length: 4 }, (_, i) => testMember(`if${i}`));
    const events = interleavedEvents(CONTRACT_TENANT, members, 3);
    h.stubs.setFaults('webhooks', { itemFailureRate: 0.4, seed: 3 });

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    const deadIds = letters.map((l) => l.eventId);
    const delivered = webhookItems(h.stubs.received('webhooks')).map((i) => i.eventId!);
    expect(deadIds.length).toBeGreaterThan(0);
    expect(delivered.length).toBeGreaterThan(0);
    expect([...deadIds, ...delivered].sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(h.stubs.stats('webhooks').itemsRejected).toBe(deadIds.length);
    for (const letter of letters) {
      expect(letter.response).toEqual({ status: 400, body: JSON.stringify({ error: 'injected item failure' }) });
      expect(JSON.parse(letter.request!.body)).toMatchObject({ id: letter.eventId });
    }
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, delivered)).toEqual(delivered.map(() => 'delivered'));
    expect(statuses(journal, deadIds)).toEqual(deadIds.map(() => 'dead'));
  });

  it('honours a 429\'s Retry-After, and backs off after a 429 without one, keeping the delivery id and signing anew', async () => {
    const destination = h.destination('webhook');
    for (const retryAfterSeconds of [1, null]) {
      h.stubs.reset();
      // The first event passes, the second is refused once.
      h.stubs.setFaults('webhooks', { rateLimit: { burstEvery: 1, burstLength: 1, retryAfterSeconds } });
      const member = testMember('rl');
      const events = interleavedEvents(CONTRACT_TENANT, [member], 2);
      const { deps, attempts, letters, retried } = h.delivery(destination);

      expect(await deliverEvents(deps, pendingEvents(events, [member]))).toBe('done');

      const [refusal, ...more] = retriesOf429(attempts);
      expect(more).toEqual([]);
      const { refused, retry } = refusal!;
      expect(answerHeader(refused, 'retry-after')).toBe(retryAfterSeconds === null ? undefined : String(retryAfterSeconds));
      expect(retry!.startedAt - refused.answeredAt).toBeGreaterThanOrEqual((retryAfterSeconds === null ? FIRST_BACKOFF_MS : retryAfterSeconds * 1000) - TIMER_SLACK_MS);
      expect(retry!.headers['loyalty-delivery-id']).toBe(refused.headers['loyalty-delivery-id']);
      expect(verified(h.accounts.webhooks.secret, retry!)).toEqual({ ok: true });
      // A second later the signature carries the retry's own time.
      if (retryAfterSeconds !== null) expect(retry!.headers['loyalty-signature']).not.toBe(refused.headers['loyalty-signature']);
      expect(retried).toEqual(['rate-limited']);
      expect(letters).toEqual([]);
      expect(webhookItems(h.stubs.received('webhooks')).map((i) => i.eventId)).toEqual(events.map((e) => e.eventId));
    }
  });

  it('dead-letters every event when the receiver refuses the signature (wrong secret), without the signature or the secret', async () => {
    const wrong = 'whsec_wrong_signing_secret_value';
    const destination = h.destination('webhook', { CONNECTOR_WEBHOOK_SECRET: wrong });
    const { deps, attempts, letters } = h.delivery(destination);
    const members = [testMember('cred1'), testMember('cred2')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 2);

    expect(await deliverEvents(deps, pendingEvents(events, members))).toBe('done');

    expect(letters.map((l) => l.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    for (const letter of letters) {
      expect(letter.response).toEqual({ status: 401, body: JSON.stringify({ error: 'signature mismatch' }) });
      const json = JSON.stringify(letter);
      const signature = attempts.find((a) => a.headers['loyalty-event-id'] === letter.eventId)?.headers['loyalty-signature'] ?? '';
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      for (const secret of [wrong, h.accounts.webhooks.secret, signature, signature.split('v1=')[1]!]) expect(json).not.toContain(secret);
      expect(json.toLowerCase()).not.toContain('loyalty-signature');
    }
    expect(webhookItems(h.stubs.received('webhooks'))).toEqual([]);
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'dead'));
  });

  it('retries 5xx until the receiver recovers, and then delivers every event exactly once, under one delivery id', async () => {
    const destination = h.destination('webhook');
    const { deps, attempts, letters, retried } = h.delivery(destination);
    const members = [testMember('out1'), testMember('out2')];
    const events = interleavedEvents(CONTRACT_TENANT, members, 3);
    h.stubs.setFaults('webhooks', { errorRate: 1 });

    const delivering = deliverEvents(deps, pendingEvents(events, members));
    await eventually(async () => (h.stubs.stats('webhooks').injected.errors >= 6 ? true : undefined), 'several 5xx answers');
    expect(webhookItems(h.stubs.received('webhooks'))).toEqual([]);
    h.stubs.setFaults('webhooks', {});

    expect(await delivering).toBe('done');
    expect(letters).toEqual([]);
    expect(new Set(retried)).toEqual(new Set(['server-error']));
    expect(webhookItems(h.stubs.received('webhooks')).map((i) => i.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(h.stubs.stats('webhooks').duplicateEventIds).toBe(0);
    const journal = await h.journal(destination.config.name, events.map((e) => e.eventId));
    expect(statuses(journal, events.map((e) => e.eventId))).toEqual(events.map(() => 'delivered'));
    const attemptsOf = (eventId: string) => attempts.filter((a) => a.headers['loyalty-event-id'] === eventId);
    // Each member's first event met the outage; its retries went out under the same delivery id.
    expect(events.filter((e) => attemptsOf(e.eventId).length > 1).length).toBeGreaterThanOrEqual(members.length);
    for (const event of events) expect(new Set(attemptsOf(event.eventId).map((a) => a.headers['loyalty-delivery-id']))).toEqual(new Set([journal.get(event.eventId)?.deliveryId]));
  });
});
