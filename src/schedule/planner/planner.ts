import { addDays, isoWeekday, localDate, minutesOf, zonedInstant } from './local-time';
import { PeriodInstance, periodInstances, RuleDefinition } from './rule-definition';

/**
 * The planner: a pure function of plain data (no database, no clock — `now` is an input). For
 * each rule, each channel it binds and each of its periods, it keeps what is already booked
 * (manual entries, relays, airings already made or planned) and places the airings still missing
 * into free window time, spread over the period. Whatever it cannot place is explained.
 */

export interface ChannelWindow {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  start: string;
  end: string;
}

export interface BookedEntry {
  startsAt: Date;
  endsAt: Date;
  programId?: string | null;
  /** Set for entries the planner may take back (its own, still to come, not reported). */
  id?: string;
  replaceable?: boolean;
}

export interface PlanChannel {
  id: string;
  name: string;
  timezone: string;
  windows: ChannelWindow[];
  /** Local dates with no broadcasting. */
  daysOff?: string[];
  /** Most minutes of programmes in one window occurrence (a "session"). */
  maxSessionMinutes?: number;
  maxDailyMinutes?: number;
  /** What is booked over the periods planned (and a margin around them). */
  booked: BookedEntry[];
  /** Programs this channel aired (or has booked) before `booked` begins, within the look-back of earlier periods. */
  earlierPrograms?: string[];
  /** Airings of this channel that were not broadcast (missed, no make-up yet): what a placed airing makes up for. */
  missed?: MissedAiring[];
  /** Materialised path of the channel's unit; with PlanProgram.unitPath, limits which programs it may air. */
  unitPath?: string;
}

export interface MissedAiring {
  id: string;
  programId: string;
  startsAt: Date;
  /** Why it was not broadcast (operator's reason, or what the devices reported). */
  reason: string;
}

export interface PlanProgram {
  id: string;
  title: string;
  durationMs: number;
  seriesId?: string | null;
  tags: string[];
  /** Local dates the program is meant for; it is not placed outside them. */
  periodStart?: string | null;
  periodEnd?: string | null;
  /** A program reaches the channels of its unit's subtree only (R2: from the district down). */
  unitPath?: string;
}

export interface PlanRule {
  id: string;
  name: string;
  definition: RuleDefinition;
  channelIds: string[];
}

export interface PlanInput {
  now: Date;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  channels: PlanChannel[];
  programs: PlanProgram[];
  rules: PlanRule[];
}

export interface PlannedAiring {
  channelId: string;
  ruleId: string;
  programId: string;
  period: string;
  startsAt: Date;
  endsAt: Date;
  /** The missed airing this one makes up for, if any. */
  makesUp?: string;
}

export type ShortfallCode = 'NOT_ENOUGH_PROGRAMS' | 'NOT_ENOUGH_TIME' | 'CONSTRAINTS';

export interface Shortfall {
  channelId: string;
  ruleId: string;
  period: string;
  code: ShortfallCode;
  required: number;
  planned: number;
  message: string;
  messageEn: string;
}

export interface PlanResult {
  airings: PlannedAiring[];
  /** Booked entries to cancel: a program aired in an earlier period, where a rule wants a new item. */
  cancelled: string[];
  shortfalls: Shortfall[];
}

interface Busy {
  start: number;
  end: number;
  programId: string | null;
  id?: string;
  replaceable?: boolean;
}

interface ProgramAiring {
  start: number;
  /** Local date, computed once. */
  day: string;
}

interface Occurrence {
  date: string;
  sessionStart: number;
  sessionEnd: number;
  placeStart: number;
  placeEnd: number;
}

const MIN = 60_000;

/** No schedule entry lasts longer than this (checked when entries are created). */
export const MAX_ENTRY_MS = 86_400_000;

