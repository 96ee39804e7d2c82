import { authEnvSchema, httpEnvSchema, kafkaEnvSchema, parseEnvAll, type AuthConfig, type Env, type HttpConfig, type KafkaConfig } from '@loyalty/config';
import { DEFAULT_PROGRAM, type ProgramConfig } from '@loyalty/domain';
import { z } from 'zod';

export interface IngestionSettings {
  readonly kafka: KafkaConfig;
  readonly auth: AuthConfig;
  readonly http: HttpConfig;
  readonly program: ProgramConfig;
  readonly publishTimeoutMs: number;
}

const ingestionEnvSchema = z.object({
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
});

/** Parses ingestion's whole environment once; throws ConfigError naming each bad variable. */
export function ingestionSettings(env: Env): IngestionSettings {
  const parsed = parseEnvAll(
    { kafka: kafkaEnvSchema, auth: authEnvSchema, http: httpEnvSchema('INGESTION_PORT', 3001), ingestion: ingestionEnvSchema },
    env,
  );
  return { ...parsed, program: DEFAULT_PROGRAM, publishTimeoutMs: parsed.ingestion.PUBLISH_TIMEOUT_MS };
}
