// A rules service of the benchmark's own: the real service (infra/bin/node-run
// apps/rules/src/main.ts, as infra/lib/services.sh runs it), with the stack's environment except for
// what isolates it: the throwaway topic prefix and database, a consumer group of its own (also the
// key of its stored offsets), the ingestion group it waits for, the run's program and clock files and
// a free port. It never touches the dev stack's rules service, its groups or its database. Its
// output goes to .stack/logs/bench-rules-<role>.log (the last lines are quoted when it dies).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { isRunning } from '../shared/proc-fs';
import { spawnService, terminate } from '../shared/service-process';
import { type StackFiles, readStackEnv } from '../shared/stack-files';
import { freePort } from '../projector/projector-process';

export interface RulesProcess {
  readonly pid: number;
  readonly port: number;
  readonly logFile: string;
  alive(): boolean;
  /** SIGTERM (Nest leaves the group and closes the pool), SIGKILL after 30 s; idempotent. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

export interface RulesTarget {
  readonly files: StackFiles;
  /** Names the log file and the process in messages: `tier`, `naive`, `day`. */
  readonly role: string;
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly groupId: string;
  readonly ingestionGroup: string;
  readonly programsDir: string;
  readonly clockFile: string;
  readonly applyMode: 'batched' | 'naive';
  /**
   * RULES_DAY_DELAY_MS. The drains run with a day's delay, so no tenant day starts while they are
   * timed (the tenant registers with the day its first event was recorded, today).
   */
  readonly dayDelayMs: number;
}

export async function startRules(target: RulesTarget): Promise<RulesProcess> {
  const { files } = target;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...readStackEnv(files),
    RULES_PORT: String(port),
    RULES_GROUP: target.groupId,
    RULES_INGESTION_GROUP: target.ingestionGroup,
    RULES_APPLY_MODE: target.applyMode,
    RULES_DAY_DELAY_MS: String(target.dayDelayMs),
    PROGRAMS_DIR: target.programsDir,
    LOYALTY_CLOCK_FILE: target.clockFile,
    KAFKA_TOPIC_PREFIX: target.kafka.KAFKA_TOPIC_PREFIX,
    DATABASE_NAME: target.database.database,
  };
  const logFile = join(files.logsDir, `bench-rules-${target.role}.log`);
  // Detached: a Ctrl-C reaches the benchmark only, whose cleanup stops it in order (before its
  // database and topics are dropped).
  const { child, pid } = spawnService(files, 'rules', env, logFile, 'w');
  let exited = false;
  child.once('exit', () => (exited = true));
  console.error(`[bench] started a rules service (${target.role}, pid ${pid}, port ${port}, group ${target.groupId}, database ${target.database.database}, mode ${target.applyMode})`);

  let stopping: Promise<void> | undefined;
  const alive = () => !exited && isRunning(pid);
  return {
    pid,
    port,
    logFile,
    alive,
    stop: () => (stopping ??= alive() ? terminate(pid, `the benchmark's rules service (${target.role})`, alive) : Promise.resolve()),
    logTail: (lines = 20) => {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}
