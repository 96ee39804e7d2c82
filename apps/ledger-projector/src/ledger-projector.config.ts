import { join } from 'node:path';
import {
  adminEnvSchema,
  authEnvSchema,
  databaseEnvSchema,
  httpEnvSchema,
  kafkaEnvSchema,
  parseEnvAll,
  type AdminAuthConfig,
  type AuthConfig,
  type DatabaseConfig,
  type Env,
  type HttpConfig,
  type KafkaConfig,
} from '@loyalty/config';
import { z } from 'zod';
import { type ProgramCatalog, loadProgramCatalog } from '@loyalty/programs';

export interface LedgerProjectorSettings {
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly auth: AuthConfig;
  /** Operator keys for the admin API (rebuilds). */
  readonly admin: AdminAuthConfig;
  readonly http: HttpConfig;
  /** Consumer group, also the key of the stored offsets: one per projection version. */
  readonly groupId: string;
  /** Total consumer lag above which /health reports down, unless the lag is shrinking. */
  readonly maxHealthyLag: number;
  /** How long a read carrying a consistency token waits for the projection to reach it. */
  readonly consistencyWaitMs: number;
  /** Every tenant's program (the same files as ingestion's): the tier ladders the balance names tiers by. */
  readonly programs: ProgramCatalog;
}

const projectorEnvSchema = z.object({
  LEDGER_PROJECTOR_GROUP: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('ledger-projector.v1'),
  LEDGER_PROJECTOR_MAX_HEALTHY_LAG: z.coerce.number().int().min(0).default(100_000),
  LEDGER_CONSISTENCY_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(5_000),
  PROGRAMS_DIR: z.string().min(1).default(join(__dirname, '..', '..', '..', 'config', 'programs')),
});

export function ledgerProjectorSettings(env: Env): LedgerProjectorSettings {
  const parsed = parseEnvAll(
    { kafka: kafkaEnvSchema, database: databaseEnvSchema, auth: authEnvSchema, admin: adminEnvSchema, http: httpEnvSchema('LEDGER_QUERY_PORT', 3002), projector: projectorEnvSchema },
    env,
  );
  return {
    ...parsed,
    groupId: parsed.projector.LEDGER_PROJECTOR_GROUP,
    maxHealthyLag: parsed.projector.LEDGER_PROJECTOR_MAX_HEALTHY_LAG,
    consistencyWaitMs: parsed.projector.LEDGER_CONSISTENCY_WAIT_MS,
    programs: loadProgramCatalog(parsed.projector.PROGRAMS_DIR),
  };
}
