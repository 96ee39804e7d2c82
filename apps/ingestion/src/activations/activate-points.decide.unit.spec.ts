import { DEFAULT_PROGRAM, INITIAL_MEMBER_STATE, type MemberState, availablePoints } from '@loyalty/domain';
import { decideRecordReturn } from '../returns/record-return.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { decidePurchaseFixture } from '../test/purchase.fixture';
import { eventsOf, fold, rulesOrigin } from '../test/rules-command.fixture';
import { type ActivatePoints, decideActivatePoints } from './activate-points.decide';

const context = decisionContext('2026-12-06T23:00:07.000Z');
const PURCHASE_BUCKET = 'acme/purchase/tx-1/bucket';
const activate = (commandId = 'act-1', bucketId = PURCHASE_BUCKET): ActivatePoints => ({ ...rulesOrigin(commandId), bucketId, activatedAt: '2026-12-06T23:00:00.000Z' });

/** tx-1: 200 points, pending for the default program's 14 days. */
const givenPendingPurchase = (): MemberState => fold(INITIAL_MEMBER_STATE, decidePurchaseFixture(INITIAL_MEMBER_STATE, DEFAULT_PROGRAM));

describe('decideActivatePoints', () => {
  it('given pending purchase points, when the rules service activates them, then PointsActivated and the points become spendable', () => {
    const state = givenPendingPurchase();
    expect(availablePoints(state, context.now)).toBe(0);

    const decision = decideActivatePoints(activate(), state, context);

    const events = eventsOf(decision);
    expect(events.map((e) => e.type)).toEqual(['PointsActivated']);
    expect(events[0]!.data).toEqual({ bucketId: PURCHASE_BUCKET, currency: 'permanent', points: 200, activatedAt: '2026-12-06T23:00:00.000Z' });
    expect(events[0]!.metadata).toEqual({
      eventId: 'acme/rules/act-1/PointsActivated',
      tenantId: 'acme',
      memberId: 'm-1',
      occurredAt: '2026-12-06T23:00:00.000Z',
      recordedAt: context.now,
      correlationId: 'act-1',
      causationId: 'cause-1',
      schemaVersion: 1,
      programVersion: 'rules-v7',
    });
    const after = fold(state, decision);
    expect(after.buckets[PURCHASE_BUCKET]).toMatchObject({ pending: false, remaining: 200 });
    expect(availablePoints(after, context.now)).toBe(200);
  });

  it('given a return inside the window cancelled part of the pending points, then only what is left is activated', () => {
    let state = givenPendingPurchase();
    const oneTee = { tenantId: 'acme', returnId: 'ret-1', transactionId: 'tx-1', memberId: 'm-1', occurredAt: '2026-11-25T10:00:00Z', lines: [{ lineId: 'tee', quantity: 1, amountMinor: null }] };
    state = fold(state, decideRecordReturn(oneTee, state, DEFAULT_PROGRAM, decisionContext('2026-11-25T10:00:01.000Z')));
    const left = state.buckets[PURCHASE_BUCKET]!.remaining;
    expect(left).toBeLessThan(200);

    expect(eventsOf(decideActivatePoints(activate(), state, context))[0]!.data).toMatchObject({ points: left });
  });

  it('given points already active, when activated again (another command id), then nothing happens, with the reason', () => {
    const state = fold(givenPendingPurchase(), decideActivatePoints(activate('act-1'), givenPendingPurchase(), context));

    expect(decideActivatePoints(activate('act-2'), state, context)).toEqual({ kind: 'no-op', reason: `bucket ${PURCHASE_BUCKET} is already active` });
  });

  it('given a bucket the member does not have, then nothing happens, with the reason', () => {
    expect(decideActivatePoints(activate('act-1', 'no-such-bucket'), givenPendingPurchase(), context)).toEqual({ kind: 'no-op', reason: 'member m-1 has no bucket no-such-bucket' });
  });
});
