import 'reflect-metadata';
import { loadConfigOrExit } from '@loyalty/config';
import { runHttpService } from '@loyalty/http';
import { ingestionSettings } from './ingestion.config';
import { IngestionModule } from './ingestion.module';

async function main(): Promise<void> {
  const settings = loadConfigOrExit('ingestion', () => ingestionSettings(process.env));
  await runHttpService(IngestionModule.forRoot(settings), {
    title: 'Loyalty ledger: ingestion',
    description: 'Storefront-facing write side: purchases in, point events appended to the ledger.',
    http: settings.http,
  });
}

void main();
