import 'reflect-metadata';
import { loadConfigOrExit } from '@loyalty/config';
import { runHttpService } from '@loyalty/http';
import { connectorSettings } from './connector.config';
import { ConnectorModule } from './connector.module';

async function main(): Promise<void> {
  const settings = loadConfigOrExit('connector', () => connectorSettings(process.env));
  await runHttpService(ConnectorModule.forRoot(settings), {
    title: 'Loyalty ledger: connector',
    description: 'Forwards ledger events to Bloomreach, Braze, Voucherify and webhooks (arrives with the connector issue).',
    http: settings.http,
  });
}

void main();