export function plan(input: PlanInput): PlanResult {
  const now = input.now.getTime();
  const programs = [...input.programs].sort((a, b) => cmp(a.id, b.id));
  const channels = new Map(input.channels.map((c) => [c.id, new ChannelState(c)]));
  const airings: PlannedAiring[] = [];
  const cancelled: string[] = [];
  const shortfalls: Shortfall[] = [];

  for (const rule of [...input.rules].sort((a, b) => cmp(a.id, b.id))) {
    const periods = periodInstances(rule.definition, input.from, input.to);
    for (const channelId of [...new Set(rule.channelIds)].sort(cmp)) {
      const ch = channels.get(channelId);
      if (!ch) continue;
      // "01 bài/tuần" wants a new item each period: programs used in earlier periods come last
      // (with freshEachPeriod they do not count at all), including periods before the ones planned.
      const used = new Set<string>();
      if (periods.length) {
        const first = zonedInstant(periods[0].start, '00:00', ch.tz).getTime();
        const matching = new Set(programs.filter((p) => matches(rule.definition, p)).map((p) => p.id));
        for (const b of ch.c.booked) if (b.programId && matching.has(b.programId) && b.startsAt.getTime() < first) used.add(b.programId);
        for (const id of ch.c.earlierPrograms ?? []) if (matching.has(id)) used.add(id);
      }
      for (const period of periods) placePeriod(rule, ch, period, programs, now, airings, shortfalls, used, cancelled);
    }
  }
  airings.sort((a, b) => cmp(a.channelId, b.channelId) || a.startsAt.getTime() - b.startsAt.getTime());
  return { airings, cancelled, shortfalls };
}

