import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CONNECTOR_MIGRATIONS, type ConnectorDatabase, migrateToLatest } from '@loyalty/db';
import { programsFromLog } from '@loyalty/domain';
import { retryStart } from '@loyalty/http';
import { ProgramLog, connectorTopology, ensureTopics, ledgerTopology } from '@loyalty/kafka';
import { type Kafka } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import { type ConnectorSettings } from './connector.config';
import { DeadLetterPublisher } from './delivery/dead-letter.publisher';
import { deadLetterTopicsCatalog } from './delivery/dead-letter-topics';
import { DestinationWorker, destinationGroup } from './delivery/destination-worker';
import { sendOnce } from './delivery/http-transport';
import { RateLimiter } from './delivery/rate-limiter';
import { Semaphore } from './delivery/semaphore';
import { DeliveryJournal } from './delivery/delivery-journal';
import { type DeliveryDeps } from './delivery/deliver-events';
import { type ReplayPlan, replayDestination } from './ops/replay-destination';
import { type RedriveResult, redriveDeadLetters } from './ops/redrive-dead-letters';
import { ConnectorFeed } from './feed/connector-feed';
import { ConnectorMetrics } from './metrics/connector-metrics';

export const CONNECTOR_DATABASE = Symbol('ConnectorDatabase');
export const CONNECTOR_KAFKA = Symbol('ConnectorKafka');
export const CONNECTOR_SETTINGS = Symbol('ConnectorSettings');

/**
 * The connector's moving parts: the feed (ledger → public topic) and one worker per enabled
 * destination (public topic → vendor), each with its own consumer group, rate limiter and
 * dead-letter topic, so one destination's trouble never slows another.
 */
@Injectable()
export class ConnectorRuntime implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectorRuntime.name);
  readonly feed: ConnectorFeed;
  readonly workers: ReadonlyMap<string, DestinationWorker>;
  private readonly deliveries: ReadonlyMap<string, DeliveryDeps>;
  private readonly publicTopic: string;
  private readonly deadLetters: DeadLetterPublisher;
  private running = false;

  constructor(
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
    @Inject(CONNECTOR_DATABASE) private readonly db: Kysely<ConnectorDatabase>,
    @Inject(CONNECTOR_KAFKA) private readonly kafka: Kafka,
    metrics: ConnectorMetrics,
  ) {
    const publicTopic = connectorTopology(settings.kafka);
    this.feed = new ConnectorFeed(kafka, ledgerTopology(settings.kafka), publicTopic, settings.feedGroup, db, settings.programs, (n) => metrics.feedPublished(n));
    this.deadLetters = new DeadLetterPublisher(kafka, settings.kafka.KAFKA_TOPIC_PREFIX);
    this.publicTopic = publicTopic.topic;
    const deliveries = new Map<string, DeliveryDeps>();
    const workers = new Map<string, DestinationWorker>();
    for (const { config, adapter } of settings.destinations) {
      const deps: DeliveryDeps = {
        config,
        adapter,
        journal: new DeliveryJournal(db, config.name),
        limiter: new RateLimiter(config.rateLimitPerSecond),
        send: sendOnce,
        publishDeadLetters: (letters) => this.deadLetters.publish(letters),
        observer: metrics,
        now: () => Date.now(),
        random: Math.random,
        // Redrives run outside the consumer: they wait plainly, and stop with the service.
        wait: (ms) => new Promise((resolve) => setTimeout(() => resolve(this.running), ms)),
        stopping: () => !this.running,
        slots: new Semaphore(config.concurrency),
      };
      deliveries.set(config.name, deps);
      workers.set(config.name, new DestinationWorker(kafka, publicTopic, destinationGroup(settings.groupPrefix, config.name), db, config, deps, metrics));
    }
    this.deliveries = deliveries;
    this.workers = workers;
  }

  /** Replays a destination from an offset or an ISO time: its worker stops, moves back, and starts again. */
  async replay(name: string, from: string): Promise<ReplayPlan | undefined> {
    const worker = this.workers.get(name);
    if (worker === undefined) return undefined;
    await worker.stop();
    try {
      return await replayDestination(this.kafka, this.db, { topic: this.publicTopic, groupId: worker.groupId, destination: name, from });
    } finally {
      await retryStart(`rejoining the consumer group of ${name}`, () => worker.start(), this.logger);
    }
  }

  /** Sends a destination's dead letters again (all, or the named events). */
  async redrive(name: string, eventIds: readonly string[] | 'all'): Promise<RedriveResult | undefined> {
    const deps = this.deliveries.get(name);
    return deps === undefined ? undefined : redriveDeadLetters(this.db, deps, eventIds);
  }

  async onModuleInit(): Promise<void> {
    const applied = await migrateToLatest(this.db, CONNECTOR_MIGRATIONS);
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    // Tier names come from the program versions the log holds (the rules service publishes them).
    const log = new ProgramLog(this.kafka, this.settings.kafka);
    const published = await retryStart('reading the program log', () => log.readAll(), this.logger);
    const { programs } = programsFromLog(published);
    if (programs.size > 0) this.settings.programs.adopt(programs);
    const names = this.settings.destinations.map((d) => d.config.name);
    await retryStart('creating dead-letter topics', () => ensureTopics(this.kafka, deadLetterTopicsCatalog(names), { prefix: this.settings.kafka.KAFKA_TOPIC_PREFIX }), this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.deadLetters.connect();
    await retryStart('joining the ledger consumer group', () => this.feed.start(), this.logger);
    for (const worker of this.workers.values()) {
      await retryStart(`joining the consumer group of ${worker.name}`, () => worker.start(), this.logger);
    }
    this.running = true;
    const list = this.settings.destinations.map((d) => `${d.config.name} (${d.config.type} → ${d.endpoint})`).join(', ');
    this.logger.log(`feeding the public topic as ${this.settings.feedGroup}; delivering to ${list || 'no destination'}`);
  }

  isRunning(): boolean {
    return this.running && this.feed.healthy() && [...this.workers.values()].every((w) => w.failure() === undefined);
  }

  async ping(): Promise<boolean> {
    await sql`select 1`.execute(this.db);
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    await this.feed.stop();
    await this.deadLetters.close();
    await this.db.destroy();
  }
}
