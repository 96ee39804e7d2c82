import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { type Kafka } from 'kafkajs';
import { type Kysely } from 'kysely';
import type pg from 'pg';
import { createDatabase, createPool, type Database } from '@loyalty/db';
import { ADMIN_AUTH_CONFIG, AUTH_CONFIG, AdminKeyGuard, ApiKeyGuard, HEALTH_CHECKS, type DependencyCheck, nestKafkaLogger, serviceLoggerModule } from '@loyalty/http';
import { type LedgerTopology, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { GetMemberBalanceHttpController } from './balances/get-member-balance.http.controller';
import { ListMemberBucketsHttpController } from './buckets/list-member-buckets.http.controller';
import { PROJECTION_POSITIONS, ProjectionPositions } from './consistency/projection-positions';
import { CONSISTENCY_WAIT_MS, ReadYourWritesInterceptor } from './consistency/read-your-writes.interceptor';
import { ListMemberExpirationsHttpController } from './expirations/list-member-expirations.http.controller';
import { ListMemberHistoryHttpController } from './history/list-member-history.http.controller';
import { RebuildRuns } from './rebuild/rebuild-runs';
import { RebuildsHttpController } from './rebuild/rebuilds.http.controller';
import { DATABASE, QUERY_POOL } from './database.provider';
import { PROGRAM_CATALOG } from './tiers/program-catalog.provider';
import { sql } from 'kysely';
import { DatabaseMigrator } from './database-migrator';
import { ConsumerLagHealthIndicator, LAG_HEALTH_BOUND } from './health/consumer-lag.health-indicator';
import { ProjectorHealthHttpController } from './health/projector-health.http.controller';
import { ProjectorKafkaProbe } from './health/projector-kafka.probe';
import { ConsumerLag } from './metrics/consumer-lag';
import { ConsumerLagPoller } from './metrics/consumer-lag.poller';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { ProjectorMetrics } from './metrics/projector-metrics';
import { type LedgerProjectorSettings } from './ledger-projector.config';
import { LedgerProjectorConsumer, PROJECTOR_GROUP, PROJECTOR_KAFKA, PROJECTOR_TOPOLOGY } from './ledger/ledger-projector.consumer';

@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

/** Builds balances, buckets and history from the ledger in Postgres, and serves them. */
@Module({})
export class LedgerProjectorModule {
  static forRoot(settings: LedgerProjectorSettings): DynamicModule {
    return {
      module: LedgerProjectorModule,
      imports: [serviceLoggerModule('ledger-projector'), TerminusModule],
      controllers: [
        GetMemberBalanceHttpController,
        ListMemberBucketsHttpController,
        ListMemberHistoryHttpController,
        ListMemberExpirationsHttpController,
        ProjectorHealthHttpController,
        MetricsHttpController,
        RebuildsHttpController,
      ],
      providers: [
        { provide: AUTH_CONFIG, useValue: settings.auth },
        { provide: QUERY_POOL, useValue: createPool(settings.database, 'ledger-projector') },
        { provide: DATABASE, inject: [QUERY_POOL], useFactory: (pool: pg.Pool) => createDatabase(settings.database, 'ledger-projector', { pool }) },
        { provide: PROJECTOR_KAFKA, useValue: createKafkaClient(settings.kafka, 'ledger-projector', nestKafkaLogger()) },
        { provide: PROJECTOR_TOPOLOGY, useValue: ledgerTopology(settings.kafka) },
        { provide: PROJECTOR_GROUP, useValue: settings.groupId },
        {
          provide: PROJECTION_POSITIONS,
          inject: [DATABASE, PROJECTOR_TOPOLOGY],
          useFactory: (db: Kysely<Database>, topology: LedgerTopology) => new ProjectionPositions(db, settings.groupId, topology.topic),
        },
        { provide: CONSISTENCY_WAIT_MS, useValue: settings.consistencyWaitMs },
        { provide: PROGRAM_CATALOG, useValue: settings.programs },
        { provide: ADMIN_AUTH_CONFIG, useValue: settings.admin },
        AdminKeyGuard,
        {
          provide: RebuildRuns,
          inject: [DATABASE, PROJECTOR_KAFKA, PROJECTOR_TOPOLOGY],
          useFactory: (db: Kysely<Database>, kafka: Kafka, topology: LedgerTopology) =>
            new RebuildRuns({ db, databaseConfig: settings.database, kafka, topology, liveGroup: settings.groupId }),
        },
        ReadYourWritesInterceptor,
        {
          provide: HEALTH_CHECKS,
          inject: [DATABASE, LedgerProjectorConsumer, ProjectorKafkaProbe],
          useFactory: (db: Kysely<Database>, consumer: LedgerProjectorConsumer, kafka: ProjectorKafkaProbe): DependencyCheck[] => [
            { name: 'kafka', probe: () => kafka.reachable(), downMessage: 'kafka unreachable' },
            { name: 'postgres', probe: async () => (await sql`select 1`.execute(db), true), downMessage: 'postgres unreachable' },
            { name: 'ledgerConsumer', probe: () => Promise.resolve(consumer.isRunning()), downMessage: 'not consuming the ledger' },
          ],
        },
        { provide: ConsumerLag, useValue: new ConsumerLag() },
        { provide: ProjectorMetrics, inject: [PROJECTOR_TOPOLOGY, ConsumerLag], useFactory: (t: LedgerTopology, lag: ConsumerLag) => new ProjectorMetrics(t.topic, lag) },
        { provide: LAG_HEALTH_BOUND, useValue: settings.maxHealthyLag },
        ConsumerLagPoller,
        ConsumerLagHealthIndicator,
        ProjectorKafkaProbe,
        ApiKeyGuard,
        DatabaseMigrator,
        LedgerProjectorConsumer,
        DatabaseShutdown,
      ],
    };
  }
}
