import { periodKey } from './period-key';

/**
 * A tenant's calendar day (`2026-11-22`, in its time zone) and the instant it starts. The rules
 * service acts at these boundaries, so every instance (and every replay) agrees on which day an
 * activation, expiry or warning belongs to.
 */
export type TenantDay = string;

/** The tenant day a moment falls in. */
export function tenantDayOf(time: string, timeZone: string): TenantDay {
  return periodKey(time, timeZone, 'day');
}

/** The calendar day after `day`. */
export function nextTenantDay(day: TenantDay): TenantDay {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** Minutes the zone is ahead of UTC at `instant` (negative west of Greenwich). */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * The UTC instant at which `day` starts in the zone (local midnight). Where a zone skips midnight
 * (a daylight-saving jump at 00:00), the first instant of the day is the end of the gap.
 */
export function tenantDayStart(day: TenantDay, timeZone: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(y, m - 1, d);
  // Two passes settle the offset on either side of a transition.
  let instant = wallMidnight - offsetMinutes(wallMidnight, timeZone) * 60_000;
  instant = wallMidnight - offsetMinutes(instant, timeZone) * 60_000;
  if (tenantDayOf(new Date(instant).toISOString(), timeZone) !== day) {
    // Local midnight does not exist: the day starts when the clocks jump past it.
    instant += 60 * 60_000;
  }
  return new Date(instant).toISOString();
}
