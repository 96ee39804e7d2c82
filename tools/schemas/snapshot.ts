// `npm run schemas:snapshot`: records the current value schemas as new released versions, after
// checking that each can read every earlier version. Refuses (exit 1) an incompatible change.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { backwardTransitiveViolations, currentValueSchemas, historyDir, releasedVersions } from './schema-history';

let failed = false;
for (const { subject, schema } of currentValueSchemas()) {
  const released = releasedVersions(subject);
  const latest = released.at(-1);
  if (latest !== undefined && isDeepStrictEqual(latest.schema, schema)) {
    process.stdout.write(`${subject}: unchanged (v${latest.version})\n`);
    continue;
  }
  const violations = backwardTransitiveViolations(schema, released);
  if (violations.length > 0) {
    failed = true;
    process.stderr.write(`${subject}: incompatible change refused:\n  ${violations.join('\n  ')}\n`);
    continue;
  }
  const version = (latest?.version ?? 0) + 1;
  mkdirSync(historyDir(subject), { recursive: true });
  writeFileSync(join(historyDir(subject), `v${version}.avsc`), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`${subject}: recorded v${version}\n`);
}
process.exit(failed ? 1 : 0);
