import { type AvroSchemaJson } from '@loyalty/kafka';

type Schema = string | AvroSchemaJson | Schema[];

const PRIMITIVES: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  string: 'string',
  bytes: 'Uint8Array',
};

const shortName = (fullName: string): string => fullName.split('.').pop() ?? fullName;

/**
 * Renders TypeScript types for an assembled Avro schema whose top-level record has a `metadata`
 * field and a `data` union: every named record becomes a readonly interface, and the union becomes
 * a map from event type (the branch's short name) to payload.
 */
export function renderTypes(schema: AvroSchemaJson, source: string): string {
  const interfaces: string[] = [];
  const seen = new Set<string>();

  const typeOf = (s: Schema): string => {
    if (typeof s === 'string') return PRIMITIVES[s] ?? shortName(s);
    if (Array.isArray(s)) return s.map(typeOf).join(' | ');
    switch (s['type']) {
      case 'record':
        return declareRecord(s);
      case 'array':
        return `readonly (${typeOf(s['items'] as Schema)})[]`;
      case 'map':
        return `Readonly<Record<string, ${typeOf(s['values'] as Schema)}>>`;
      case 'enum':
        return (s['symbols'] as string[]).map((x) => `'${x}'`).join(' | ');
      default:
        return typeOf(s['type'] as Schema);
    }
  };

  const declareRecord = (s: AvroSchemaJson): string => {
    const name = shortName(String(s['name']));
    if (seen.has(name)) return name;
    seen.add(name);
    const fields = (s['fields'] as AvroSchemaJson[]).map((f) => {
      const doc = typeof f['doc'] === 'string' ? `  /** ${f['doc']} */\n` : '';
      return `${doc}  readonly ${String(f['name'])}: ${typeOf(f['type'] as Schema)};`;
    });
    const doc = typeof s['doc'] === 'string' ? `/** ${s['doc']} */\n` : '';
    interfaces.push(`${doc}export interface ${name} {\n${fields.join('\n')}\n}`);
    return name;
  };

  // The top-level record is the wire envelope; the domain's LedgerEvent is {type, data, metadata}.
  for (const field of schema['fields'] as AvroSchemaJson[]) typeOf(field['type'] as Schema);
  const dataField = (schema['fields'] as AvroSchemaJson[]).find((f) => f['name'] === 'data');
  const branches = (dataField?.['type'] as Schema[]).map((b) => (typeof b === 'string' ? shortName(b) : shortName(String((b as AvroSchemaJson)['name']))));
  const namespace = String(schema['name']).split('.').slice(0, -1).join('.');

  return [
    `// Generated from ${source} by \`npm run schemas:generate\`. Do not edit: change the .avsc files.`,
    '',
    ...interfaces.map((i) => `${i}\n`),
    '/** Payload of each ledger event type; the type is the Avro union branch\'s short name. */',
    'export interface LedgerEventDataByType {',
    ...branches.map((b) => `  readonly ${b}: ${b};`),
    '}',
    '',
    `export const LEDGER_EVENT_TYPES = [${branches.map((b) => `'${b}'`).join(', ')}] as const;`,
    `export const LEDGER_EVENT_NAMESPACE = '${namespace}';`,
    '',
  ].join('\n');
}
