import { ReceivedLog, type NewReceivedItem } from './received-log';

const item = (overrides: Partial<NewReceivedItem>): NewReceivedItem => ({
  vendor: 'braze',
  kind: 'event',
  customerId: 'm1',
  eventId: 'e1',
  name: 'points_earned',
  payload: {},
  receivedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('ReceivedLog', () => {
  it('numbers items globally and flags a repeated event id per vendor, for events only', () => {
    const log = new ReceivedLog();
    expect(log.record(item({})).duplicate).toBe(false);
    expect(log.record(item({ vendor: 'bloomreach' })).duplicate).toBe(false);
    expect(log.record(item({ kind: 'attributes' })).duplicate).toBe(false);
    expect(log.record(item({})).duplicate).toBe(true);
    expect(log.record(item({ eventId: null })).duplicate).toBe(false);
    expect(log.list('braze').map((each) => each.sequence)).toEqual([1, 3, 4, 5]);
  });

  it('filters by customer and name, and clears one vendor without renumbering', () => {
    const log = new ReceivedLog();
    log.record(item({ customerId: 'm1', name: 'a' }));
    log.record(item({ customerId: 'm2', name: 'a' }));
    log.record(item({ customerId: 'm1', name: 'b' }));
    expect(log.list('braze', { customerId: 'm1' }).map((each) => each.name)).toEqual(['a', 'b']);
    expect(log.list('braze', { customerId: 'm1', name: 'b' })).toHaveLength(1);
    expect(log.list('braze', { customerId: 'nobody' })).toEqual([]);
    log.clear('braze');
    expect(log.list('braze')).toEqual([]);
    expect(log.record(item({})).item.sequence).toBe(4);
  });
});
