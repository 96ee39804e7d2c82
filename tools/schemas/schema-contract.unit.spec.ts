import { readFileSync } from 'node:fs';
import { type AvroSchemaJson } from '@loyalty/kafka';
import { GENERATED_TYPES_PATH, currentLedgerTypes } from './ledger-types';
import { backwardTransitiveViolations, currentValueSchemas, releasedVersions } from './schema-history';

type Record_ = AvroSchemaJson & { fields: AvroSchemaJson[] };

/** Returns a copy of the ledger schema with a field added to the PointsEarned payload. */
function withPointsEarnedField(schema: AvroSchemaJson, field: AvroSchemaJson): AvroSchemaJson {
  const copy = structuredClone(schema) as Record_;
  const data = copy.fields.find((f) => f['name'] === 'data') as { type: Record_[] };
  const pointsEarned = data.type.find((t) => t['name'] === 'com.loyalty.ledger.PointsEarned');
  if (pointsEarned === undefined) throw new Error('PointsEarned not in the union');
  pointsEarned.fields.push(field);
  return copy;
}

describe('event contracts', () => {
  const ledger = currentValueSchemas().find((s) => s.subject === 'loyalty.ledger.events.v1-value');
  if (ledger === undefined) throw new Error('the ledger subject is missing from schemas/topics.json');

  it('TypeScript event types are generated from the current Avro schemas (run npm run schemas:generate)', () => {
    expect(readFileSync(GENERATED_TYPES_PATH, 'utf8')).toBe(currentLedgerTypes());
  });

  it.each(currentValueSchemas())('$subject: the current schema is recorded as a released version (run npm run schemas:snapshot)', ({ subject, schema }) => {
    expect(releasedVersions(subject).at(-1)?.schema).toEqual(schema);
  });

  it.each(currentValueSchemas())('$subject: the current schema reads every released version (BACKWARD_TRANSITIVE)', ({ subject, schema }) => {
    expect(backwardTransitiveViolations(schema, releasedVersions(subject))).toEqual([]);
  });

  it('detects an incompatible change: a new field without a default', () => {
    const broken = withPointsEarnedField(ledger.schema, { name: 'channel', type: 'string' });
    expect(backwardTransitiveViolations(broken, releasedVersions(ledger.subject))).toEqual(releasedVersions(ledger.subject).map((r) => expect.stringContaining(`cannot read v${r.version} data`)));
  });

  it('accepts a compatible change: a new field with a default', () => {
    const evolved = withPointsEarnedField(ledger.schema, { name: 'channel', type: ['null', 'string'], default: null });
    expect(backwardTransitiveViolations(evolved, releasedVersions(ledger.subject))).toEqual([]);
  });
});
