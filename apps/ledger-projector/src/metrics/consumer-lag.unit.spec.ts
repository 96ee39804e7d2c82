import { ConsumerLag } from './consumer-lag';

const TOPIC = 'loyalty.ledger.events.v1';

describe('ConsumerLag', () => {
  it('is unmeasured until the consumer is assigned partitions', () => {
    const lag = new ConsumerLag();
    lag.batchApplied({ topic: TOPIC, partition: 0, highWatermark: '10', nextOffset: '4' });
    expect(lag.byPartition()).toBeUndefined();
    expect(lag.total()).toBeUndefined();
  });

  it('is the high watermark minus the next offset to apply, per assigned partition', () => {
    const lag = new ConsumerLag();
    lag.partitionsAssigned(TOPIC, [2, 0]);
    lag.batchApplied({ topic: TOPIC, partition: 0, highWatermark: '10', nextOffset: '4' });
    lag.batchApplied({ topic: TOPIC, partition: 2, highWatermark: '7', nextOffset: '7' });
    expect([...lag.byPartition()!]).toEqual([
      [0, 6],
      [2, 0],
    ]);
    expect(lag.total()).toBe(6);
  });

  it('keeps the newest position of each source whatever order they arrive in', () => {
    const lag = new ConsumerLag();
    lag.partitionsAssigned(TOPIC, [0]);
    lag.batchApplied({ topic: TOPIC, partition: 0, highWatermark: '100', nextOffset: '90' });
    // An admin poll answered from before that batch: older positions change nothing.
    lag.observeHighWatermark(0, '95');
    lag.observeNextOffset(0, '80');
    expect(lag.total()).toBe(10);
    // A later poll: 30 more events arrived, the group committed up to 95.
    lag.observeHighWatermark(0, '130');
    lag.observeNextOffset(0, '95');
    expect(lag.total()).toBe(35);
  });

  it('counts only the partitions assigned at the latest rebalance, and only measured ones', () => {
    const lag = new ConsumerLag();
    lag.partitionsAssigned(TOPIC, [0, 1]);
    lag.batchApplied({ topic: TOPIC, partition: 0, highWatermark: '50', nextOffset: '20' });
    lag.batchApplied({ topic: TOPIC, partition: 1, highWatermark: '9', nextOffset: '5' });
    lag.observeHighWatermark(2, '1000');
    lag.partitionsAssigned(TOPIC, [1, 2]);
    // Partition 2 has no next offset yet: not measured, not guessed.
    expect([...lag.byPartition()!]).toEqual([[1, 4]]);
    lag.partitionsAssigned(TOPIC, []);
    expect(lag.total()).toBe(0);
  });

  it('never reports a negative lag (a fetch can see an offset before the poll sees the watermark)', () => {
    const lag = new ConsumerLag();
    lag.partitionsAssigned(TOPIC, [0]);
    lag.observeHighWatermark(0, '5');
    lag.observeNextOffset(0, '8');
    expect(lag.total()).toBe(0);
  });
});
