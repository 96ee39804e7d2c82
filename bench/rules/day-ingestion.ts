// The daily run with the real ingestion service deciding the rules service's commands (end to
// end): an ingestion process of the run's own (infra/bin/node-run apps/ingestion/src/main.ts, as
// infra/lib/services.sh and bench/ingestion run it: the caller's environment, then .stack/stack.env
// and the secrets files services.sh exports), isolated like the benchmark's rules processes: the
// day's throwaway topic prefix and database (whose write model the harness migrated and seeded
// beforehand; ingestion finds its migrations applied), a free port, the run's PROGRAMS_DIR and
// LOYALTY_CLOCK_FILE (the clock the daily run moves), RULES_COMMANDS_GROUP set to the group the
// rules process waits for (its RULES_INGESTION_GROUP), and a storefront-input group of the run's
// own (the default one is the dev stack's ingestion's). It never touches the dev stack's ingestion,
// its pidfile, its groups or its database. Its output goes to .stack/logs/bench-rules-day-ingestion.log.
// Also here: when ingestion's group committed its commands (polled), and what ingestion recorded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { INGESTION_MIGRATIONS, createDatabase, migrateToLatest } from '@loyalty/db';
import { prefixed } from '@loyalty/kafka';
import { type Admin } from 'kafkajs';
import { type Client } from 'pg';
import { waitForHealthy } from '../shared/http-health';
import { isRunning } from '../shared/proc-fs';
import { sleep, spawnService, terminate } from '../shared/service-process';
import { type StackFiles, readStackEnv } from '../shared/stack-files';
import { freePort } from '../projector/projector-process';

/** Ingestion's dead-letter topic for rules commands (apps/ingestion's RULES_COMMANDS_DLQ_TOPIC), unprefixed. */
export const RULES_COMMANDS_DLQ_TOPIC = 'loyalty.rules.commands.dlq.v1';

/** Applies ingestion's migrations to the day's database, so its write model can be seeded before ingestion starts. */
export async function migrateIngestionWriteModel(database: DatabaseConfig): Promise<void> {
  const db = createDatabase(database, 'bench-rules-migrate-ingestion');
  try {
    await migrateToLatest(db, INGESTION_MIGRATIONS);
  } finally {
    await db.destroy();
  }
}

export interface DayIngestionTarget {
  readonly files: StackFiles;
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  /** RULES_COMMANDS_GROUP: the rules process's RULES_INGESTION_GROUP. */
  readonly commandsGroup: string;
  /** STOREFRONT_INPUT_GROUP: one of the run's own. */
  readonly storefrontGroup: string;
  readonly programsDir: string;
  readonly clockFile: string;
}

