import {
  authEnvSchema,
  databaseEnvSchema,
  httpEnvSchema,
  kafkaEnvSchema,
  parseEnvAll,
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
  const parsed = parseEnvAll(
    { kafka: kafkaEnvSchema, database: databaseEnvSchema, auth: authEnvSchema, http: httpEnvSchema('LEDGER_QUERY_PORT', 3002), projector: projectorEnvSchema },
    env,
  );
  return { ...parsed, groupId: parsed.projector.LEDGER_PROJECTOR_GROUP };
}