function placePeriod(
  rule: PlanRule,
  ch: ChannelState,
  period: PeriodInstance,
  programs: PlanProgram[],
  now: number,
  airings: PlannedAiring[],
  shortfalls: Shortfall[],
  used: Set<string>,
  cancelled: string[],
): void {
  const d = rule.definition;
  const start = zonedInstant(period.start, '00:00', ch.tz).getTime();
  const end = zonedInstant(period.end, '00:00', ch.tz).getTime();
  const matching = programs
    .filter((p) => matches(d, p) && overlapsPeriod(p, period) && reaches(p, ch.c))
    .map((p) => ({ p, existing: ch.airingsOf(p.id, start, end).length }));
  const fresh = d.freshEachPeriod === true;
  const candidates = matching
    .filter(({ p }) => !fresh || !used.has(p.id))
    .sort(
      (a, b) =>
        b.existing - a.existing ||
        Number(used.has(a.p.id)) - Number(used.has(b.p.id)) ||
        // a new item each period: the newest first; otherwise the one meant for the earliest dates
        (fresh ? cmp(b.p.periodStart ?? '0000', a.p.periodStart ?? '0000') : cmp(a.p.periodStart ?? '9999', b.p.periodStart ?? '9999')) ||
        cmp(a.p.title, b.p.title) ||
        cmp(a.p.id, b.p.id),
    );
  const wanted = Math.min(d.minPrograms, d.maxPrograms ?? Infinity);
  const chosen = candidates.slice(0, wanted);
  if (fresh && chosen.length) {
    // airings still to come of items already aired in earlier periods give way to the new ones
    for (const { p } of matching.filter(({ p }) => used.has(p.id))) cancelled.push(...ch.releaseReplaceable(p.id, Math.max(start, now), end));
  }
  for (const { p } of chosen) used.add(p.id);
  const where = `Kênh ${ch.c.name}, ${period.label}`;
  const whereEn = `Channel ${ch.c.name}, ${period.labelEn}`;

  if (chosen.length < wanted) {
    const what = d.match.seriesId ? 'chương trình của chuyên mục' : d.match.tag ? `chương trình có nhãn «${d.match.tag}»` : 'chương trình của chiến dịch';
    shortfalls.push({
      channelId: ch.c.id, ruleId: rule.id, period: period.key, code: 'NOT_ENOUGH_PROGRAMS', required: wanted, planned: chosen.length,
      message: fresh
        ? `${where}: quy định «${rule.name}» cần ${wanted} ${what} mới (chưa phát ở kỳ trước), ${chosen.length === 0 ? 'không còn chương trình mới nào đã duyệt' : `chỉ còn ${chosen.length}`}`
        : `${where}: quy định «${rule.name}» cần ${wanted} ${what} đã duyệt, ${chosen.length === 0 ? 'chưa có chương trình nào' : `chỉ có ${chosen.length}`}`,
      messageEn: fresh
        ? `${whereEn}: rule "${rule.name}" needs ${wanted} new approved programs (not aired in earlier periods), ${chosen.length === 0 ? 'none is left' : `only ${chosen.length} left`}`
        : `${whereEn}: rule "${rule.name}" needs ${wanted} approved programs, ${chosen.length === 0 ? 'there are none' : `only ${chosen.length} exist`}`,
    });
  }

  const occurrences = ch.occurrences(period, d.allowedWindows, Math.max(now, start), end);
  for (const { p, existing } of chosen) {
    const need = Math.max(0, d.minAiringsPerProgram - existing);
    if (need === 0) continue;
    const duration = Math.ceil(p.durationMs / MIN) * MIN;
    const freeBefore = ch.freeMinutes(occurrences);
    // the airings placed now make up, first, for this program's airings of the period that did not air
    const missed = (ch.c.missed ?? []).filter((m) => m.programId === p.id && m.startsAt.getTime() >= start && m.startsAt.getTime() < end).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    let placed = 0;
    for (let k = 0; k < need; k++) {
      const preferred = Math.floor(((k + existing) * occurrences.length) / Math.max(1, need + existing));
      const slot = ch.findSlot(occurrences, preferred, duration, p.id, d);
      if (slot === null) break;
      ch.book({ start: slot, end: slot + duration, programId: p.id });
      const makesUp = missed[placed]?.id;
      airings.push({ channelId: ch.c.id, ruleId: rule.id, programId: p.id, period: period.key, startsAt: new Date(slot), endsAt: new Date(slot + duration), ...(makesUp ? { makesUp } : {}) });
      placed++;
    }
    if (placed < need) {
      const minutes = duration / MIN;
      const enoughTime = freeBefore >= need * minutes;
      const unmade = missed.slice(placed);
      const why = unmade.length
        ? ` — bù cho ${unmade.length} lượt không phát được (${unmade.map((m) => `${localDate(m.startsAt, ch.tz).split('-').reverse().slice(0, 2).join('/')}: ${m.reason}`).join('; ')})`
        : '';
      const whyEn = unmade.length ? ` — making up for ${unmade.length} airing(s) not broadcast (${unmade.map((m) => `${localDate(m.startsAt, ch.tz)}: ${m.reason}`).join('; ')})` : '';
      const limits = [d.maxAiringsPerDay ? `tối đa ${d.maxAiringsPerDay} lượt/ngày` : '', d.minSpacingHours ? `cách nhau ít nhất ${d.minSpacingHours} giờ` : '', d.allowedWindows ? 'chỉ trong khung giờ quy định' : ''].filter(Boolean).join(', ');
      shortfalls.push({
        channelId: ch.c.id, ruleId: rule.id, period: period.key, code: enoughTime ? 'CONSTRAINTS' : 'NOT_ENOUGH_TIME', required: need, planned: placed,
        message: enoughTime
          ? `${where}: cần ${need} lượt × ${minutes} phút («${p.title}»), còn ${freeBefore} phút trống nhưng ${limits || 'giới hạn của kênh'} chỉ cho xếp ${placed} lượt${why}`
          : `${where}: cần ${need} lượt × ${minutes} phút («${p.title}»), chỉ còn ${freeBefore} phút trống${why}`,
        messageEn: enoughTime
          ? `${whereEn}: needs ${need} airings × ${minutes} min ("${p.title}"); ${freeBefore} min are free but the limits allow only ${placed}${whyEn}`
          : `${whereEn}: needs ${need} airings × ${minutes} min ("${p.title}"), only ${freeBefore} min free${whyEn}`,
      });
    }
  }
}

