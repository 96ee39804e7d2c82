import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

/** One dependency a service needs: `probe` resolves true when it is usable right now. */
export interface DependencyCheck {
  readonly name: string;
  readonly probe: () => Promise<boolean>;
  /** What a caller should know when it is down. */
  readonly downMessage: string;
}

export const HEALTH_CHECKS = Symbol('HealthChecks');

/** `GET /health`: 200 when every dependency answers, 503 with the failing ones otherwise (terminus). */
@ApiTags('operations')
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_CHECKS) private readonly checks: readonly DependencyCheck[],
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check(
      this.checks.map((c) => async () => {
        const indicator = this.indicators.check(c.name);
        const ok = await c.probe().catch(() => false);
        return ok ? indicator.up() : indicator.down({ message: c.downMessage });
      }),
    );
  }
}
