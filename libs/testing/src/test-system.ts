import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { type ProgramConfig } from '@loyalty/domain';
import { eventually } from './eventually';
import { evictConsumerGroupMembers } from './consumer-group-eviction';
import { RestartableService } from './restartable-service';
import { type RunningService, freePort, startService } from './service-process';
import { databaseEnv, kafkaEnv } from './service-env';
import { type TestCredentials, writeTestCredentials } from './test-credentials';
import { createMigratedTestDatabase, dropTestDatabase } from './test-database';
import { provisionTestKafka } from './test-kafka';
import { TestClock } from './test-clock';
import { type TestConnector, startTestConnector, testDestinations } from './test-connector';
import { type StubLimits, type VendorStubs } from '@loyalty/vendor-stubs';
import { writeTestPrograms } from './test-programs';
import { uniqueTestId } from './unique-id';

export interface TestSystemOptions {
  readonly tenants?: readonly string[];
  readonly programs?: Readonly<Record<string, Partial<ProgramConfig>>>;
  /** How many ingestion instances (they share the write model and the Kafka groups). */
  readonly ingestionInstances?: number;
  readonly ingestionEnv?: Readonly<Record<string, string>>;
  readonly projectorEnv?: Readonly<Record<string, string>>;
  /**
   * Also run the rules service (with `rulesEnv`); every service then shares the test clock.
   * `'crashable'`: as a process the spec can kill -9 and restart (`crashRules`).
   */
  readonly rules?: boolean | 'crashable';
  readonly rulesEnv?: Readonly<Record<string, string>>;
  /** Also run the connector, with the vendor stubs in this process (`testDestinations` of the first tenant by default). */
  readonly connector?: boolean | { readonly destinations?: (stubs: VendorStubs) => readonly Record<string, unknown>[]; readonly limits?: StubLimits; readonly env?: Readonly<Record<string, string>> };
}

/** Ingestion and the ledger projector as real processes on their own topics and database. */
export interface TestSystem {
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly credentials: TestCredentials;
  readonly ingestion: readonly RunningService[];
  readonly projector: RunningService;
  /** The rules process (the current one, with `rules: 'crashable'`). */
  readonly rules: RunningService | undefined;
  /** The rules service's consumer group on the ledger (its name in `rules_offsets`). */
  readonly rulesGroup: string | undefined;
  /** Ingestion's consumer group on the rules command topic. */
  readonly rulesCommandsGroup: string;
  /**
   * With `rules: 'crashable'`: kill -9 the rules process, evict it from its consumer group (so the
   * next one gets the partitions at once rather than after the session timeout), start it again;
   * `whileDown` runs between the kill and the new start.
   */
  crashRules(whileDown?: () => Promise<unknown>): Promise<void>;
  /** The connector and its stubs, with `connector` set. */
  readonly connector: TestConnector | undefined;
  /** The services' clock (LOYALTY_CLOCK_FILE): move it to make days pass. */
  readonly clock: TestClock;
  /** POST to the first ingestion instance (or `instance`) with the tenant's API key. */
  post(path: string, body: unknown, options?: { tenant?: string; headers?: Record<string, string>; instance?: number }): Promise<Response>;
  /** GET a member's balance from the query API once its total satisfies `until`. */
  balance(memberId: string, until: (b: BalanceView) => boolean, tenant?: string): Promise<BalanceView>;
  stop(): Promise<void>;
}

interface BalanceFigures {
  readonly active: number;
  readonly pending: number;
  readonly spent: number;
  readonly reversed: number;
  readonly debited: number;
  readonly expired: number;
  readonly qualifying: number;
}