function matches(d: RuleDefinition, p: PlanProgram): boolean {
  return (!d.match.seriesId || p.seriesId === d.match.seriesId) && (!d.match.tag || p.tags.includes(d.match.tag)) && (!d.match.programIds || d.match.programIds.includes(p.id));
}

function reaches(p: PlanProgram, c: PlanChannel): boolean {
  return !p.unitPath || !c.unitPath || c.unitPath.startsWith(p.unitPath);
}

function overlapsPeriod(p: PlanProgram, period: PeriodInstance): boolean {
  return (!p.periodStart || p.periodStart < period.end) && (!p.periodEnd || p.periodEnd >= period.start);
}

/** One channel's busy time while planning: what was booked plus what the planner adds. */
class ChannelState {
  readonly tz: string;
  private busy: Busy[];
  private readonly daysOff: Set<string>;
  /** Airings per program on this channel, for counts, per-day limits and spacing. */
  private readonly byProgram = new Map<string, ProgramAiring[]>();

  constructor(readonly c: PlanChannel) {
    this.tz = c.timezone;
    this.daysOff = new Set(c.daysOff ?? []);
    this.busy = c.booked
      .map((b) => ({ start: b.startsAt.getTime(), end: Math.min(b.endsAt.getTime(), b.startsAt.getTime() + MAX_ENTRY_MS), programId: b.programId ?? null, id: b.id, replaceable: b.replaceable }))
      .sort((a, b) => a.start - b.start);
    for (const b of this.busy) this.index(b);
  }

  private index(b: Busy): void {
    if (!b.programId) return;
    const list = this.byProgram.get(b.programId) ?? [];
    list.push({ start: b.start, day: localDate(new Date(b.start), this.tz) });
    this.byProgram.set(b.programId, list);
  }

