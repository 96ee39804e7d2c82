import 'reflect-metadata';
import { loadConfigOrExit } from '@loyalty/config';
import { runHttpService } from '@loyalty/http';
import { connectorSettings } from './connector.config';
import { ConnectorModule } from './connector.module';

async function main(): Promise<void> {
  const settings = loadConfigOrExit('connector', () => connectorSettings(process.env));
  await runHttpService(ConnectorModule.forRoot(settings), {
    title: 'Loyalty ledger: connector',
    description:
      'Publishes the public loyalty topic (loyalty.connector.events.v1) and forwards chosen events to Bloomreach, Braze, Voucherify and signed webhooks. Delivery status per destination and member; operator replay and redrive.',
    http: settings.http,
  });
}

void main();
