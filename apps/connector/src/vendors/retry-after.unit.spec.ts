import { retryAfterMs, statusClass } from './retry-after';

const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const names = { seconds: ['x-ratelimit-retry-after', 'retry-after'], epoch: ['x-ratelimit-reset'] };

describe('retryAfterMs', () => {
  it('given no header it knows, then the vendor said nothing', () => {
    expect(retryAfterMs({ 'x-other': '5' }, names, NOW)).toBeNull();
    expect(retryAfterMs({}, {}, NOW)).toBeNull();
  });

  it.each([
    ['0', 0],
    ['7', 7_000],
    ['1.5', 1_500],
    ['120', 120_000],
  ])('given a delay header of %j seconds, then %i ms', (value, ms) => {
    expect(retryAfterMs({ 'retry-after': value }, names, NOW)).toBe(ms);
  });

  it('given a Retry-After as an HTTP date, then the time until it, and 0 when it is past', () => {
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, names, NOW)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, names, NOW)).toBe(0);
  });

  it('given an epoch header, then the time until that Unix second, and 0 when it is past', () => {
    expect(retryAfterMs({ 'x-ratelimit-reset': String(NOW / 1000 + 12) }, names, NOW)).toBe(12_000);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(NOW / 1000 - 12) }, names, NOW)).toBe(0);
  });

  it('given a delay and an epoch, then the delay wins; among delays, the first name listed', () => {
    expect(retryAfterMs({ 'x-ratelimit-reset': String(NOW / 1000 + 60), 'retry-after': '2' }, names, NOW)).toBe(2_000);
    expect(retryAfterMs({ 'retry-after': '2', 'x-ratelimit-retry-after': '9' }, names, NOW)).toBe(9_000);
  });

  it('given a header under a name not asked for, then it is ignored (epoch headers are not delays)', () => {
    expect(retryAfterMs({ 'x-ratelimit-reset': String(NOW / 1000 + 60) }, { seconds: ['retry-after'] }, NOW)).toBeNull();
  });

  it('given an epoch header that is not a positive number, then it says nothing', () => {
    expect(retryAfterMs({ 'x-ratelimit-reset': 'soon' }, names, NOW)).toBeNull();
    expect(retryAfterMs({ 'x-ratelimit-reset': '0' }, names, NOW)).toBeNull();
  });

  it('given a delay header that is neither a number nor a date, then the next header is read', () => {
    expect(retryAfterMs({ 'x-ratelimit-retry-after': 'later', 'retry-after': '4' }, names, NOW)).toBe(4_000);
  });

  // RFC 9110: Retry-After is delay-seconds (digits) or an HTTP-date; anything else says nothing, so
  // the client's own backoff applies. V8's lenient Date.parse reads '-5' and 'abc 5' as dates in 2001.
  it.each(['-5', 'abc 5', ''])('given a delay header of %j (neither delay-seconds nor an HTTP date), then the vendor said nothing', (value) => {
    expect(retryAfterMs({ 'retry-after': value }, { seconds: ['retry-after'] }, NOW)).toBeNull();
  });
});

describe('statusClass', () => {
  it.each([200, 201, 202, 204, 299])('given %i, then ok', (status) => expect(statusClass(status)).toBe('ok'));
  it('given 429, then rate-limited', () => expect(statusClass(429)).toBe('rate-limited'));
  it.each([408, 500, 502, 503, 504, 599])('given %i, then a server error, worth a retry', (status) => expect(statusClass(status)).toBe('server-error'));
  it.each([301, 400, 401, 403, 404, 409, 413, 415, 422])('given %i, then a client error, not worth a retry', (status) => expect(statusClass(status)).toBe('client-error'));
});
