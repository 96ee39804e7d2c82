import {
  authEnvSchema,
  databaseEnvSchema,
  httpEnvSchema,
  kafkaEnvSchema,
  parseEnv,
  type AuthConfig,
  type DatabaseConfig,
  type Env,
  type HttpConfig,
  type KafkaConfig,
} from '@loyalty/config';
import { z } from 'zod';

export interface LedgerProjectorSettings {
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly auth: AuthConfig;
  readonly http: HttpConfig;
  /** Consumer group, also the key of the stored offsets: one per projection version. */
  readonly groupId: string;
}

const projectorEnvSchema = z.object({
  LEDGER_PROJECTOR_GROUP: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('ledger-projector.v1'),
});

export function ledgerProjectorSettings(env: Env): LedgerProjectorSettings {
  return {
    kafka: parseEnv(kafkaEnvSchema, env),
    database: parseEnv(databaseEnvSchema, env),
    auth: parseEnv(authEnvSchema, env),
    http: parseEnv(httpEnvSchema('LEDGER_QUERY_PORT', 3002), env),
    groupId: parseEnv(projectorEnvSchema, env).LEDGER_PROJECTOR_GROUP,
  };
}
