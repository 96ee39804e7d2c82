import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { type DependencyCheck, HEALTH_CHECKS } from '@loyalty/http';
import { ConsumerLagHealthIndicator } from './consumer-lag.health-indicator';

/**
 * The projector's `GET /health` (terminus): the shared dependency checks (Kafka, Postgres, the
 * consumer) plus the consumer lag, whose details report the total lag. 200 when all are up, 503
 * problem+json with `checks` otherwise. It replaces the shared HealthHttpController, whose checks
 * are yes/no and could not carry the lag.
 */
@ApiTags('operations')
@Controller('health')
export class ProjectorHealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_CHECKS) private readonly checks: readonly DependencyCheck[],
    private readonly lag: ConsumerLagHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      ...this.checks.map((c) => async () => {
        const indicator = this.indicators.check(c.name);
        const ok = await c.probe().catch(() => false);
        return ok ? indicator.up() : indicator.down({ message: c.downMessage });
      }),
      () => this.lag.check('ledgerLag'),
    ]);
  }
}
