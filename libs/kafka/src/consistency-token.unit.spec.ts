import { consistencyTokenOf, parseConsistencyToken } from './consistency-token';

describe('consistency tokens', () => {
  it('given the token ingestion answers, then its partition and offset', () => {
    expect(parseConsistencyToken('v1.7.123456')).toEqual({ partition: 7, offset: 123456 });
  });

  it('round-trips a position', () => {
    expect(parseConsistencyToken(consistencyTokenOf({ partition: 11, offset: 0 }))).toEqual({ partition: 11, offset: 0 });
  });

  it.each(['', 'v2.1.1', 'v1.1', 'v1.-1.5', 'v1.1.5.6', 'v1.a.b', 'v1.1.1234567890123456', ' v1.1.1'])('refuses %p', (token) => {
    expect(parseConsistencyToken(token)).toBeNull();
  });
});
