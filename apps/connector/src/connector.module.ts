import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { type ConnectorDatabase, createPool } from '@loyalty/db';
import { ADMIN_AUTH_CONFIG, AUTH_CONFIG, AdminKeyGuard, ApiKeyGuard, type DependencyCheck, HEALTH_CHECKS, HealthHttpController, nestKafkaLogger, serviceLoggerModule } from '@loyalty/http';
import { KafkaHealthProbe, createKafkaClient } from '@loyalty/kafka';
import { Kysely, PostgresDialect } from 'kysely';
import { type ConnectorSettings } from './connector.config';
import { CONNECTOR_DATABASE, CONNECTOR_KAFKA, CONNECTOR_SETTINGS, ConnectorRuntime } from './connector-runtime';
import { ConnectorMetrics } from './metrics/connector-metrics';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { DestinationOpsHttpController } from './ops/destination-ops.http.controller';
import { DeliveryStatusHttpController } from './status/delivery-status.http.controller';

@Injectable()
class ProbeShutdown implements OnApplicationShutdown {
  constructor(@Inject(KafkaHealthProbe) private readonly probe: KafkaHealthProbe) {}

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}

/**
 * Publishes the public loyalty topic and forwards chosen events to Bloomreach, Braze, Voucherify
 * and signed webhooks (ADR-19): per destination its own consumer group, journal, rate limit,
 * retries and dead-letter topic.
 */
@Module({})
export class ConnectorModule {
  static forRoot(settings: ConnectorSettings): DynamicModule {
    const kafka = createKafkaClient(settings.kafka, 'connector', nestKafkaLogger());
    const probe = new KafkaHealthProbe(kafka);
    const db = new Kysely<ConnectorDatabase>({ dialect: new PostgresDialect({ pool: createPool(settings.database, 'connector') }) });
    return {
      module: ConnectorModule,
      imports: [serviceLoggerModule('connector'), TerminusModule],
      controllers: [HealthHttpController, MetricsHttpController, DeliveryStatusHttpController, DestinationOpsHttpController],
      providers: [
        { provide: CONNECTOR_SETTINGS, useValue: settings },
        { provide: CONNECTOR_DATABASE, useValue: db },
        { provide: CONNECTOR_KAFKA, useValue: kafka },
        { provide: AUTH_CONFIG, useValue: settings.auth },
        { provide: ADMIN_AUTH_CONFIG, useValue: settings.admin },
        { provide: KafkaHealthProbe, useValue: probe },
        { provide: ConnectorMetrics, useValue: new ConnectorMetrics() },
        ConnectorRuntime,
        ApiKeyGuard,
        AdminKeyGuard,
        {
          provide: HEALTH_CHECKS,
          inject: [ConnectorRuntime],
          useFactory: (runtime: ConnectorRuntime): DependencyCheck[] => [
            { name: 'kafka', probe: () => probe.reachable(), downMessage: 'kafka unreachable' },
            { name: 'postgres', probe: () => runtime.ping(), downMessage: 'postgres unreachable' },
            { name: 'delivery', probe: () => Promise.resolve(runtime.isRunning()), downMessage: 'the feed or a destination stopped consuming' },
          ],
        },
        ProbeShutdown,
      ],
    };
  }
}
