import { nextTenantDay, tenantDayOf, tenantDayStart } from './tenant-day';

const HOUR = 3_600_000;
const hoursBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / HOUR;
const justBefore = (time: string) => new Date(Date.parse(time) - 1).toISOString();

describe('tenantDayStart', () => {
  it.each([
    ['Europe/Berlin in winter (UTC+1)', '2026-01-15', 'Europe/Berlin', '2026-01-14T23:00:00.000Z'],
    ['Europe/Berlin in summer (UTC+2)', '2026-07-15', 'Europe/Berlin', '2026-07-14T22:00:00.000Z'],
    ['America/New_York in winter (UTC-5)', '2026-01-15', 'America/New_York', '2026-01-15T05:00:00.000Z'],
    ['America/New_York in summer (UTC-4)', '2026-07-15', 'America/New_York', '2026-07-15T04:00:00.000Z'],
    ['Asia/Kolkata (UTC+05:30)', '2026-11-22', 'Asia/Kolkata', '2026-11-21T18:30:00.000Z'],
    ['UTC', '2026-11-22', 'UTC', '2026-11-22T00:00:00.000Z'],
  ])('given %s, when the day starts, then it is local midnight in UTC', (_, day, zone, start) => {
    expect(tenantDayStart(day, zone)).toBe(start);
  });

  it('given the day Berlin springs forward (2026-03-29, 02:00 -> 03:00), then the day starts at midnight UTC+1 and lasts 23 hours', () => {
    const start = tenantDayStart('2026-03-29', 'Europe/Berlin');
    const next = tenantDayStart('2026-03-30', 'Europe/Berlin');

    expect(start).toBe('2026-03-28T23:00:00.000Z');
    expect(next).toBe('2026-03-29T22:00:00.000Z');
    expect(hoursBetween(start, next)).toBe(23);
  });

  it('given the day Berlin falls back (2026-10-25, 03:00 -> 02:00), then the day starts at midnight UTC+2 and lasts 25 hours', () => {
    const start = tenantDayStart('2026-10-25', 'Europe/Berlin');
    const next = tenantDayStart('2026-10-26', 'Europe/Berlin');

    expect(start).toBe('2026-10-24T22:00:00.000Z');
    expect(next).toBe('2026-10-25T23:00:00.000Z');
    expect(hoursBetween(start, next)).toBe(25);
  });

  it('given the day New York springs forward (2026-03-08), then it starts at midnight EST and the next one at midnight EDT', () => {
    expect(tenantDayStart('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(tenantDayStart('2026-03-09', 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
  });

  it('given a zone that skips midnight (Havana, 2026-03-08 00:00 -> 01:00), then the day starts when the clocks jump, at 01:00 UTC-4', () => {
    expect(tenantDayStart('2026-03-08', 'America/Havana')).toBe('2026-03-08T05:00:00.000Z');
  });

  it('given a zone where midnight happens twice (Havana, 2026-11-01 01:00 -> 00:00), then the day starts at the first midnight', () => {
    expect(tenantDayStart('2026-11-01', 'America/Havana')).toBe('2026-11-01T04:00:00.000Z');
  });

  it.each([
    ['2026-01-15', 'Europe/Berlin'],
    ['2026-03-29', 'Europe/Berlin'],
    ['2026-10-25', 'Europe/Berlin'],
    ['2026-03-08', 'America/New_York'],
    ['2026-11-22', 'Asia/Kolkata'],
    ['2026-03-08', 'America/Havana'],
  ])('given %s in %s, then its start belongs to it and the millisecond before belongs to the day before', (day, zone) => {
    const start = tenantDayStart(day, zone);

    expect(tenantDayOf(start, zone)).toBe(day);
    expect(tenantDayOf(justBefore(start), zone)).not.toBe(day);
  });
});

describe('nextTenantDay', () => {
  it.each([
    ['2026-11-22', '2026-11-23'],
    ['2026-11-30', '2026-12-01'],
    ['2026-12-31', '2027-01-01'],
    ['2026-02-28', '2026-03-01'],
    ['2028-02-28', '2028-02-29'],
    ['2028-02-29', '2028-03-01'],
  ])('given %s, then the next day is %s', (day, next) => {
    expect(nextTenantDay(day)).toBe(next);
  });
});

describe('tenantDayOf', () => {
  it('given Berlin in winter, then the day changes at 23:00 UTC', () => {
    expect(tenantDayOf('2026-11-22T22:59:59.999Z', 'Europe/Berlin')).toBe('2026-11-22');
    expect(tenantDayOf('2026-11-22T23:00:00.000Z', 'Europe/Berlin')).toBe('2026-11-23');
  });

  it('given New York, then an evening in UTC-5 is still the day before in UTC terms', () => {
    expect(tenantDayOf('2026-11-23T04:59:59.999Z', 'America/New_York')).toBe('2026-11-22');
    expect(tenantDayOf('2026-11-23T05:00:00.000Z', 'America/New_York')).toBe('2026-11-23');
  });

  it('given Kolkata, then the day changes at 18:30 UTC', () => {
    expect(tenantDayOf('2026-11-22T18:29:59.999Z', 'Asia/Kolkata')).toBe('2026-11-22');
    expect(tenantDayOf('2026-11-22T18:30:00.000Z', 'Asia/Kolkata')).toBe('2026-11-23');
  });

  it('given UTC and a moment with an offset, then the day is the UTC day', () => {
    expect(tenantDayOf('2026-12-31T23:59:59.999Z', 'UTC')).toBe('2026-12-31');
    expect(tenantDayOf('2027-01-01T00:30:00+01:00', 'UTC')).toBe('2026-12-31');
  });
});
