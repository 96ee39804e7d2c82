import 'reflect-metadata';
import { loadConfigOrExit } from '@loyalty/config';
import { runHttpService } from '@loyalty/http';
import { ledgerProjectorSettings } from './ledger-projector.config';
import { LedgerProjectorModule } from './ledger-projector.module';

async function main(): Promise<void> {
  const settings = loadConfigOrExit('ledger-projector', () => ledgerProjectorSettings(process.env));
  await runHttpService(LedgerProjectorModule.forRoot(settings), {
    title: 'Loyalty ledger: query API',
    description: 'Balances, buckets and history projected from the ledger.',
    http: settings.http,
  });
}

void main();
