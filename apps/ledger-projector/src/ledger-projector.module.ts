import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { type Kysely } from 'kysely';
import { createDatabase, type Database } from '@loyalty/db';
import { AUTH_CONFIG, ApiKeyGuard, HEALTH_CHECKS, HealthHttpController, type DependencyCheck, nestKafkaLogger, serviceLoggerModule } from '@loyalty/http';
import { createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { GetMemberBalanceHttpController } from './balances/get-member-balance.http.controller';
import { DATABASE } from './database.provider';
import { sql } from 'kysely';
import { DatabaseMigrator } from './database-migrator';
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
      controllers: [GetMemberBalanceHttpController, HealthHttpController],
      providers: [
        { provide: AUTH_CONFIG, useValue: settings.auth },
        { provide: DATABASE, useValue: createDatabase(settings.database, 'ledger-projector') },
        { provide: PROJECTOR_KAFKA, useValue: createKafkaClient(settings.kafka, 'ledger-projector', nestKafkaLogger()) },
        { provide: PROJECTOR_TOPOLOGY, useValue: ledgerTopology(settings.kafka) },
        { provide: PROJECTOR_GROUP, useValue: settings.groupId },
        {
          provide: HEALTH_CHECKS,
          inject: [DATABASE, LedgerProjectorConsumer],
          useFactory: (db: Kysely<Database>, consumer: LedgerProjectorConsumer): DependencyCheck[] => [
            { name: 'postgres', probe: async () => (await sql`select 1`.execute(db), true), downMessage: 'postgres unreachable' },
            { name: 'ledgerConsumer', probe: () => Promise.resolve(consumer.isRunning()), downMessage: 'not consuming the ledger' },
          ],
        },
        ApiKeyGuard,
        DatabaseMigrator,
        LedgerProjectorConsumer,
        DatabaseShutdown,
      ],
    };
  }
}
