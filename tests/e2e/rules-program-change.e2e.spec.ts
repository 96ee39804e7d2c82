import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROGRAM, type LedgerEventOf, type ProgramConfig } from '@loyalty/domain';
import { ProgramLog, createKafkaClient } from '@loyalty/kafka';
import { type TestSystem, databaseEnv, eventually, freePort, kafkaEnv, readLedger, runServiceToExit, startTestSystem, uniqueTestId } from '@loyalty/testing';

const DAY = 86_400_000;

/**
 * Configuration changes are events: the program files' versions are published to the program log
 * (once), the rules decide with what the log holds, and a version raising the Gold threshold takes
 * effect at its effective time: the member goes down with reason CONFIG_CHANGE, under the new
 * version, and not before. A file that changes a published version stops the rules service.
 */
describe('rules: a new program version takes effect at its effective time', () => {
  let system: TestSystem;
  let programsDir: string;
  const memberId = uniqueTestId('m');
  const effective = new Date(Date.now() + 3 * DAY).toISOString();
  const v1: ProgramConfig = { ...DEFAULT_PROGRAM, version: 'acme-v1', effectiveFrom: '2026-01-01T00:00:00Z', pendingDays: 0 };
  const v2: ProgramConfig = {
    ...v1,
    version: 'acme-v2',
    effectiveFrom: effective,
    tiers: { ...v1.tiers, levels: [v1.tiers.levels[0]!, v1.tiers.levels[1]!, { id: 'gold', name: 'Gold', threshold: 6_000 }] },
  };
  const writePrograms = (versions: ProgramConfig[]) => writeFileSync(join(programsDir, 'acme.json'), JSON.stringify({ tenantId: 'acme', versions }, null, 2));

  beforeAll(async () => {
    programsDir = mkdtempSync(join(tmpdir(), 'loyalty-programs-'));
    writePrograms([v1, v2]);
    system = await startTestSystem({ tenants: ['acme'], rules: true, ingestionEnv: { PROGRAMS_DIR: programsDir }, projectorEnv: { PROGRAMS_DIR: programsDir }, rulesEnv: { PROGRAMS_DIR: programsDir } });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('publishes the versions once, downgrades Gold at the new version’s effective day with CONFIG_CHANGE, and refuses a changed published version', async () => {
    const now = system.clock.now();
    await system.post('/v1/members', { tenantId: 'acme', memberId, enrolledAt: now });
    const purchase = { tenantId: 'acme', transactionId: uniqueTestId('tx'), memberId, occurredAt: now, channel: 'web', currency: 'EUR', lines: [{ lineId: 'l1', sku: 'B', category: 'books', quantity: 1, unitPriceMinor: 550_000 }] };
    expect((await system.post('/v1/purchases', purchase)).status).toBe(202);
    const tierChanges = async () => (await readLedger(system.kafka)).filter((e): e is LedgerEventOf<'TierChanged'> => e.type === 'TierChanged' && e.metadata.memberId === memberId);
    await eventually(async () => ((await tierChanges()).some((e) => e.data.to === 'gold') ? true : undefined), 'Gold under v1');

    // The day before v2: still Gold. The day it takes effect: down to Silver, under v2.
    system.clock.advance(2 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await tierChanges()).filter((e) => e.data.direction === 'DOWN')).toEqual([]);
    system.clock.advance(2 * DAY);
    const down = await eventually(async () => (await tierChanges()).find((e) => e.data.direction === 'DOWN'), 'the downgrade under v2');
    expect(down.data).toMatchObject({ from: 'gold', to: 'silver', reason: 'CONFIG_CHANGE', qualifyingPoints: 5_500 });
    expect(down.metadata.programVersion).toBe('acme-v2');
    expect(Date.parse(down.data.changedAt)).toBeGreaterThanOrEqual(Date.parse(effective));

    // The program log holds each version once (the rules service published them at start).
    const published = await new ProgramLog(createKafkaClient(system.kafka, 'spec-programs'), system.kafka).readAll();
    expect(published.filter((p) => p.tenantId === 'acme').map((p) => p.version)).toEqual(['acme-v1', 'acme-v2']);

    // A second rules instance reading a file that changes v1 refuses to start.
    writePrograms([{ ...v1, pendingDays: 7 }, v2]);
    const port = await freePort();
    const refused = await runServiceToExit('rules', { ...kafkaEnv(system.kafka), ...databaseEnv(system.database), PROGRAMS_DIR: programsDir, RULES_PORT: String(port), RULES_GROUP: uniqueTestId('rules') }, 60_000);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('version acme-v1 was published');
  });
});
