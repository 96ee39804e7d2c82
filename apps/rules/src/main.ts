import 'reflect-metadata';
import { loadConfigOrExit } from '@loyalty/config';
import { runHttpService } from '@loyalty/http';
import { rulesSettings } from './rules.config';
import { RulesModule } from './rules.module';

async function main(): Promise<void> {
  const settings = loadConfigOrExit('rules', () => rulesSettings(process.env));
  await runHttpService(RulesModule.forRoot(settings), {
    title: 'Loyalty ledger: rules',
    description: 'Derives tier changes, activations, expiries, warnings and re-engagement offers from the ledger and appends them.',
    http: settings.http,
  });
}

void main();
