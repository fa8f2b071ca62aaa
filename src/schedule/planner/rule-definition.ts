import { addDays, isoWeekday, minutesOf, pad } from './local-time';

/**
 * A rebroadcast rule as data (R1, R4, R7). Examples:
 *  - R1 "mỗi tháng 01 Chương trình và phát lại ít nhất 03 lần/tháng":
 *    { match: { seriesId }, period: 'month', minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 }
 *  - R4 "01 bài/tuần … từ tháng 11 đến hết tháng 12/2024":
 *    { match: { tag }, period: 'week', from: '2024-11-01', to: '2024-12-31', minPrograms: 1, minAiringsPerProgram: 1 }
 *  - R4 "Từ 1 đến 5 tin, bài cho từng nhiệm vụ": { match: { tag: 'nhiem-vu:3' }, period: 'range', from, to, minPrograms: 1, maxPrograms: 5, minAiringsPerProgram: 1 }
 */
export interface RuleDefinition {
  /**
   * Loudspeakers (audio, the default) or LED boards (display). A display rule asks that its slides
   * be shown in `dailyWindows` on every day of its dates, on every LED board of its target:
   *   { medium: 'display', match: { mediaAssetIds }, period: 'range', from, to, dailyWindows: [{ start: '06:00', end: '22:00' }] }
   */
  medium?: RuleMedium;
  /** What counts: programs of a series, carrying a tag, or named (a campaign's); the slides of a display rule. */
  match: { seriesId?: string; tag?: string; programIds?: string[]; mediaAssetIds?: string[] };
  /** Display rules: the local windows the slides are shown in, each day. */
  dailyWindows?: Array<{ start: string; end: string }>;
  /**
   * Display rules: instead of filling the windows, at least this many showings a day of
   * `showingMinutes` each, inside the windows, spread over them ("mỗi ngày ít nhất 6 lượt, mỗi lượt 10 phút").
   */
  showingsPerDay?: number;
  showingMinutes?: number;
  /** Display rules with showingsPerDay: least time between the starts of two showings the same day. */
  minSpacingMinutes?: number;
  /** The calendar period a quota applies to, in the channel's time zone. */
  period: RulePeriod;
  /** Local dates (inclusive) the rule is in force; `range` needs both. */
  from?: string;
  to?: string;
  /** Distinct programs per period. */
  minPrograms: number;
  maxPrograms?: number;
  /** Airings of each counted program within the period: a premiere plus replays. */
  minAiringsPerProgram: number;
  /** Per program, channel and local day ("not twice the same day" = 1). */
  maxAiringsPerDay?: number;
  /** Least time between two airings of one program. */
  minSpacingHours?: number;
  /** Local times airings may be placed in; default: any of the channel's windows. */
  allowedWindows?: Array<{ start: string; end: string }>;
  /**
   * A new item each period ("01 bài/tuần", a monthly program a new one each month): a program
   * counts in the first period it airs in only; the planner takes, per period, approved programs
   * not aired in earlier periods, newest first.
   */
  freshEachPeriod?: boolean;
  /**
   * What evidence an airing needs to count: `any` (default: the player's report or an operator's
   * confirmation), or `acoustic` — verified acoustically on channels that have a monitor (the
   * player's word or an operator's tap is not enough there), any evidence elsewhere.
   */
  evidence?: EvidenceRequirement;
}

export type EvidenceRequirement = 'any' | 'acoustic';
export type RulePeriod = 'week' | 'month' | 'quarter' | 'range';
export type RuleMedium = 'audio' | 'display';

export const isDisplayRule = (d: RuleDefinition): boolean => d.medium === 'display';

