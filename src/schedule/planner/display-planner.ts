import { addDays, localDate, minutesOf, zonedInstant } from './local-time';
import { dmy, periodInstances, RuleDefinition } from './rule-definition';
import type { Shortfall } from './planner';

/**
 * The display planner: a pure function, like the audio planner. A display rule asks that its slides
 * be shown on every LED board it binds, in its daily windows, on every day of its dates. For each
 * board and day it fills the window's free time with one `slides` entry per free stretch (the board
 * rotates the slides inside it); time another entry already holds is explained, not overwritten.
 * A rule may ask instead for N showings a day of M minutes (spread over the windows, spacing kept).
 * The planner's own future entries of the rule that no longer fit it (slides or windows changed,
 * dates shortened) are taken back and placed again.
 */

export interface DisplayBooking {
  startsAt: Date;
  endsAt: Date;
  ruleId?: string | null;
  mediaAssetIds?: string[] | null;
  /** Set for entries the planner may take back (its own, still to come, not reported). */
  id?: string;
  replaceable?: boolean;
}

export interface DisplayChannel {
  id: string;
  name: string;
  timezone: string;
  daysOff?: string[];
  booked: DisplayBooking[];
}

export interface DisplayRule {
  id: string;
  name: string;
  definition: RuleDefinition;
  channelIds: string[];
}

export interface PlannedShowing {
  channelId: string;
  ruleId: string;
  /** The local day it serves, YYYY-MM-DD. */
  period: string;
  startsAt: Date;
  endsAt: Date;
  mediaAssetIds: string[];
}

export interface DisplayPlanInput {
  now: Date;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  channels: DisplayChannel[];
  rules: DisplayRule[];
}

export interface DisplayPlanResult {
  showings: PlannedShowing[];
  /** Entries to cancel: the planner's own that no longer match their rule. */
  cancelled: string[];
  shortfalls: Shortfall[];
}

const MIN = 60_000;

