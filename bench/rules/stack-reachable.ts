// The rules benchmark needs the stack's infrastructure (Kafka, the registry, Postgres), not its
// services: it runs rules processes of its own. It checks they answer before creating anything,
// and says how to start them when they do not (it never starts or restarts the stack itself).
import { type DatabaseConfig } from '@loyalty/config';
import { Kafka, logLevel } from 'kafkajs';
import { pgClient } from '../shared/pg-client';

export async function assertStackReachable(brokers: readonly string[], registryUrl: string, database: DatabaseConfig): Promise<void> {
  const hint = 'is the stack up? (npm run stack -- up)';
  const admin = new Kafka({ clientId: 'bench-rules-probe', brokers: [...brokers], logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(`Kafka at ${brokers.join(',')} does not answer (${(error as Error).message}): ${hint}`, { cause: error });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const subjects = await fetch(`${registryUrl}/subjects`, { signal: AbortSignal.timeout(5_000) }).then(
    async (r) => (await r.arrayBuffer(), r.status),
    () => undefined,
  );
  if (subjects !== 200) throw new Error(`the schema registry at ${registryUrl} does not answer (${subjects ?? 'no answer'}): ${hint}`);
  const client = pgClient(database, 'bench-rules-probe');
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`Postgres at ${database.host}:${database.port} does not answer (${(error as Error).message}): ${hint}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}
