import { type LedgerEvent } from '@loyalty/domain';
import { fromAvro, toAvro } from './ledger-event.codec';

const enrolled: LedgerEvent = {
  type: 'MemberEnrolled',
  data: { enrolledAt: '2026-11-22T10:00:00.000Z', email: 'a@example.com', phone: null, loyaltyCardNumber: null },
  metadata: {
    eventId: 'e-1',
    tenantId: 'acme',
    memberId: 'm-1',
    occurredAt: '2026-11-22T10:00:00.000Z',
    recordedAt: '2026-11-22T10:00:00.000Z',
    correlationId: 'c-1',
    causationId: null,
    schemaVersion: 1,
    programVersion: null,
  },
};

describe('ledger event <-> Avro record', () => {
  it('puts the payload in the union branch named after the type', () => {
    expect(toAvro(enrolled)).toEqual({ metadata: enrolled.metadata, data: { 'com.loyalty.ledger.MemberEnrolled': enrolled.data } });
  });

  it('reads the type back from the branch', () => {
    expect(fromAvro(toAvro(enrolled))).toEqual(enrolled);
  });

  it('refuses a branch that is not a ledger event type', () => {
    expect(() => fromAvro({ metadata: enrolled.metadata, data: { 'com.other.Thing': {} } })).toThrow('unknown event type com.other.Thing');
  });
});
