import { type DynamicModule, Inject, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { type Kysely, sql } from 'kysely';
import { clockFromEnv, loadConfigOrExit } from '@loyalty/config';
import { createDatabase, type Database, INGESTION_MIGRATIONS, migrateToLatest } from '@loyalty/db';
import {
  ADMIN_AUTH_CONFIG,
  AUTH_CLOCK,
  AUTH_CONFIG,
  AdminKeyGuard,
  ApiKeyGuard,
  type DependencyCheck,
  HEALTH_CHECKS,
  HealthHttpController,
  TenantAuthGuard,
  WEBHOOK_CONFIG,
  nestKafkaLogger,
  serviceLoggerModule,
  systemAuthClock,
} from '@loyalty/http';
import {
  EVENT_PUBLISHER,
  KafkaEventPublisher,
  KafkaHealthProbe,
  RULES_COMMANDS_TOPIC,
  STOREFRONT_DLQ_TOPIC,
  STOREFRONT_INPUT_TOPIC,
  createKafkaClient,
  deterministicId,
  ledgerTopology,
  prefixed,
} from '@loyalty/kafka';
import { RecordActivityHttpController } from './activities/record-activity.http.controller';
import { AdjustPointsHttpController } from './adjustments/adjust-points.http.controller';
import { type IngestionSettings } from './ingestion.config';
import { type CommandInputSettings } from './kafka-input/command-input.consumer';
import { MembersHttpController } from './members/members.http.controller';
import { COMMAND_PIPELINE, CommandPipeline } from './pipeline/command-pipeline';
import { OutboxRelay } from './pipeline/outbox-relay';
import { INGESTION_DATABASE } from './pipeline/tokens';
import { RecordPurchaseHttpController } from './purchases/record-purchase.http.controller';
import { RedemptionsHttpController } from './redemptions/redemptions.http.controller';
import { RecordReturnHttpController } from './returns/record-return.http.controller';
import { RULES_COMMANDS_DLQ_TOPIC } from './rules-input/rules-commands.topics';
import { RULES_INPUT, RulesInputConsumer } from './rules-input/rules-input.consumer';
import { STOREFRONT_INPUT, StorefrontInputConsumer, type StorefrontInputSettings } from './storefront-input/storefront-input.consumer';

const KAFKA_PROBE = Symbol('KafkaHealthProbe');

/** Migrates the write model before anything is served (module init precedes bootstrap). */
@Injectable()
class WriteModelLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WriteModel');

  constructor(
    @Inject(INGESTION_DATABASE) private readonly db: Kysely<Database>,
    @Inject(EVENT_PUBLISHER) private readonly publisher: KafkaEventPublisher,
    @Inject(KAFKA_PROBE) private readonly probe: KafkaHealthProbe,
  ) {}

  async onModuleInit(): Promise<void> {
    const applied = await migrateToLatest(this.db, INGESTION_MIGRATIONS);
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.publisher.close(), this.probe.close()]);
    await this.db.destroy();
  }
}

/** The write side: storefront requests in, decided against the write model, events out to the ledger. */
@Module({})
export class IngestionModule {
  static forRoot(settings: IngestionSettings): DynamicModule {
    const kafka = createKafkaClient(settings.kafka, 'ingestion', nestKafkaLogger());
    const topology = ledgerTopology(settings.kafka);
    const probe = new KafkaHealthProbe(kafka);
    const db = createDatabase({ ...settings.database, poolSize: Math.max(settings.database.poolSize, settings.pipeline.concurrency + 2) }, 'ingestion');
    const publisher = new KafkaEventPublisher(kafka, topology.codec, { topic: topology.topic, timeoutMs: settings.publishTimeoutMs });
    const storefrontInput: StorefrontInputSettings = {
      kafka,
      topic: prefixed(settings.kafka.KAFKA_TOPIC_PREFIX, STOREFRONT_INPUT_TOPIC),
      deadLetterTopic: prefixed(settings.kafka.KAFKA_TOPIC_PREFIX, STOREFRONT_DLQ_TOPIC),
      groupId: settings.storefrontGroupId,
    };
    const rulesInput: CommandInputSettings = {
      kafka,
      topic: prefixed(settings.kafka.KAFKA_TOPIC_PREFIX, RULES_COMMANDS_TOPIC),
      deadLetterTopic: prefixed(settings.kafka.KAFKA_TOPIC_PREFIX, RULES_COMMANDS_DLQ_TOPIC),
      groupId: settings.rulesCommandsGroupId,
    };
    const checks: DependencyCheck[] = [
      { name: 'kafka', probe: () => probe.reachable(), downMessage: 'kafka unreachable: writes answer 503' },
      { name: 'postgres', probe: async () => (await sql`select 1`.execute(db), true), downMessage: 'postgres unreachable: writes answer 503' },
    ];
    return {
      module: IngestionModule,
      imports: [serviceLoggerModule('ingestion'), TerminusModule],
      controllers: [
        RecordPurchaseHttpController,
        RecordReturnHttpController,
        RecordActivityHttpController,
        MembersHttpController,
        RedemptionsHttpController,
        AdjustPointsHttpController,
        HealthHttpController,
      ],
      providers: [
        { provide: AUTH_CONFIG, useValue: settings.auth },
        { provide: WEBHOOK_CONFIG, useValue: settings.webhook },
        { provide: ADMIN_AUTH_CONFIG, useValue: settings.admin },
        { provide: AUTH_CLOCK, useValue: systemAuthClock },
        { provide: INGESTION_DATABASE, useValue: db },
        { provide: KAFKA_PROBE, useValue: probe },
        { provide: EVENT_PUBLISHER, useValue: publisher },
        { provide: HEALTH_CHECKS, useValue: checks },
        { provide: STOREFRONT_INPUT, useValue: storefrontInput },
        { provide: RULES_INPUT, useValue: rulesInput },
        {
          provide: COMMAND_PIPELINE,
          useValue: new CommandPipeline({ db, publisher, programs: settings.programs, now: loadConfigOrExit('ingestion', () => clockFromEnv(process.env)).now, idFor: deterministicId }, settings.pipeline),
        },
        ApiKeyGuard,
        TenantAuthGuard,
        AdminKeyGuard,
        OutboxRelay,
        StorefrontInputConsumer,
        RulesInputConsumer,
        WriteModelLifecycle,
      ],
    };
  }
}
