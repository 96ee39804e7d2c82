import 'reflect-metadata';
import { loadConfigOrExit } from '@loyalty/config';
import { runHttpService } from '@loyalty/http';
import { ingestionSettings } from './ingestion.config';
import { IngestionModule } from './ingestion.module';

async function main(): Promise<void> {
  const settings = loadConfigOrExit('ingestion', () => ingestionSettings(process.env));
  await runHttpService(IngestionModule.forRoot(settings), {
    title: 'Loyalty ledger: ingestion',
    description: 'Storefront-facing write side: purchases, returns, activities, members, redemptions and adjustments in; point events appended to the ledger.',
    http: settings.http,
    // A batch of 500 purchases with several lines each.
    bodyLimitBytes: 4 * 1024 * 1024,
  });
}

void main();
