import { authEnvSchema, httpEnvSchema, kafkaEnvSchema, parseEnv, type AuthConfig, type Env, type HttpConfig, type KafkaConfig } from '@loyalty/config';
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
  return {
    kafka: parseEnv(kafkaEnvSchema, env),
    auth: parseEnv(authEnvSchema, env),
    http: parseEnv(httpEnvSchema('INGESTION_PORT', 3001), env),
    program: DEFAULT_PROGRAM,
    publishTimeoutMs: parseEnv(ingestionEnvSchema, env).PUBLISH_TIMEOUT_MS,
  };
}
