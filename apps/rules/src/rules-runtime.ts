import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import { RULES_MIGRATIONS, type RulesDatabase, migrateToLatest } from '@loyalty/db';
import { ConfigError } from '@loyalty/config';
import { planProgramPublication, programsFromLog } from '@loyalty/domain';
import { KafkaEventPublisher, ProgramLog, RULES_COMMANDS_TOPIC, deterministicId, ledgerTopology, prefixed } from '@loyalty/kafka';
import { RulesConsumer } from './consumer/rules.consumer';
import { retryStart } from '@loyalty/http';
import { DayRun } from './days/day-run';
import { DayScheduler } from './days/day-scheduler';
import { RulesMetrics } from './metrics/rules-metrics';
import { OutboxRelay } from './outbox/outbox-relay';
import { RelayLoop } from './outbox/relay-loop';
import { RulesCommandPublisher } from './outbox/rules-command.publisher';
import { type RulesSettings } from './rules.config';

export const RULES_DATABASE = Symbol('RulesDatabase');
export const RULES_KAFKA = Symbol('RulesKafka');
export const RULES_SETTINGS = Symbol('RulesSettings');

/**
 * The rules service's moving parts, started in order once the schema is migrated: the ledger
 * consumer (state and tier decisions), the outbox relay (publishing decisions), and the day
 * scheduler (activations, expiries, warnings at each tenant's midnight).
 */
@Injectable()
export class RulesRuntime implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RulesRuntime.name);
  readonly consumer: RulesConsumer;
  readonly relay: RelayLoop;
  readonly scheduler: DayScheduler;
  private readonly commands: RulesCommandPublisher;
  private consuming = false;

  constructor(
    @Inject(RULES_SETTINGS) private readonly settings: RulesSettings,
    @Inject(RULES_DATABASE) private readonly db: Kysely<RulesDatabase>,
    @Inject(RULES_KAFKA) private readonly kafka: Kafka,
    metrics: RulesMetrics,
  ) {
    const topology = ledgerTopology(settings.kafka);
    const commandsTopic = prefixed(settings.kafka.KAFKA_TOPIC_PREFIX, RULES_COMMANDS_TOPIC);
    const now = () => settings.clock.now();
    this.commands = new RulesCommandPublisher(kafka, commandsTopic);
    const events = new KafkaEventPublisher(kafka, topology.codec, { topic: topology.topic, timeoutMs: 10_000 });
    this.relay = new RelayLoop(new OutboxRelay(db, events, this.commands, (items) => metrics.decisions(items)), 1_000);
    this.consumer = new RulesConsumer(kafka, topology, settings.groupId, db, { programs: settings.programs, idFor: deterministicId, now, decide: true }, (result) => {
      metrics.eventsApplied(result.applied);
      if (result.queued) this.relay.kick();
    }, { mode: settings.applyMode });
    const days = new DayRun({
      db,
      kafka,
      programs: settings.programs,
      idFor: deterministicId,
      now,
      consumer: settings.groupId,
      ledgerTopic: topology.topic,
      commandsTopic,
      ingestionGroup: settings.ingestionGroup,
      delayMs: settings.dayDelayMs,
    });
    this.scheduler = new DayScheduler(days, settings.tickMs, () => this.relay.kick(), (outcome) => metrics.dayStep(outcome));
  }

  async onModuleInit(): Promise<void> {
    const applied = await migrateToLatest(this.db, RULES_MIGRATIONS);
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    await this.adoptProgramsFromLog();
  }

  /**
   * Configuration changes are events: the program files' versions not yet in the program log are
   * published there, and the rules decide with the programs the log holds (every version ever
   * published). A file that changes a published version stops the service: a change is a new
   * version, so events of the old one stay explainable.
   */
  private async adoptProgramsFromLog(): Promise<void> {
    const log = new ProgramLog(this.kafka, this.settings.kafka);
    const published = await retryStart('reading the program log', () => log.readAll(), this.logger);
    const plan = planProgramPublication(this.settings.programs.programs(), published, {
      idFor: deterministicId,
      sha256: (text) => createHash('sha256').update(text).digest('hex'),
      recordedAt: this.settings.clock.now(),
    });
    if (plan.conflicts.length > 0) throw new ConfigError(plan.conflicts);
    await retryStart('publishing program versions', () => log.publish(plan.toPublish), this.logger);
    for (const p of plan.toPublish) this.logger.log(`published program ${p.tenantId}/${p.version} (effective ${p.effectiveFrom})`);
    const { programs, invalid } = programsFromLog([...published, ...plan.toPublish]);
    for (const problem of invalid) this.logger.warn(`program log: ignored an invalid version: ${problem}`);
    this.settings.programs.adopt(programs);
  }

  async onApplicationBootstrap(): Promise<void> {
    await retryStart('joining the ledger consumer group', () => this.consumer.start(), this.logger);
    this.consuming = true;
    this.relay.start();
    this.scheduler.start();
    this.logger.log(`consuming the ledger as group ${this.settings.groupId}; days run ${this.settings.dayDelayMs} ms after each tenant's midnight`);
  }

  isConsuming(): boolean {
    return this.consuming && this.consumer.healthy();
  }

  async ping(): Promise<boolean> {
    await sql`select 1`.execute(this.db);
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.consuming = false;
    await this.scheduler.stop();
    await this.consumer.stop();
    await this.relay.stop();
    await this.commands.close();
    await this.db.destroy();
  }
}