  book(b: Busy): void {
    this.index(b);
    let lo = 0;
    let hi = this.busy.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.busy[mid].start < b.start) lo = mid + 1;
      else hi = mid;
    }
    this.busy.splice(lo, 0, b);
  }

  /** Takes back the replaceable bookings of a program in [from, to): their time is free again. Returns their ids. */
  releaseReplaceable(programId: string, from: number, to: number): string[] {
    const gone = this.busy.filter((b) => b.programId === programId && b.replaceable && b.id && b.start >= from && b.start < to);
    if (!gone.length) return [];
    const ids = new Set(gone.map((b) => b.start));
    this.busy = this.busy.filter((b) => !gone.includes(b));
    this.byProgram.set(programId, (this.byProgram.get(programId) ?? []).filter((a) => !ids.has(a.start)));
    return gone.map((b) => b.id!);
  }

  airingsOf(programId: string, from: number, to: number): ProgramAiring[] {
    return (this.byProgram.get(programId) ?? []).filter((b) => b.start >= from && b.start < to);
  }

  /** Busy entries that overlap [a, b). Entries are sorted by start and last at most a day
   *  (MAX_ENTRY_MS, enforced on input), so the scan starts a day before `a`. */
  private overlapping(a: number, b: number): Busy[] {
    const out: Busy[] = [];
    let lo = 0;
    let hi = this.busy.length;
    const from = a - 86_400_000;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.busy[mid].start < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.busy.length; i++) {
      const x = this.busy[i];
      if (x.start >= b) break;
      if (x.end > a) out.push(x);
    }
    return out;
  }

  private usedMinutes(a: number, b: number): number {
    return this.overlapping(a, b).reduce((sum, x) => sum + (Math.min(x.end, b) - Math.max(x.start, a)), 0) / MIN;
  }

  /** Window occurrences of the period, limited to the rule's allowed times and to [from, to). */
  occurrences(period: PeriodInstance, allowed: RuleDefinition['allowedWindows'], from: number, to: number): Occurrence[] {
    const out: Occurrence[] = [];
    for (let date = period.start; date < period.end; date = addDays(date, 1)) {
      if (this.daysOff.has(date)) continue;
      const weekday = isoWeekday(date);
      for (const w of this.c.windows) {
        if (!w.days.includes(weekday)) continue;
        const ranges = allowed?.length
          ? allowed.map((a) => [Math.max(minutesOf(w.start), minutesOf(a.start)), Math.min(minutesOf(w.end), minutesOf(a.end))]).filter(([s, e]) => e > s)
          : [[minutesOf(w.start), minutesOf(w.end)]];
        const sessionStart = zonedInstant(date, w.start, this.tz).getTime();
        const sessionEnd = zonedInstant(date, w.end, this.tz).getTime();
        for (const [s, e] of ranges) {
          const placeStart = Math.max(sessionStart + (s - minutesOf(w.start)) * MIN, from);
          const placeEnd = Math.min(sessionStart + (e - minutesOf(w.start)) * MIN, to);
          if (placeEnd > placeStart) out.push({ date, sessionStart, sessionEnd, placeStart, placeEnd });
        }
      }
    }
    return out.sort((a, b) => a.placeStart - b.placeStart);
  }

  /** Free minutes left in these occurrences, within the session limits. */
  freeMinutes(occurrences: Occurrence[]): number {
    let total = 0;
    for (const o of occurrences) {
      let free = (o.placeEnd - o.placeStart) / MIN - this.usedMinutes(o.placeStart, o.placeEnd);
      if (this.c.maxSessionMinutes !== undefined) free = Math.min(free, this.c.maxSessionMinutes - this.usedMinutes(o.sessionStart, o.sessionEnd));
      total += Math.max(0, free);
    }
    return Math.floor(total);
  }

  /** The earliest acceptable start, searching from the preferred occurrence onwards, then back. */
  findSlot(occurrences: Occurrence[], preferred: number, duration: number, programId: string, d: RuleDefinition): number | null {
    const order = [...occurrences.keys()].filter((i) => i >= preferred).concat([...occurrences.keys()].filter((i) => i < preferred).reverse());
    for (const i of order) {
      const o = occurrences[i];
      const t = this.gap(o.placeStart, o.placeEnd, duration);
      if (t === null || !this.withinLimits(o, t, duration) || !this.allowedFor(programId, t, d, o.date)) continue;
      return t;
    }
    return null;
  }

  private gap(a: number, b: number, duration: number): number | null {
    let t = a;
    for (const x of this.overlapping(a, b)) {
      if (x.start - t >= duration) return t;
      t = Math.max(t, x.end);
    }
    return b - t >= duration ? t : null;
  }

  private withinLimits(o: Occurrence, t: number, duration: number): boolean {
    const minutes = duration / MIN;
    if (this.c.maxSessionMinutes !== undefined && this.usedMinutes(o.sessionStart, o.sessionEnd) + minutes > this.c.maxSessionMinutes) return false;
    if (this.c.maxDailyMinutes !== undefined) {
      const dayStart = zonedInstant(o.date, '00:00', this.tz).getTime();
      const dayEnd = zonedInstant(addDays(o.date, 1), '00:00', this.tz).getTime();
      if (this.usedMinutes(dayStart, dayEnd) + minutes > this.c.maxDailyMinutes) return false;
    }
    return t + duration <= o.placeEnd;
  }

  private allowedFor(programId: string, t: number, d: RuleDefinition, day: string): boolean {
    const mine = this.byProgram.get(programId) ?? [];
    if (d.maxAiringsPerDay !== undefined) {
      if (mine.filter((b) => b.day === day).length >= d.maxAiringsPerDay) return false;
    }
    if (d.minSpacingHours) {
      const gap = d.minSpacingHours * 3600_000;
      if (mine.some((b) => Math.abs(b.start - t) < gap)) return false;
    }
    return true;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