export function planDisplay(input: DisplayPlanInput): DisplayPlanResult {
  const now = Math.ceil(input.now.getTime() / MIN) * MIN;
  const channels = new Map(input.channels.map((c) => [c.id, c]));
  const showings: PlannedShowing[] = [];
  const cancelled: string[] = [];
  const shortfalls: Shortfall[] = [];
  // busy time per channel, shared by the rules (two rules never fill the same minutes)
  const busy = new Map<string, Array<{ start: number; end: number }>>();

  for (const rule of [...input.rules].sort((a, b) => cmp(a.id, b.id))) {
    const d = rule.definition;
    const slides = d.match.mediaAssetIds ?? [];
    const days = ruleDays(d, input.from, input.to);
    if (!days.length || !slides.length) continue;
    const windows = [...(d.dailyWindows ?? [])].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    // "N showings a day of M minutes" rather than the windows filled whole
    const counted = !!(d.showingsPerDay && d.showingMinutes);
    for (const channelId of [...new Set(rule.channelIds)].sort(cmp)) {
      const ch = channels.get(channelId);
      if (!ch) continue;
      const tz = ch.timezone;
      const runStart = zonedInstant(days[0], '00:00', tz).getTime();
      const runEnd = zonedInstant(addDays(days[days.length - 1], 1), '00:00', tz).getTime();
      // what the rule wants on this board, day by day
      const wanted = days
        .filter((day) => !(ch.daysOff ?? []).includes(day))
        .flatMap((day) => windows.map((w) => ({ day, start: zonedInstant(day, w.start, tz).getTime(), end: zonedInstant(w.end === '24:00' ? addDays(day, 1) : day, w.end === '24:00' ? '00:00' : w.end, tz).getTime() })));
      // the planner's own future entries of this rule that no longer match it give their time back
      const same = (ids: string[] | null | undefined) => !!ids && ids.length === slides.length && ids.every((x, i) => x === slides[i]);
      const stale = ch.booked.filter(
        (b) => b.ruleId === rule.id && b.replaceable && b.id && b.startsAt.getTime() >= Math.max(now, runStart) && b.startsAt.getTime() < runEnd &&
          (!same(b.mediaAssetIds) || !wanted.some((w) => b.startsAt.getTime() >= w.start && b.endsAt.getTime() <= w.end) ||
            (counted && b.endsAt.getTime() - b.startsAt.getTime() !== d.showingMinutes! * MIN)),
      );
      const staleIds = new Set(stale.map((b) => b.id));
      cancelled.push(...stale.map((b) => b.id!));
      let taken = busy.get(ch.id);
      if (!taken) {
        taken = ch.booked.filter((b) => !staleIds.has(b.id)).map((b) => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() })).sort((a, b) => a.start - b.start);
        busy.set(ch.id, taken);
      } else if (staleIds.size) {
        const gone = new Set(stale.map((b) => `${b.startsAt.getTime()}|${b.endsAt.getTime()}`));
        taken.splice(0, taken.length, ...taken.filter((t) => !gone.has(`${t.start}|${t.end}`)));
      }
      const ownTime = ch.booked.filter((b) => b.ruleId === rule.id && !staleIds.has(b.id)).map((b) => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() }));
      if (counted) {
        for (const day of [...new Set(wanted.map((w) => w.day))]) {
          const dayWindows = wanted.filter((w) => w.day === day);
          if (dayWindows[dayWindows.length - 1].end - now < d.showingMinutes! * MIN) continue; // the day is over
          const own = ownTime.filter((o) => dayWindows.some((w) => o.start >= w.start && o.end <= w.end)).map((o) => o.start);
          const need = d.showingsPerDay! - own.length;
          const placed = need > 0 ? placeShowings(dayWindows, taken, own, need, d.showingMinutes!, d.minSpacingMinutes ?? 0, now) : [];
          for (const g of placed) {
            showings.push({ channelId: ch.id, ruleId: rule.id, period: day, startsAt: new Date(g.start), endsAt: new Date(g.end), mediaAssetIds: slides });
            insert(taken, g);
          }
          const got = own.length + placed.length;
          if (got < d.showingsPerDay!) {
            shortfalls.push({
              channelId: ch.id, ruleId: rule.id, period: day, code: 'NOT_ENOUGH_TIME', required: d.showingsPerDay!, planned: got,
              message: `Kênh ${ch.name}, ngày ${dmy(day)}: quy định «${rule.name}» cần ${d.showingsPerDay} lượt trình chiếu ${d.showingMinutes} phút${d.minSpacingMinutes ? `, cách nhau ít nhất ${d.minSpacingMinutes} phút` : ''} — khung giờ còn trống chỉ đủ ${got} lượt`,
              messageEn: `Channel ${ch.name}, ${day}: rule "${rule.name}" needs ${d.showingsPerDay} showings of ${d.showingMinutes} min${d.minSpacingMinutes ? ` at least ${d.minSpacingMinutes} min apart` : ''}; the free time in the windows holds only ${got}`,
            });
          }
        }
        continue;
      }
      for (const w of wanted) {
        const start = Math.max(w.start, now);
        if (w.end - start < MIN) continue;
        const gaps = freeGaps(taken, start, w.end);
        for (const g of gaps) {
          showings.push({ channelId: ch.id, ruleId: rule.id, period: w.day, startsAt: new Date(g.start), endsAt: new Date(g.end), mediaAssetIds: slides });
          insert(taken, g);
        }
        const windowMin = (w.end - start) / MIN;
        const held = overlapMinutes(ownTime, start, w.end) + gaps.reduce((n, g) => n + (g.end - g.start) / MIN, 0);
        if (held < windowMin) {
          const when = `${dmy(w.day)} ${hhmm(w.start, tz)}–${hhmm(w.end, tz)}`;
          shortfalls.push({
            channelId: ch.id, ruleId: rule.id, period: w.day, code: 'NOT_ENOUGH_TIME', required: Math.round(windowMin), planned: Math.round(held),
            message: `Kênh ${ch.name}, ${when}: quy định «${rule.name}» cần trình chiếu ${Math.round(windowMin)} phút, ${Math.round(windowMin - held)} phút đã có nội dung khác — chỉ xếp được ${Math.round(held)} phút`,
            messageEn: `Channel ${ch.name}, ${w.day} ${hhmm(w.start, tz)}–${hhmm(w.end, tz)}: rule "${rule.name}" needs ${Math.round(windowMin)} min of slides; ${Math.round(windowMin - held)} min hold other content, only ${Math.round(held)} min placed`,
          });
        }
      }
    }
  }
  showings.sort((a, b) => cmp(a.channelId, b.channelId) || a.startsAt.getTime() - b.startsAt.getTime());
  return { showings, cancelled, shortfalls };
}

