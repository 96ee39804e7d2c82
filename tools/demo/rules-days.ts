// How far the rules service's tenant days have got (ADR-18: `rules_tenants`, one row per tenant),
// read-only. The demo needs it twice: to move the clock up to a day the service has already run
// (after `npm run clock -- reset --allow-backwards` it waits, idle, until the clock is back there),
// and to say where the days stand when an expected event does not come.
import { Kysely, PostgresDialect } from 'kysely';
import { type RulesDatabase, createPool } from '@loyalty/db';
import { stackDatabase } from './demo-settings';

export interface TenantDayProgress {
  /** The last tenant day (`2027-02-14`, in the tenant's zone) whose boundary the service has run. */
  readonly lastDayDone: string;
  /** `idle`, or where the next day stands: `movements` (waiting for activations and expiries), `day-end`. */
  readonly phase: string;
}

export interface RulesDays {
  /** The tenant's day progress; undefined before the service has seen any event of the tenant. */
  readonly progress: (tenantId: string) => Promise<TenantDayProgress | undefined>;
  readonly close: () => Promise<void>;
}

export function rulesDays(): RulesDays {
  const db = new Kysely<RulesDatabase>({ dialect: new PostgresDialect({ pool: createPool(stackDatabase(), 'demo') }) });
  return {
    progress: async (tenantId) => {
      try {
        const row = await db.selectFrom('rules_tenants').select(['last_day_done', 'phase']).where('tenant_id', '=', tenantId).executeTakeFirst();
        return row === undefined ? undefined : { lastDayDone: row.last_day_done, phase: row.phase };
      } catch (error) {
        throw new Error(`cannot read the rules service's day progress from Postgres (${error instanceof Error ? error.message : String(error)}); is the stack up? (npm run up)`);
      }
    },
    close: () => db.destroy(),
  };
}
