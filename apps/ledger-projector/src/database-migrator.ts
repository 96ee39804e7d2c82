import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type Kysely } from 'kysely';
import { type Database, LEDGER_MIGRATIONS, migrateToLatest } from '@loyalty/db';
import { DATABASE } from './database.provider';

/**
 * Migrates before the consumer starts (module init precedes application bootstrap). Kysely's
 * migration lock makes concurrent instances safe.
 */
@Injectable()
export class DatabaseMigrator implements OnModuleInit {
  private readonly logger = new Logger(DatabaseMigrator.name);

  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async onModuleInit(): Promise<void> {
    const applied = await migrateToLatest(this.db, LEDGER_MIGRATIONS);
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
  }
}