/** The local days of the rule's dates that fall in [from, to]. */
export function ruleDays(d: RuleDefinition, from: string, to: string): string[] {
  const out: string[] = [];
  for (const p of periodInstances(d, from, to)) {
    const lo = p.start > from ? p.start : from;
    const hi = p.end <= addDays(to, 1) ? p.end : addDays(to, 1);
    for (let day = lo; day < hi; day = addDays(day, 1)) out.push(day);
  }
  return [...new Set(out)].sort();
}

/**
 * Places `need` showings of `minutes` in the day's windows, on free time, at least `spacing` minutes
 * between starts (the board's other showings of the rule, `own`, included). Spread evenly first — one
 * every (window time ÷ showings) — and packed as close as the spacing allows where that does not fit.
 */
function placeShowings(
  windows: Array<{ start: number; end: number }>, taken: Array<{ start: number; end: number }>, own: number[],
  need: number, minutes: number, spacing: number, now: number,
): Array<{ start: number; end: number }> {
  const len = minutes * MIN;
  const total = windows.reduce((n, w) => n + w.end - w.start, 0);
  const even = Math.floor(total / (own.length + need) / MIN) * MIN;
  const attempt = (gap: number) => {
    const starts = [...own];
    const out: Array<{ start: number; end: number }> = [];
    for (const w of windows) {
      let t = Math.max(w.start, now);
      while (out.length < need && t + len <= w.end) {
        const busy = taken.find((b) => b.start < t + len && b.end > t);
        if (busy) { t = busy.end; continue; }
        const near = starts.filter((x) => Math.abs(x - t) < gap);
        if (near.length) { t = Math.max(...near) + gap; continue; }
        out.push({ start: t, end: t + len });
        starts.push(t);
        t += Math.max(gap, len);
      }
    }
    return out;
  };
  const spread = attempt(Math.max(even, spacing * MIN, len));
  return spread.length >= need ? spread : attempt(Math.max(spacing * MIN, len));
}

/** The stretches of [start, end) no busy interval covers (busy sorted by start). */
function freeGaps(busy: Array<{ start: number; end: number }>, start: number, end: number): Array<{ start: number; end: number }> {
  const gaps: Array<{ start: number; end: number }> = [];
  let cursor = start;
  for (const b of busy) {
    if (b.end <= cursor) continue;
    if (b.start >= end) break;
    if (b.start > cursor && b.start - cursor >= MIN) gaps.push({ start: cursor, end: b.start });
    cursor = Math.max(cursor, b.end);
    if (cursor >= end) break;
  }
  if (end - cursor >= MIN) gaps.push({ start: cursor, end });
  return gaps;
}

function insert(busy: Array<{ start: number; end: number }>, b: { start: number; end: number }): void {
  let lo = 0;
  let hi = busy.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (busy[mid].start < b.start) lo = mid + 1;
    else hi = mid;
  }
  busy.splice(lo, 0, b);
}

function overlapMinutes(list: Array<{ start: number; end: number }>, start: number, end: number): number {
  return list.reduce((n, b) => n + Math.max(0, Math.min(b.end, end) - Math.max(b.start, start)), 0) / MIN;
}

function hhmm(t: number, tz: string): string {
  const local = new Date(t).toLocaleTimeString('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return local === '00:00' && localDate(new Date(t - 1), tz) !== localDate(new Date(t), tz) ? '24:00' : local;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
