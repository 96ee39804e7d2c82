import { parseRulesCommandMessage } from './rules-command.message';

const KEY = Buffer.from('acme|m-1');
const origin = { commandId: 'rules|acme|m-1|activate|b-1', tenantId: 'acme', memberId: 'm-1', programVersion: 'default-2026-11-01', causationId: 'evt-9' };
const activation = { type: 'activate-points', ...origin, bucketId: 'b-1', activatedAt: '2026-12-06T23:00:00Z' };
const offer = { type: 'grant-offer', ...origin, offerId: 'o-1', activityType: 'product-usage', bonusPoints: 200, validFrom: '2026-12-01T23:00:00Z', validUntil: '2026-12-15T23:00:00Z' };

const parse = (value: unknown, key: Buffer | null = KEY) => parseRulesCommandMessage(key, Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

function commandOf(value: unknown) {
  const parsed = parse(value);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.command;
}

function reasonOf(value: unknown, key: Buffer | null = KEY): string {
  const parsed = parse(value, key);
  if (parsed.ok) throw new Error('parsed');
  return parsed.reason;
}

describe('rules command messages', () => {
  it('given an activation, then a pipeline command keyed by the rules command id, about an existing member, reading the bucket', () => {
    const command = commandOf(activation);
    expect(command).toMatchObject({
      tenantId: 'acme',
      memberId: 'm-1',
      commandKey: 'rules:rules|acme|m-1|activate|b-1',
      occurredAt: '2026-12-06T23:00:00.000Z',
      createsMember: false,
      needs: { spendableBuckets: false, bucketIds: ['b-1'], transactionIds: [], redemptionIds: [] },
    });
  });

  it('given the same command again, written differently (key order, time precision), then the same request hash; other content, another hash', () => {
    const reordered = { activatedAt: '2026-12-06T23:00:00.000Z', bucketId: 'b-1', ...origin, type: 'activate-points' };
    expect(commandOf(reordered).requestHash).toBe(commandOf(activation).requestHash);
    expect(commandOf({ ...activation, bucketId: 'b-2' }).requestHash).not.toBe(commandOf(activation).requestHash);
    expect(commandOf({ ...activation, type: 'expire-points', activatedAt: undefined, expiredAt: '2026-12-06T23:00:00Z' }).requestHash).not.toBe(commandOf(activation).requestHash);
  });

  it('given a grant, then the window must end after it starts, and the bonus is a whole number', () => {
    expect(commandOf(offer)).toMatchObject({ commandKey: `rules:${origin.commandId}`, occurredAt: '2026-12-01T23:00:00.000Z', needs: { bucketIds: [] } });
    expect(reasonOf({ ...offer, validUntil: offer.validFrom })).toContain('validUntil: must be after validFrom');
    expect(reasonOf({ ...offer, bonusPoints: 1.5 })).toContain('bonusPoints');
  });

  it('given anything else, then the reason says what is wrong', () => {
    expect(reasonOf('{"type": "activate-points",')).toContain('malformed JSON');
    expect(reasonOf({ ...activation, extra: true })).toContain('extra');
    expect(reasonOf({ ...activation, type: 'delete-member' })).toContain('type');
    expect(reasonOf({ ...activation, commandId: '' })).toContain('commandId');
    expect(reasonOf({ ...activation, commandId: 'c'.repeat(201) })).toContain('commandId');
    expect(reasonOf({ ...activation, programVersion: undefined })).toContain('programVersion');
    expect(reasonOf({ ...activation, activatedAt: '2026-12-07T00:00:00+01:00' })).toContain('activatedAt: must be an ISO-8601 UTC date-time');
    expect(reasonOf(activation, Buffer.from('acme|m-2'))).toContain("the key must be 'acme|m-1'");
    expect(reasonOf(activation, null)).toContain('the key must be');
    expect(parseRulesCommandMessage(KEY, null)).toEqual({ ok: false, reason: 'empty message' });
  });
});
