// Run by `infra/bin/stack up` once Kafka, the registry and Postgres answer: creates the catalog's
// topics, registers the schemas with their compatibility levels, and migrates the database.
// Idempotent: running it again changes nothing.
import { databaseEnvSchema, kafkaEnvSchema, parseEnv } from '@loyalty/config';
import { ALL_MIGRATION_SETS, createDatabase, migrateToLatest } from '@loyalty/db';
import { ConfluentSchemaRegistry, createKafkaClient, ensureTopics, loadTopicCatalog, registerSchemas, schemasDir } from '@loyalty/kafka';

async function provision(): Promise<void> {
  const kafkaConfig = parseEnv(kafkaEnvSchema, process.env);
  const dir = schemasDir();
  const catalog = loadTopicCatalog(dir);

  const created = await ensureTopics(createKafkaClient(kafkaConfig, 'provision'), catalog, { prefix: kafkaConfig.KAFKA_TOPIC_PREFIX });
  log(created.length > 0 ? `created topics: ${created.join(', ')}` : 'topics already exist');

  const registered = await registerSchemas(new ConfluentSchemaRegistry(kafkaConfig.SCHEMA_REGISTRY_URL), catalog, dir, kafkaConfig.KAFKA_TOPIC_PREFIX);
  log(`schemas registered: ${registered.map((r) => `${r.subject} (id ${r.id})`).join(', ')}`);

  const db = createDatabase(parseEnv(databaseEnvSchema, process.env), 'provision');
  try {
    for (const set of ALL_MIGRATION_SETS) {
      const applied = await migrateToLatest(db, set);
      log(applied.length > 0 ? `${set.name} migrations applied: ${applied.join(', ')}` : `${set.name} schema up to date`);
    }
  } finally {
    await db.destroy();
  }
}

function log(message: string): void {
  process.stderr.write(`\u001b[36m[stack]\u001b[0m ${message}\n`);
}

provision().catch((error: unknown) => {
  process.stderr.write(`provisioning failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
