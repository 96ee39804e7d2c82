import { join } from 'node:path';
import {
  adminEnvSchema,
  authEnvSchema,
  databaseEnvSchema,
  httpEnvSchema,
  kafkaEnvSchema,
  parseEnvAll,
  webhookEnvSchema,
  type AdminAuthConfig,
  type AuthConfig,
  type DatabaseConfig,
  type Env,
  type HttpConfig,
  type KafkaConfig,
  type WebhookConfig,
} from '@loyalty/config';
import { z } from 'zod';
import { type PipelineOptions, PIPELINE_MODES } from './pipeline/command-pipeline';
import { type ProgramCatalog, loadProgramCatalog } from '@loyalty/programs';

export interface IngestionSettings {
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly auth: AuthConfig;
  readonly webhook: WebhookConfig;
  readonly admin: AdminAuthConfig;
  readonly http: HttpConfig;
  readonly publishTimeoutMs: number;
  readonly pipeline: PipelineOptions;
  /** Every tenant's program, validated: an invalid file is a configuration error naming it. */
  readonly programs: ProgramCatalog;
  readonly storefrontGroupId: string;
  readonly rulesCommandsGroupId: string;
}

const ingestionEnvSchema = z.object({
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** `naive` (one command, one transaction, one awaited send) exists for the benchmark's comparison. */
  INGESTION_PUBLISH_MODE: z.enum(['batched', 'naive']).default('batched'),
  PROGRAMS_DIR: z.string().min(1).default(join(__dirname, '..', '..', '..', 'config', 'programs')),
  STOREFRONT_INPUT_GROUP: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('ingestion.storefront-input.v1'),
  /** The rules service watches this group's offsets (its RULES_INGESTION_GROUP) to know its commands were decided. */
  RULES_COMMANDS_GROUP: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('ingestion.rules-commands.v1'),
});

/** Parses ingestion's whole environment once; throws ConfigError naming each bad variable. */
export function ingestionSettings(env: Env): IngestionSettings {
  const parsed = parseEnvAll(
    {
      kafka: kafkaEnvSchema,
      database: databaseEnvSchema,
      auth: authEnvSchema,
      webhook: webhookEnvSchema,
      admin: adminEnvSchema,
      http: httpEnvSchema('INGESTION_PORT', 3001),
      ingestion: ingestionEnvSchema,
    },
    env,
  );
  return {
    ...parsed,
    publishTimeoutMs: parsed.ingestion.PUBLISH_TIMEOUT_MS,
    pipeline: PIPELINE_MODES[parsed.ingestion.INGESTION_PUBLISH_MODE],
    programs: loadProgramCatalog(parsed.ingestion.PROGRAMS_DIR),
    storefrontGroupId: parsed.ingestion.STOREFRONT_INPUT_GROUP,
    rulesCommandsGroupId: parsed.ingestion.RULES_COMMANDS_GROUP,
  };
}
