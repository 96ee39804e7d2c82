import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor';

describe('history cursor', () => {
  it('round-trips the last offset of a page', () => {
    expect(decodeHistoryCursor(encodeHistoryCursor(98_765))).toBe(98_765);
  });

  it.each(['', '42', 'h2.5', 'h1.', 'h1.-3', 'h1.5;drop table x', 'h1.1234567890123456'])('refuses %p', (cursor) => {
    expect(decodeHistoryCursor(cursor)).toBeNull();
  });
});
