// A ledger projector of the benchmark's own: the real service (infra/bin/node-run
// apps/ledger-projector/src/main.ts, as infra/lib/services.sh runs it), with the stack's
// environment except for what isolates it: the throwaway topic prefix, the throwaway database, a
// consumer group of its own and a free port. It never touches the dev projector, its group or its
// database. Its output goes to .stack/logs/bench-ledger-projector.log (the last lines are quoted
// when it dies).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { isRunning } from '../shared/proc-fs';
import { spawnService, terminate } from '../shared/service-process';
import { type StackFiles, readStackEnv } from '../shared/stack-files';

export interface ProjectorProcess {
  readonly pid: number;
  readonly port: number;
  readonly logFile: string;
  alive(): boolean;
  /** SIGTERM (Nest leaves the group and closes the pool), SIGKILL after 30 s; idempotent. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

/** A free TCP port on loopback for the projector's HTTP server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

export interface ProjectorTarget {
  readonly files: StackFiles;
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly groupId: string;
}

export async function startProjector(target: ProjectorTarget): Promise<ProjectorProcess> {
  const { files } = target;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...readStackEnv(files),
    API_KEYS_FILE: files.apiKeysFile,
    LEDGER_QUERY_PORT: String(port),
    LEDGER_PROJECTOR_GROUP: target.groupId,
    KAFKA_TOPIC_PREFIX: target.kafka.KAFKA_TOPIC_PREFIX,
    DATABASE_NAME: target.database.database,
  };
  const logFile = join(files.logsDir, 'bench-ledger-projector.log');
  // Detached: a Ctrl-C reaches the benchmark only, whose cleanup stops it in order (before its
  // database and topics are dropped).
  const { child, pid } = spawnService(files, 'ledger-projector', env, logFile, 'w');
  let exited = false;
  child.once('exit', () => (exited = true));
  console.error(`[bench] started a ledger projector (pid ${pid}, port ${port}, group ${target.groupId}, database ${target.database.database})`);

  let stopping: Promise<void> | undefined;
  const alive = () => !exited && isRunning(pid);
  return {
    pid,
    port,
    logFile,
    alive,
    stop: () => (stopping ??= alive() ? terminate(pid, "the benchmark's projector", alive) : Promise.resolve()),
    logTail: (lines = 20) => {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}