export interface BalanceView {
  readonly currencies: readonly (BalanceFigures & { readonly currency: string })[];
  readonly total: BalanceFigures;
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const tenants = options.tenants ?? ['acme', 'globex'];
  const kafka = await provisionTestKafka('sys');
  const database = await createMigratedTestDatabase();
  const credentials = writeTestCredentials(tenants);
  const programsDir = writeTestPrograms(options.programs ?? { acme: { pendingDays: 0 } });
  const clock = new TestClock();
  const rulesCommandsGroup = options.ingestionEnv?.['RULES_COMMANDS_GROUP'] ?? `${kafka.KAFKA_TOPIC_PREFIX}rules-commands`;
  const shared = { ...kafkaEnv(kafka), ...databaseEnv(database), ...credentials.env, ...clock.env };
  const ingestion = await Promise.all(
    Array.from({ length: options.ingestionInstances ?? 1 }, async () => {
      const port = await freePort();
      return startService(
        'ingestion',
        {
          ...shared,
          PROGRAMS_DIR: programsDir,
          INGESTION_PORT: String(port),
          STOREFRONT_INPUT_GROUP: `${kafka.KAFKA_TOPIC_PREFIX}input`,
          RULES_COMMANDS_GROUP: rulesCommandsGroup,
          ...options.ingestionEnv,
        },
        port,
      );
    }),
  );
  const queryPort = await freePort();
  const projector = await startService('ledger-projector', { ...shared, PROGRAMS_DIR: programsDir, LEDGER_QUERY_PORT: String(queryPort), LEDGER_PROJECTOR_GROUP: uniqueTestId('group'), ...options.projectorEnv }, queryPort);
  let rules: RunningService | undefined;
  let restartable: RestartableService | undefined;
  let rulesGroup: string | undefined;
  if (options.rules === true || options.rules === 'crashable') {
    const rulesPort = await freePort();
    const rulesEnv = {
      ...shared,
      PROGRAMS_DIR: programsDir,
      RULES_PORT: String(rulesPort),
      RULES_GROUP: uniqueTestId('rules'),
      RULES_INGESTION_GROUP: rulesCommandsGroup,
      RULES_TICK_MS: '200',
      ...options.rulesEnv,
    };
    const group = rulesEnv.RULES_GROUP;
    rulesGroup = group;
    if (options.rules === 'crashable') {
      restartable = new RestartableService('rules', rulesEnv, rulesPort, () => evictConsumerGroupMembers(kafka, group));
      await restartable.start();
      rules = restartable;
    } else {
      rules = await startService('rules', rulesEnv, rulesPort);
    }
  }
  let connector: TestConnector | undefined;
  if (options.connector !== undefined && options.connector !== false) {
    const o = options.connector === true ? {} : options.connector;
    const tenant = tenants[0] ?? 'acme';
    connector = await startTestConnector(
      kafka,
      { ...shared, PROGRAMS_DIR: programsDir },
      { destinations: o.destinations ?? (() => testDestinations(tenant)), ...(o.limits === undefined ? {} : { limits: o.limits }), ...(o.env === undefined ? {} : { env: o.env }) },
    );
  }
  const key = (tenant: string) => credentials.apiKeys[tenant] ?? 'no-key';

  return {
    kafka,
    database,
    credentials,
    ingestion,
    projector,
    rules,
    rulesGroup,
    rulesCommandsGroup,
    connector,
    clock,
    crashRules: async (whileDown) => {
      if (restartable === undefined) throw new Error("crashRules needs startTestSystem({ rules: 'crashable' })");
      await restartable.crashAndRestart(whileDown);
    },
    post: (path, body, o = {}) =>
      fetch(`${ingestion[o.instance ?? 0]?.baseUrl ?? ''}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key(o.tenant ?? tenants[0] ?? 'acme'), ...o.headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    balance: (memberId, until, tenant) =>
      eventually(async () => {
        const response = await fetch(`${projector.baseUrl}/v1/members/${memberId}/balance`, { headers: { 'x-api-key': key(tenant ?? tenants[0] ?? 'acme') } });
        if (response.status !== 200) return undefined;
        const view = (await response.json()) as BalanceView;
        return until(view) ? view : undefined;
      }, `the balance of ${memberId}`),
    stop: async () => {
      await Promise.all([...ingestion.map((s) => s.stop()), projector.stop(), ...(rules === undefined ? [] : [rules.stop()]), ...(connector === undefined ? [] : [connector.stop()])]);
      await dropTestDatabase(database);
    },
  };
}
