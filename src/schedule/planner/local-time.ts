/**
 * Wall-clock time in a unit's time zone, with Intl only (no time-zone library): windows are
 * written in local time, months and weeks begin at local midnight.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/** The local calendar fields of an instant. */
export function localParts(instant: Date, zone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(formatter(zone).formatToParts(instant).map((p) => [p.type, p.value]));
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute, second: +parts.second };
}

/** Offset of the zone from UTC at that instant, in minutes (Asia/Ho_Chi_Minh: +420). */
export function offsetMinutes(instant: Date, zone: string): number {
  const p = localParts(instant, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

const instants = new Map<string, number>();

/** The instant at which the local clock shows `date` (YYYY-MM-DD) `time` (HH:MM). Memoised:
 *  planning a country asks the same few thousand questions for every channel. */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const key = `${zone}|${date}|${time}`;
  let t = instants.get(key);
  if (t === undefined) {
    t = computeZonedInstant(date, time, zone);
    if (instants.size > 200_000) instants.clear();
    instants.set(key, t);
  }
  return new Date(t);
}

function computeZonedInstant(date: string, time: string, zone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  let guess = naive - offsetMinutes(new Date(naive), zone) * 60_000;
  // A second step settles instants near a DST change.
  guess = naive - offsetMinutes(new Date(guess), zone) * 60_000;
  return guess;
}

/** YYYY-MM-DD of the instant on the local calendar. */
export function localDate(instant: Date, zone: string): string {
  const p = localParts(instant, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return w === 0 ? 7 : w;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** HH:MM → minutes after midnight. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}
