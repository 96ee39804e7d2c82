import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ConsumerLag } from '../metrics/consumer-lag';
import { LagTrend } from './lag-trend';

export const LAG_HEALTH_BOUND = Symbol('LagHealthBound');

/**
 * Long enough to span several lag refreshes (5 s) and orchestrator probes, and bursts of new
 * events; short enough that a projector which stopped progressing is reported within a minute or two.
 */
export const LAG_TREND_WINDOW_MS = 60_000;

/**
 * The terminus indicator of the consumer lag: reports the total lag of this instance's partitions
 * and is down only when it exceeds the bound and is not shrinking (see judgeLag).
 */
@Injectable()
export class ConsumerLagHealthIndicator {
  private readonly trend: LagTrend;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly lag: ConsumerLag,
    @Inject(LAG_HEALTH_BOUND) private readonly maxHealthyLag: number,
  ) {
    this.trend = new LagTrend({ maxHealthyLag, windowMs: LAG_TREND_WINDOW_MS });
  }

  check<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    const totalLag = this.lag.total();
    const { healthy, state } = this.trend.judge(Date.now(), totalLag);
    const details = { totalLag: totalLag ?? null, maxHealthyLag: this.maxHealthyLag, state };
    return healthy ? indicator.up(details) : indicator.down(details);
  }
}
