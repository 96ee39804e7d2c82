import { join } from 'node:path';
import { LEDGER_TOPIC, assembleValueSchema, findTopic, loadTopicCatalog, schemasDir } from '@loyalty/kafka';
import { renderTypes } from './render-types';

export const GENERATED_TYPES_PATH = join(__dirname, '..', '..', 'libs', 'domain', 'src', 'events', 'generated', 'ledger-event.types.ts');

/** The TypeScript the ledger topic's current Avro schema should produce. */
export function currentLedgerTypes(): string {
  const dir = schemasDir();
  const value = findTopic(loadTopicCatalog(dir), LEDGER_TOPIC).value;
  if (value === null) throw new Error(`${LEDGER_TOPIC} has no value schema`);
  return renderTypes(assembleValueSchema(dir, value), `schemas/${value.schema}`);
}
