import { frame, unframe } from './wire-format';

describe('confluent wire format', () => {
  it('frames as magic byte 0, big-endian schema id, body', () => {
    const framed = frame(258, Buffer.from([0xaa, 0xbb]));
    expect([...framed]).toEqual([0x00, 0x00, 0x00, 0x01, 0x02, 0xaa, 0xbb]);
  });

  it('unframes what it framed, for ids up to 2^32-1', () => {
    for (const id of [0, 1, 65_535, 4_294_967_295]) {
      const result = unframe(frame(id, Buffer.from('body')));
      expect(result).toEqual({ ok: true, schemaId: id, body: Buffer.from('body') });
    }
  });

  it('reports short and foreign messages as values, not throws', () => {
    expect(unframe(Buffer.from([0, 0, 1]))).toEqual({ ok: false, reason: expect.stringContaining('shorter than the 5-byte header') });
    expect(unframe(Buffer.from('{"json":true}'))).toEqual({ ok: false, reason: 'unknown magic byte 123' });
  });
});
