import { ConsumerLag } from './consumer-lag';
import { ProjectorMetrics } from './projector-metrics';

const TOPIC = 'loyalty.ledger.events.v1';

describe('ProjectorMetrics', () => {
  it('renders the transaction metrics, the lag per assigned partition and the process metrics', async () => {
    const lag = new ConsumerLag();
    const metrics = new ProjectorMetrics(TOPIC, lag);
    metrics.transactionApplied({ events: 12, applied: 10, durationSeconds: 0.02 });
    metrics.transactionApplied({ events: 3, applied: 3, durationSeconds: 0.004 });
    lag.partitionsAssigned(TOPIC, [0, 1]);
    lag.batchApplied({ topic: TOPIC, partition: 0, highWatermark: '40', nextOffset: '15' });
    lag.batchApplied({ topic: TOPIC, partition: 1, highWatermark: '3', nextOffset: '3' });

    const text = await metrics.render();

    expect(text).toContain(`loyalty_projector_events_applied_total{topic="${TOPIC}"} 13`);
    expect(text).toContain(`loyalty_projector_events_skipped_total{topic="${TOPIC}"} 2`);
    expect(text).toContain('loyalty_projector_batch_size_sum 15');
    expect(text).toContain('loyalty_projector_batch_size_bucket{le="5"} 1');
    expect(text).toContain('loyalty_projector_apply_duration_seconds_count 2');
    expect(text).toContain(`loyalty_projector_consumer_lag{topic="${TOPIC}",partition="0"} 25`);
    expect(text).toContain(`loyalty_projector_consumer_lag{topic="${TOPIC}",partition="1"} 0`);
    expect(text).toContain('process_cpu_seconds_total');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('shows the counters at zero before the first event, and no lag before the group is joined', async () => {
    const text = await new ProjectorMetrics(TOPIC, new ConsumerLag()).render();
    expect(text).toContain(`loyalty_projector_events_applied_total{topic="${TOPIC}"} 0`);
    expect(text).not.toMatch(/^loyalty_projector_consumer_lag\{/m);
  });

  it('drops the lag of a partition reassigned to another instance', async () => {
    const lag = new ConsumerLag();
    const metrics = new ProjectorMetrics(TOPIC, lag);
    lag.partitionsAssigned(TOPIC, [0, 1]);
    lag.batchApplied({ topic: TOPIC, partition: 1, highWatermark: '9', nextOffset: '9' });
    expect(await metrics.render()).toContain('partition="1"');
    lag.partitionsAssigned(TOPIC, [0]);
    expect(await metrics.render()).not.toContain('partition="1"');
  });
});
