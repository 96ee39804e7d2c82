// `npm run schemas:generate`: writes the domain's event types from the Avro schemas in schemas/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENERATED_TYPES_PATH, currentLedgerTypes } from './ledger-types';

mkdirSync(dirname(GENERATED_TYPES_PATH), { recursive: true });
writeFileSync(GENERATED_TYPES_PATH, currentLedgerTypes());
process.stdout.write(`wrote ${GENERATED_TYPES_PATH}\n`);
