import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { type RulesDatabase, createPool } from '@loyalty/db';
import { HEALTH_CHECKS, HealthHttpController, type DependencyCheck, nestKafkaLogger, serviceLoggerModule } from '@loyalty/http';
import { KafkaHealthProbe, createKafkaClient } from '@loyalty/kafka';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { RulesMetrics } from './metrics/rules-metrics';
import { type RulesSettings } from './rules.config';
import { RULES_DATABASE, RULES_KAFKA, RULES_SETTINGS, RulesRuntime } from './rules-runtime';

@Injectable()
class ProbeShutdown implements OnApplicationShutdown {
  constructor(@Inject(KafkaHealthProbe) private readonly probe: KafkaHealthProbe) {}

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}

/**
 * Derives tier changes, activations, expiries, warnings and re-engagement offers from the ledger
 * and appends them (ADR-18). Its state is its own, folded from the log alone.
 */
@Module({})
export class RulesModule {
  static forRoot(settings: RulesSettings): DynamicModule {
    const kafka = createKafkaClient(settings.kafka, 'rules', nestKafkaLogger());
    const probe = new KafkaHealthProbe(kafka);
    const db = new Kysely<RulesDatabase>({ dialect: new PostgresDialect({ pool: createPool(settings.database, 'rules') }) });
    return {
      module: RulesModule,
      imports: [serviceLoggerModule('rules'), TerminusModule],
      controllers: [HealthHttpController, MetricsHttpController],
      providers: [
        { provide: RULES_SETTINGS, useValue: settings },
        { provide: RULES_DATABASE, useValue: db },
        { provide: RULES_KAFKA, useValue: kafka },
        { provide: KafkaHealthProbe, useValue: probe },
        {
          provide: RulesMetrics,
          useValue: new RulesMetrics(async () => Number((await sql<{ n: string }>`select count(*) as n from rules_outbox`.execute(db)).rows[0]?.n ?? 0)),
        },
        RulesRuntime,
        {
          provide: HEALTH_CHECKS,
          inject: [RulesRuntime],
          useFactory: (runtime: RulesRuntime): DependencyCheck[] => [
            { name: 'kafka', probe: () => probe.reachable(), downMessage: 'kafka unreachable' },
            { name: 'postgres', probe: () => runtime.ping(), downMessage: 'postgres unreachable' },
            { name: 'ledgerConsumer', probe: () => Promise.resolve(runtime.isConsuming()), downMessage: 'not consuming the ledger' },
          ],
        },
        ProbeShutdown,
      ],
    };
  }
}