export interface DayIngestionProcess {
  readonly pid: number;
  readonly port: number;
  readonly logFile: string;
  alive(): boolean;
  /** SIGTERM (Nest leaves the groups, closes the producer and the pool), SIGKILL after 30 s; idempotent. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

/** Variables a caller's shell could carry into the process that would change what is measured. */
const NOT_INHERITED = ['INGESTION_PUBLISH_MODE', 'PUBLISH_TIMEOUT_MS'] as const;

/** Spawns the ingestion process; resolves at once (wait with `waitForIngestion`). */
export async function spawnDayIngestion(target: DayIngestionTarget): Promise<DayIngestionProcess> {
  const { files } = target;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of NOT_INHERITED) delete env[key];
  Object.assign(env, readStackEnv(files), {
    API_KEYS_FILE: files.apiKeysFile,
    ADMIN_KEYS_FILE: files.adminKeysFile,
    WEBHOOK_SECRETS_FILE: files.webhookSecretsFile,
    INGESTION_PORT: String(port),
    KAFKA_TOPIC_PREFIX: target.kafka.KAFKA_TOPIC_PREFIX,
    DATABASE_NAME: target.database.database,
    PROGRAMS_DIR: target.programsDir,
    LOYALTY_CLOCK_FILE: target.clockFile,
    RULES_COMMANDS_GROUP: target.commandsGroup,
    STOREFRONT_INPUT_GROUP: target.storefrontGroup,
  });
  const logFile = join(files.logsDir, 'bench-rules-day-ingestion.log');
  // Detached: a Ctrl-C reaches the benchmark only, whose cleanup stops it before its database and topics go.
  const { child, pid } = spawnService(files, 'ingestion', env, logFile, 'w');
  let exited = false;
  child.once('exit', () => (exited = true));
  console.error(`[bench] started an ingestion service (day, pid ${pid}, port ${port}, rules commands group ${target.commandsGroup}, database ${target.database.database})`);
  let stopping: Promise<void> | undefined;
  const alive = () => !exited && isRunning(pid);
  return {
    pid,
    port,
    logFile,
    alive,
    stop: () => (stopping ??= alive() ? terminate(pid, "the benchmark's ingestion service (day)", alive) : Promise.resolve()),
    logTail: (lines = 20) => {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}

/**
 * Resolves once ingestion answers /health and its consumer of the rules commands is in its group
 * (Kafka reports the group `Stable` with a member, polled every 50 ms), so neither its start nor
 * the group's first rebalance is charged to the day.
 */
export async function waitForIngestion(ingestion: DayIngestionProcess, admin: Admin, groupId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await waitForHealthy(`http://127.0.0.1:${ingestion.port}`, timeoutMs, () => ingestion.alive());
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (group?.state === 'Stable' && group.members.length > 0) return;
    if (!ingestion.alive()) throw new Error(`ingestion exited before joining ${groupId}`);
    if (Date.now() > deadline) throw new Error(`ingestion's consumer did not join ${groupId} within ${Math.round(timeoutMs / 1000)} s (state ${group?.state ?? 'unknown'})`);
    await sleep(50);
  }
}

/**
 * Follows a consumer group's committed offsets on one topic (polled every `intervalMs`): when they
 * first and last moved, and where they stand.
 */
export class GroupCommitWatcher {
  private committed = new Map<number, number>();
  private total = 0;
  private first: number | undefined;
  private last: number | undefined;
  private polling = false;
  private loop: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly admin: Admin,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.polling = true;
    this.loop = (async () => {
      while (this.polling) {
        try {
          await this.poll();
        } catch (error) {
          this.failure = error;
        }
        await sleep(this.intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.polling = false;
    await this.loop;
  }

  /** performance.now() when the group's offsets first moved. */
  firstCommitAt(): number | undefined {
    return this.first;
  }

  /** performance.now() when the group's offsets last moved (as seen by the poll). */
  lastCommitAt(): number | undefined {
    return this.last;
  }

  /** True when the committed offsets have reached `ends` on every partition. */
  reached(ends: ReadonlyMap<number, number>): boolean {
    return [...ends].every(([partition, end]) => (this.committed.get(partition) ?? 0) >= end);
  }

  /** The last poll's error, if the last polls failed (Kafka unreachable). */
  error(): unknown {
    return this.failure;
  }

  private async poll(): Promise<void> {
    const [committed] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
    const now = performance.now();
    const next = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset === '-1' ? 0 : Number(p.offset)]));
    const total = [...next.values()].reduce((a, b) => a + b, 0);
    if (total > this.total) {
      this.first ??= now;
      this.last = now;
    }
    this.total = total;
    this.committed = next;
    this.failure = undefined;
  }
}

/** What ingestion recorded for the rules service's commands (its `rules:<commandId>` command records). */
export interface IngestionOutcome {
  /** Command records by command type. */
  readonly recorded: ReadonlyMap<string, number>;
  /** Of those, the ones that appended an event (the rest were no-ops, with a reason). */
  readonly applied: ReadonlyMap<string, number>;
  /** Events appended, by the command type that appended them. */
  readonly events: ReadonlyMap<string, number>;
  /** Commands answered 4xx or 5xx (dead-lettered). */
  readonly rejected: number;
  /** One reason a command of each type decided nothing, where some did. */
  readonly noOpReasons: readonly string[];
  /** Pipeline batches whose events Kafka has not acknowledged yet. */
  readonly unpublishedBatches: number;
}

export async function readIngestionOutcome(client: Client): Promise<IngestionOutcome> {
  const { rows } = await client.query<{ type: string; n: string; applied: string; events: string; rejected: string; reason: string | null }>(
    `select coalesce(summary->>'type', '?') as type, count(*) as n,
            count(*) filter (where status < 400 and (summary->>'applied')::boolean) as applied,
            coalesce(sum(jsonb_array_length(event_ids)), 0) as events,
            count(*) filter (where status >= 400) as rejected,
            min(summary->>'reason') filter (where status < 400 and not (summary->>'applied')::boolean) as reason
     from ingestion_commands where command_key like 'rules:%' group by 1`,
  );
  const unpublished = await client.query<{ n: string }>('select count(*) as n from ingestion_batches where events is not null');
  const by = (f: (r: (typeof rows)[number]) => string) => new Map(rows.map((r) => [r.type, Number(f(r))]));
  return {
    recorded: by((r) => r.n),
    applied: by((r) => r.applied),
    events: by((r) => r.events),
    rejected: rows.reduce((sum, r) => sum + Number(r.rejected), 0),
    noOpReasons: rows.flatMap((r) => (r.reason === null ? [] : [`${r.type}: ${r.reason}`])),
    unpublishedBatches: Number(unpublished.rows[0]?.n ?? 0),
  };
}

/** The prefixed dead-letter topic ingestion sends rejected rules commands to. */
export const rulesCommandsDlqTopic = (kafka: KafkaConfig): string => prefixed(kafka.KAFKA_TOPIC_PREFIX, RULES_COMMANDS_DLQ_TOPIC);
