// Extended-format date, optionally with a time and zone; Braze also documents its own
// `yyyy-MM-dd'T'HH:mm:ss:SSSZ` (milliseconds after a colon, RFC 822 zone).
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const BRAZE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}):\d{3}(?:Z|[+-]\d{2}:?\d{2})$/;

/** Whether a value is an ISO-8601 date or date-time string (or Braze's variant) naming a real instant. */
export function isIso8601(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE_TIME.exec(value) ?? BRAZE_DATE_TIME.exec(value);
  if (match === null) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  if (year === undefined || month === undefined || day === undefined) return false;
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60;
}
