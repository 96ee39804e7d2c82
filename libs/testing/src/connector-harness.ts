import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { type ConnectorDatabase, createPool } from '@loyalty/db';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { type ReceivedItem, STUB_VENDORS, type StubFaults, type StubLimits, type StubVendor } from '@loyalty/vendor-stubs';
import { Kysely, PostgresDialect } from 'kysely';
import { type ConnectorWorkload, connectorWorkload } from './connector-workload';
import { databaseEnv, kafkaEnv } from './service-env';
import { type TestConnector, startTestConnector, testDestinations } from './test-connector';
import { writeTestCredentials } from './test-credentials';
import { createMigratedTestDatabase, dropTestDatabase } from './test-database';
import { provisionTestKafka } from './test-kafka';
import { writeTestPrograms } from './test-programs';
import { uniqueTestId } from './unique-id';

export interface ConnectorHarnessOptions {
  /** Names the run: the Kafka topic prefix, the workload's ids and the producer's client id. */
  readonly label: string;
  /** How many public (forwarded) events the workload holds in all. */
  readonly events: number;
  readonly members: number;
  /** Fields of every test destination (concurrency, rate limit, retry…). */
  readonly destinationOverrides: Readonly<Record<string, unknown>>;
  /** The stubs' own rate limits; by default far above what a spec sends. */
  readonly limits?: StubLimits;
  /** Each vendor's faults (by its place in STUB_VENDORS), set before anything is published. */
  readonly faults?: (vendor: StubVendor, index: number) => StubFaults;
  /** Ledger events per publish call. */
  readonly publishBatch?: number;
}

export interface ConnectorHarness {
  /** The connector as a real process, and the vendor stubs it delivers to. */
  readonly connector: TestConnector;
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly workload: ConnectorWorkload;
  /** Publishes the workload's ledger events onto the run's ledger topic, as the ingestion service writes them. */
  publish(): Promise<void>;
  /** A Kysely on the connector's database, to read its journal; the caller destroys it. */
  openDatabase(applicationName: string): Kysely<ConnectorDatabase>;
  /** Stops the connector and its stubs, and drops the database. */
  stop(): Promise<void>;
}

/** Vendor rate limits no spec reaches: the vendors' own limits are not what these specs exercise. */
const UNREACHED_STUB_LIMITS: StubLimits = { bloomreachRequestsPerMinute: 1_000_000, brazeRequestsPer3s: 1_000_000, voucherifyRequestsPerMinute: 1_000_000 };

/** The tenant the harness provisions: its destinations are named `acme-bloomreach`, `acme-braze`, `acme-voucherify` and `acme-webhook`. */
export const CONNECTOR_HARNESS_TENANT = 'acme';

/**
 * The connector end to end, for one spec: Kafka topics and a migrated database of its own,
 * credentials and programs for `acme`, the connector process with one test destination per vendor
 * (stubs in this process, with the faults set), and a workload ready to publish. If the
 * connector does not start, the database is dropped again before the error is thrown.
 */
export async function startConnectorHarness(options: ConnectorHarnessOptions): Promise<ConnectorHarness> {
  const tenant = CONNECTOR_HARNESS_TENANT;
  const kafka = await provisionTestKafka(options.label);
  const database = await createMigratedTestDatabase();
  let connector: TestConnector;
  try {
    const shared = { ...kafkaEnv(kafka), ...databaseEnv(database), ...writeTestCredentials([tenant]).env, PROGRAMS_DIR: writeTestPrograms({ [tenant]: {} }) };
    connector = await startTestConnector(kafka, shared, {
      destinations: () => testDestinations(tenant, options.destinationOverrides),
      limits: options.limits ?? UNREACHED_STUB_LIMITS,
    });
  } catch (error) {
    await dropTestDatabase(database);
    throw error;
  }
  const { faults } = options;
  if (faults !== undefined) STUB_VENDORS.forEach((vendor, i) => connector.stubs.setFaults(vendor, faults(vendor, i)));
  const workload = connectorWorkload({ tenantId: tenant, members: options.members, forwarded: options.events, runId: uniqueTestId(options.label) });
  const batch = options.publishBatch ?? 1_000;
  return {
    connector,
    kafka,
    database,
    workload,
    publish: async () => {
      const topology = ledgerTopology(kafka);
      const publisher = new KafkaEventPublisher(createKafkaClient(kafka, `${options.label}-producer`), topology.codec, { topic: topology.topic, timeoutMs: 30_000 });
      try {
        for (let i = 0; i < workload.events.length; i += batch) await publisher.publish(workload.events.slice(i, i + batch));
      } finally {
        await publisher.close();
      }
    },
    openDatabase: (applicationName) => new Kysely<ConnectorDatabase>({ dialect: new PostgresDialect({ pool: createPool(database, applicationName) }) }),
    stop: async () => {
      try {
        await connector.stop();
      } finally {
        await dropTestDatabase(database);
      }
    },
  };
}

/** The items that carry a forwarded event (not Bloomreach's or Braze's attribute updates, not Voucherify's customer upserts). */
export function forwardedItems(items: readonly ReceivedItem[]): ReceivedItem[] {
  return items.filter((i) => (i.kind === 'event' || i.kind === 'webhook') && i.eventId !== null);
}
