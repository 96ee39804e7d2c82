import { type LedgerEvent } from '../events/ledger-event';
import { evolveMember } from './evolve-member';
import { type BucketState, INITIAL_MEMBER_STATE, type MemberState } from './member-state';

const metadata = { eventId: 'e', tenantId: 'acme', memberId: 'm-1', occurredAt: '2027-02-20T23:00:00.000Z', recordedAt: '2027-02-20T23:00:01.000Z', correlationId: 'c', causationId: null, schemaVersion: 1, programVersion: null };
const bucket: BucketState = {
  bucketId: 'b-1',
  currency: 'temporary',
  amount: 20,
  remaining: 15,
  pending: true,
  earnedAt: '2026-11-22T08:00:00.000Z',
  activeFrom: '2026-11-22T08:00:00.000Z',
  expiresAt: '2027-02-20T08:00:00.000Z',
  owed: 0,
  expired: false,
};
const given: MemberState = { ...INITIAL_MEMBER_STATE, buckets: { 'b-1': bucket } };

const activated = (bucketId: string): LedgerEvent => ({ type: 'PointsActivated', data: { bucketId, currency: 'temporary', points: 15, activatedAt: metadata.occurredAt }, metadata });
const expired = (bucketId: string, points: number): LedgerEvent => ({
  type: 'PointsExpired',
  data: { bucketId, currency: 'temporary', points, expiresAt: '2027-02-20T08:00:00.000Z', expiredAt: metadata.occurredAt },
  metadata,
});

describe('evolveMember: activations and expiries', () => {
  it('given a pending bucket, when PointsActivated, then it is active with its points', () => {
    expect(evolveMember(given, activated('b-1')).buckets['b-1']).toEqual({ ...bucket, pending: false });
  });

  it('given a bucket, when PointsExpired, then what was left is gone and the bucket is marked expired', () => {
    expect(evolveMember(given, expired('b-1', 15)).buckets['b-1']).toEqual({ ...bucket, remaining: 0, expired: true });
  });

  it('given a bucket all spent, when PointsExpired of 0, then it is still marked expired', () => {
    const spent = { ...given, buckets: { 'b-1': { ...bucket, remaining: 0 } } };
    expect(evolveMember(spent, expired('b-1', 0)).buckets['b-1']).toMatchObject({ remaining: 0, expired: true });
  });

  it('given events about a bucket the state does not hold, then the very same state comes back (nothing to write)', () => {
    expect(evolveMember(given, expired('b-2', 5))).toBe(given);
    expect(evolveMember(given, activated('b-2'))).toBe(given);
  });
});
