import { type KafkaConfig } from '@loyalty/config';
import { LEDGER_EVENT_TYPES } from '@loyalty/domain';
import { frame, ledgerTopology } from '@loyalty/kafka';
import { everyEventTypeFixtures, provisionTestKafka } from '@loyalty/testing';

describe('LedgerEventCodec against the real schema registry', () => {
  let config: KafkaConfig;

  beforeAll(async () => {
    config = await provisionTestKafka('codec');
  });

  it('round-trips a fixture of every event type through the registry', async () => {
    const { codec } = ledgerTopology(config);
    const fixtures = everyEventTypeFixtures();
    expect(new Set(fixtures.map((f) => f.type))).toEqual(new Set(LEDGER_EVENT_TYPES));
    for (const event of fixtures) {
      const bytes = await codec.encode(event);
      expect(bytes.readUInt8(0)).toBe(0);
      expect(await codec.decode(bytes)).toEqual({ ok: true, event });
    }
  });

  it('reports poison messages as values: foreign bytes, unknown schema ids, truncated bodies', async () => {
    const { codec } = ledgerTopology(config);
    const good = await codec.encode(everyEventTypeFixtures()[1]!);

    expect(await codec.decode(Buffer.from('{"not":"avro"}'))).toMatchObject({ ok: false, reason: expect.stringContaining('magic byte') });
    expect(await codec.decode(frame(2_000_000_000, good.subarray(5)))).toMatchObject({ ok: false, reason: expect.stringContaining('unknown schema id') });
    expect(await codec.decode(good.subarray(0, good.length - 3))).toMatchObject({ ok: false, reason: expect.stringContaining('undecodable') });
    expect(await codec.decode(null)).toMatchObject({ ok: false });
  });

  it('refuses to write with a schema the registry does not hold', async () => {
    const { codec } = ledgerTopology({ ...config, KAFKA_TOPIC_PREFIX: `${config.KAFKA_TOPIC_PREFIX}unregistered.` });
    await expect(codec.encode(everyEventTypeFixtures()[0]!)).rejects.toMatchObject({ code: 'SCHEMA_REGISTRY.REJECTED', retriable: false });
  });
});