/** The minutes of slides a display rule asks of each board each day: its windows whole, or N showings. */
export function dailyDisplayMinutes(d: Pick<RuleDefinition, 'dailyWindows' | 'showingsPerDay' | 'showingMinutes'>): number {
  if (d.showingsPerDay && d.showingMinutes) return d.showingsPerDay * d.showingMinutes;
  return (d.dailyWindows ?? []).reduce((n, w) => n + minutesOf(w.end) - minutesOf(w.start), 0);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RuleProblem {
  field: string;
  message: string;
  messageEn: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Checks a rule on save; every problem names its field, in Vietnamese and English. */
export function validateRuleDefinition(d: RuleDefinition): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const add = (field: string, message: string, messageEn: string) => problems.push({ field, message: `${field}: ${message}`, messageEn: `${field}: ${messageEn}` });
  const int = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

  const ids = (v: unknown) => Array.isArray(v) && v.length >= 1 && v.length <= 50 && v.every((x) => typeof x === 'string' && UUID.test(x)) && new Set(v).size === v.length;
  if (d.medium !== undefined && d.medium !== 'audio' && d.medium !== 'display') add('medium', 'phải là audio hoặc display', 'must be audio or display');
  if (d.medium === 'display') {
    validateDisplay(d, add);
  } else {
    if (!d.match || (!d.match.seriesId && !d.match.tag && !d.match.programIds)) add('match', 'cần chọn chuyên mục, nhãn hoặc danh sách chương trình', 'needs a series, a tag or programs');
    if (d.match?.programIds !== undefined && !ids(d.match.programIds)) add('match.programIds', 'phải là danh sách 1–50 mã chương trình khác nhau', 'must be 1–50 distinct program ids');
    if (d.match?.mediaAssetIds !== undefined) add('match.mediaAssetIds', 'chỉ dùng cho quy định bảng LED (medium: display)', 'is for display rules only');
    for (const f of ['dailyWindows', 'showingsPerDay', 'showingMinutes', 'minSpacingMinutes'] as const) {
      if (d[f] !== undefined) add(f, 'chỉ dùng cho quy định bảng LED (medium: display)', 'is for display rules only');
    }
  }
  if (!['week', 'month', 'quarter', 'range'].includes(d.period)) add('period', 'phải là week, month, quarter hoặc range', 'must be week, month, quarter or range');
  for (const f of ['from', 'to'] as const) if (d[f] !== undefined && !(DATE.test(d[f]!) && validDate(d[f]!))) add(f, 'phải là ngày dạng YYYY-MM-DD', 'must be a YYYY-MM-DD date');
  if (d.medium !== 'display') {
    if (!int(d.minPrograms, 0, 100)) add('minPrograms', 'phải là số nguyên từ 0 đến 100', 'must be an integer 0–100');
    if (d.maxPrograms !== undefined && (!int(d.maxPrograms, 1, 100) || d.maxPrograms < d.minPrograms)) add('maxPrograms', 'phải là số nguyên ≥ số tối thiểu', 'must be an integer ≥ minPrograms');
    if (!int(d.minAiringsPerProgram, 1, 200)) add('minAiringsPerProgram', 'phải là số nguyên từ 1 đến 200', 'must be an integer 1–200');
  }
  if (d.period === 'range' && (!d.from || !d.to)) add('to', 'khoảng thời gian cần cả ngày bắt đầu và ngày kết thúc', 'a range needs from and to');
  if (d.from && d.to && d.to < d.from) add('to', 'phải sau hoặc bằng ngày bắt đầu', 'must not be before from');
  if (d.maxAiringsPerDay !== undefined && !int(d.maxAiringsPerDay, 1, 48)) add('maxAiringsPerDay', 'phải là số nguyên từ 1 đến 48', 'must be an integer 1–48');
  if (d.minSpacingHours !== undefined && !(typeof d.minSpacingHours === 'number' && d.minSpacingHours >= 0 && d.minSpacingHours <= 24 * 31)) add('minSpacingHours', 'phải từ 0 đến 744 giờ', 'must be 0–744 hours');
  if (d.freshEachPeriod !== undefined && typeof d.freshEachPeriod !== 'boolean') add('freshEachPeriod', 'phải là true hoặc false', 'must be true or false');
  if (d.evidence !== undefined && !['any', 'acoustic'].includes(d.evidence)) add('evidence', 'phải là "any" (mọi bằng chứng) hoặc "acoustic" (xác thực âm thanh nơi có micro giám sát)', 'must be "any" or "acoustic"');
  if (d.evidence === 'acoustic' && d.medium === 'display') add('evidence', 'xác thực âm thanh chỉ dành cho loa', 'acoustic evidence is for loudspeakers only');
  if (d.allowedWindows !== undefined) {
    if (!Array.isArray(d.allowedWindows) || d.allowedWindows.length === 0) add('allowedWindows', 'phải là danh sách khung giờ', 'must be a list of windows');
    else d.allowedWindows.forEach((w, i) => {
      if (!TIME.test(w?.start) || !TIME.test(w?.end) || minutesOf(w.end) <= minutesOf(w.start)) add(`allowedWindows.${i}`, 'cần giờ bắt đầu < giờ kết thúc, dạng HH:MM', 'needs start < end as HH:MM');
    });
  }
  if (problems.length === 0 && d.period === 'week' && d.maxAiringsPerDay && d.minAiringsPerProgram > 7 * d.maxAiringsPerDay) {
    add('minAiringsPerProgram', `một tuần chỉ có 7 ngày: tối đa ${7 * d.maxAiringsPerDay} lượt`, `a week has 7 days: at most ${7 * d.maxAiringsPerDay} airings`);
  }
  return problems;
}

/** A display rule: its slides, and the windows they are shown in every day. */
function validateDisplay(d: RuleDefinition, add: (field: string, message: string, messageEn: string) => void): void {
  const assets = d.match?.mediaAssetIds;
  if (!Array.isArray(assets) || assets.length < 1 || assets.length > 50 || !assets.every((x) => typeof x === 'string' && UUID.test(x)) || new Set(assets).size !== assets.length) {
    add('match.mediaAssetIds', 'cần danh sách 1–50 trang chiếu (ảnh, đoạn phim, trang chữ) khác nhau', 'needs 1–50 distinct slides (images, clips, text slides)');
  }
  if (d.match?.seriesId || d.match?.tag || d.match?.programIds) add('match', 'quy định bảng LED chỉ chọn trang chiếu (mediaAssetIds)', 'a display rule matches slides (mediaAssetIds) only');
  const w = d.dailyWindows;
  if (!Array.isArray(w) || w.length === 0 || w.length > 8) {
    add('dailyWindows', 'cần 1–8 khung giờ trình chiếu mỗi ngày', 'needs 1–8 daily windows');
    return;
  }
  w.forEach((x, i) => {
    if (!TIME.test(x?.start) || !TIME.test(x?.end) || minutesOf(x.end) <= minutesOf(x.start)) add(`dailyWindows.${i}`, 'cần giờ bắt đầu < giờ kết thúc, dạng HH:MM', 'needs start < end as HH:MM');
  });
  const sorted = [...w].filter((x) => TIME.test(x?.start) && TIME.test(x?.end)).sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
  for (let i = 1; i < sorted.length; i++) {
    if (minutesOf(sorted[i].start) < minutesOf(sorted[i - 1].end)) add('dailyWindows', 'các khung giờ không được chồng lên nhau', 'windows must not overlap');
  }
  validateShowings(d, sorted, add);
}

/** "At least N showings a day of M minutes, S minutes apart": each given with the others, and able to fit the windows. */
function validateShowings(d: RuleDefinition, windows: Array<{ start: string; end: string }>, add: (field: string, message: string, messageEn: string) => void): void {
  const int = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  const { showingsPerDay: n, showingMinutes: m, minSpacingMinutes: s } = d;
  if (n === undefined && m === undefined) {
    if (s !== undefined) add('minSpacingMinutes', 'chỉ dùng cùng số lượt trình chiếu mỗi ngày (showingsPerDay)', 'goes with showingsPerDay only');
    return;
  }
  let ok = true;
  if (!int(n, 1, 96)) { add('showingsPerDay', 'phải là số nguyên từ 1 đến 96', 'must be an integer 1–96'); ok = false; }
  if (!int(m, 1, 720)) { add('showingMinutes', 'phải là số nguyên từ 1 đến 720 phút', 'must be an integer 1–720 minutes'); ok = false; }
  if (s !== undefined && !int(s, 0, 1440)) { add('minSpacingMinutes', 'phải là số nguyên từ 0 đến 1440 phút', 'must be an integer 0–1440 minutes'); ok = false; }
  if (!ok) return;
  // each showing must fit one window; all of them, with their spacing, the day's windows
  const lengths = windows.map((x) => minutesOf(x.end) - minutesOf(x.start));
  if (m! > Math.max(0, ...lengths)) add('showingMinutes', `mỗi lượt ${m} phút dài hơn khung giờ dài nhất`, `a ${m}-minute showing is longer than the longest window`);
  else if (n! * m! > lengths.reduce((a, b) => a + b, 0)) add('showingsPerDay', `${n} lượt × ${m} phút không vừa các khung giờ trong ngày`, `${n} showings × ${m} min do not fit the day's windows`);
  else if (s && windows.length && (n! - 1) * Math.max(s, m!) + m! > minutesOf(windows[windows.length - 1].end) - minutesOf(windows[0].start)) {
    add('minSpacingMinutes', `${n} lượt cách nhau ${s} phút không vừa trong ngày`, `${n} showings ${s} min apart do not fit in a day`);
  }
}

function validDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** One period of a rule: local dates [start, end). */
export interface PeriodInstance {
  key: string;
  start: string;
  end: string;
  label: string;
  labelEn: string;
}

/** The rule's periods that meet the local dates [from, to] (inclusive), clipped to its validity. */
export function periodInstances(d: RuleDefinition, from: string, to: string): PeriodInstance[] {
  const lo = d.from && d.from > from ? d.from : from;
  const hiIncl = d.to && d.to < to ? d.to : to;
  if (hiIncl < lo) return [];
  const hi = addDays(hiIncl, 1);
  const out: PeriodInstance[] = [];
  if (d.period === 'range') {
    const start = d.from!;
    const end = addDays(d.to!, 1);
    if (start < hi && end > lo) out.push({ key: `${start}..${d.to}`, start, end, label: `từ ${dmy(start)} đến ${dmy(d.to!)}`, labelEn: `${start} to ${d.to}` });
    return out;
  }
  let cursor = periodStart(d.period, lo);
  while (cursor < hi) {
    const next = periodEnd(d.period, cursor);
    const start = d.from && d.from > cursor ? d.from : cursor;
    const end = d.to && addDays(d.to, 1) < next ? addDays(d.to, 1) : next;
    out.push({ key: periodKey(d.period, cursor), start, end, ...periodLabel(d.period, cursor, next) });
    cursor = next;
  }
  return out;
}

/** How far back a rule asking for a new item each period looks for a program's first period. */
export const FRESH_LOOKBACK_DAYS = 100;

/**
 * The local days [from, to) whose entries a report over the dates from..to (inclusive) reads: from the
 * first period's start to the last period's end (a week or a quarter reaches past the range), a day more
 * on each side for channels in another time zone than the unit's, and FRESH_LOOKBACK_DAYS earlier where a
 * rule asks for a new item each period (the periods a program aired in before). Null when no rule has a
 * period in the range: there is nothing to read.
 */
export function entriesSpan(defs: RuleDefinition[], from: string, to: string): { from: string; to: string } | null {
  const span = periodsSpan(defs, from, to);
  if (!span) return null;
  const lookBack = defs.some((d) => d.freshEachPeriod && periodInstances(d, from, to).length) ? FRESH_LOOKBACK_DAYS : 0;
  return { from: addDays(span.from, -1 - lookBack), to: addDays(span.to, 1) };
}

/** The local days [from, to) of the rules' periods that meet the dates from..to (inclusive); null if none. */
export function periodsSpan(defs: RuleDefinition[], from: string, to: string): { from: string; to: string } | null {
  let lo: string | null = null;
  let hi: string | null = null;
  for (const d of defs) {
    const periods = periodInstances(d, from, to);
    if (!periods.length) continue;
    if (lo === null || periods[0].start < lo) lo = periods[0].start;
    if (hi === null || periods[periods.length - 1].end > hi) hi = periods[periods.length - 1].end;
  }
  return lo === null || hi === null ? null : { from: lo, to: hi };
}

function periodStart(p: RulePeriod, date: string): string {
  const [y, m] = date.split('-').map(Number);
  if (p === 'week') return addDays(date, 1 - isoWeekday(date));
  if (p === 'month') return `${y}-${pad(m)}-01`;
  return `${y}-${pad(Math.floor((m - 1) / 3) * 3 + 1)}-01`;
}

function periodEnd(p: RulePeriod, start: string): string {
  const [y, m] = start.split('-').map(Number);
  if (p === 'week') return addDays(start, 7);
  const months = p === 'month' ? 1 : 3;
  const t = new Date(Date.UTC(y, m - 1 + months, 1));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-01`;
}

function periodKey(p: RulePeriod, start: string): string {
  const [y, m] = start.split('-').map(Number);
  if (p === 'month') return `${y}-${pad(m)}`;
  if (p === 'quarter') return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
  const { year, week } = isoWeek(start);
  return `${year}-W${pad(week)}`;
}

function periodLabel(p: RulePeriod, start: string, end: string): { label: string; labelEn: string } {
  const [y, m] = start.split('-').map(Number);
  if (p === 'month') return { label: `tháng ${m}/${y}`, labelEn: `${y}-${pad(m)}` };
  if (p === 'quarter') return { label: `quý ${Math.floor((m - 1) / 3) + 1}/${y}`, labelEn: `Q${Math.floor((m - 1) / 3) + 1} ${y}` };
  const { year, week } = isoWeek(start);
  const last = addDays(end, -1);
  return { label: `tuần ${week}/${year} (${dmy(start).slice(0, 5)}–${dmy(last).slice(0, 5)})`, labelEn: `week ${week} of ${year}` };
}

/** ISO week of the week starting on `monday`: the week belongs to the year of its Thursday. */
function isoWeek(monday: string): { year: number; week: number } {
  const [y, m, d] = addDays(monday, 3).split('-').map(Number);
  const dayOfYear = (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000;
  return { year: y, week: Math.floor(dayOfYear / 7) + 1 };
}

/** 2026-12-01 → 01/12/2026 */
export function dmy(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}
