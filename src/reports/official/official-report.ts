import type { ComplianceRow } from '../../schedule/compliance';
import { addDays, localDate, zonedInstant } from '../../schedule/planner/local-time';
import { dmy, periodTitle } from './report-periods';

/**
 * The report a district signs and sends (Decree 30/2020/NĐ-CP form): the pure part. From the
 * compliance rows and what the entries say of how each airing was confirmed, it builds the
 * document's content — per rule or campaign, a row per commune — and the paragraph that sums it up.
 * The DOCX and PDF writers only lay this out.
 */

/** How a row reads in a report: a period that has not ended is not yet a failure. */
export type ReportStatus = 'met' | 'not_met' | 'scheduled' | 'in_progress' | 'at_risk';

export const REPORT_STATUS_VI: Record<ReportStatus, string> = {
  met: 'Đạt', not_met: 'Không đạt', scheduled: 'Đã lên lịch', in_progress: 'Đang thực hiện', at_risk: 'Có nguy cơ',
};
export const REPORT_STATUS_EN: Record<ReportStatus, string> = {
  met: 'Met', not_met: 'Not met', scheduled: 'Scheduled', in_progress: 'In progress', at_risk: 'At risk',
};

/** What a rule allows per day, for "can the rest of the period still meet it". */
export interface RuleCapacity {
  /** Audio: airings of one program a day, when the rule caps them. */
  maxAiringsPerDay?: number;
  /** Display: the minutes a board must show each day. */
  dailyMinutes?: number;
  /** The campaign owning the rule, if any. */
  campaign?: string | null;
}

/**
 * Met by evidence → met; over → not met; otherwise "scheduled" when the plan covers it, "at risk" only
 * when the days left cannot hold what is still missing, else "in progress".
 */
export function reportStatus(row: ComplianceRow, capacity: RuleCapacity, now: Date, timeZone: string): ReportStatus {
  if (row.status === 'ok') return 'met';
  const end = zonedInstant(addDays(row.periodEnd, 1), '00:00', timeZone);
  if (now >= end || row.status === 'violated') return 'not_met';
  if (!row.planShort) return 'scheduled';
  const today = localDate(now, timeZone);
  const start = today > row.periodStart ? today : row.periodStart;
  const daysLeft = Math.max(0, Math.round((Date.parse(`${addDays(row.periodEnd, 1)}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000));
  if (row.minutes) {
    const missing = row.minutes.required - row.minutes.evidenced;
    return missing > daysLeft * (capacity.dailyMinutes ?? 0) ? 'at_risk' : 'in_progress';
  }
  if (capacity.maxAiringsPerDay === undefined) return daysLeft > 0 ? 'in_progress' : 'at_risk';
  const missing = row.required.airingsPerProgram * row.required.programs - row.evidenced.airings;
  return missing > daysLeft * capacity.maxAiringsPerDay * Math.max(1, row.required.programs) ? 'at_risk' : 'in_progress';
}

/** How each airing of a rule on a channel was confirmed, over the report's dates. */
export interface EntryTally {
  ruleId: string;
  channelId: string;
  byDevice: number;
  byOperator: number;
  /** Airings a monitor heard (verified acoustically), and those it listened to and did not hear. */
  verified?: number;
  notHeard?: number;
  missed: number;
  reasons: string[];
  madeUp: number;
}

export interface OfficialHeader {
  /** Above the issuing body ("UBND TỈNH THANH HÓA"); default: the parent unit's name. */
  parentBody?: string;
  /** The issuing body ("UBND HUYỆN QUAN SƠN"); default: "UBND " + the unit's name. */
  issuingBody?: string;
  /** "Số: 12/BC-UBND" — the number and symbol; left for the clerk when empty. */
  number?: string;
  /** The place in "Quan Sơn, ngày … tháng … năm …"; default: the unit's name without its kind. */
  place?: string;
  signerTitle?: string;
  signerName?: string;
  recipients?: string[];
}

export interface OfficialReportInput {
  unit: { name: string; parentName: string | null; timezone: string };
  from: string;
  to: string;
  now: Date;
  header: OfficialHeader;
  preparer: { name: string; title: string | null };
  rows: ComplianceRow[];
  capacity: Map<string, RuleCapacity>;
  tallies: EntryTally[];
  unitNames: Map<string, string>;
}

export interface CommuneRow {
  unitId: string;
  commune: string;
  channels: number;
  /** Airings (or minutes on a board) the rule asks for over the report's periods. */
  required: number;
  planned: number;
  evidenced: number;
  byDevice: number;
  byOperator: number;
  verified: number;
  notHeard: number;
  missed: number;
  reasons: string[];
  madeUp: number;
  periods: number;
  periodsMet: number;
  status: ReportStatus;
}

export interface ReportSection {
  ruleId: string;
  heading: string;
  campaign: boolean;
  medium: 'audio' | 'display';
  /** "1 chương trình × 4 lượt phát mỗi tháng", or minutes a day on LED boards. */
  requirement: string;
  unit: 'lượt' | 'phút';
  rows: CommuneRow[];
}

export interface OfficialReport {
  parentBody: string;
  issuingBody: string;
  number: string;
  placeAndDate: string;
  title: string;
  subtitle: string;
  periodLine: string;
  summary: string[];
  sections: ReportSection[];
  preparer: string;
  signerTitle: string;
  signerName: string;
  recipients: string[];
  unitName: string;
  from: string;
  to: string;
}

const SEVERITY: ReportStatus[] = ['not_met', 'at_risk', 'in_progress', 'scheduled', 'met'];

export function buildOfficialReport(input: OfficialReportInput): OfficialReport {
  const { unit, header, now } = input;
  const tally = new Map<string, EntryTally[]>();
  for (const t of input.tallies) tally.set(t.ruleId, [...(tally.get(t.ruleId) ?? []), t]);
  const channelUnit = new Map(input.rows.map((r) => [r.channelId, r.unitId]));
  const name = (unitId: string) => input.unitNames.get(unitId) ?? unitId;

  const byRule = new Map<string, ComplianceRow[]>();
  for (const r of input.rows) byRule.set(r.ruleId, [...(byRule.get(r.ruleId) ?? []), r]);
  const sections: ReportSection[] = [...byRule].map(([ruleId, rows]) => {
    const first = rows[0];
    const capacity = input.capacity.get(ruleId) ?? {};
    const display = first.medium === 'display';
    const communes = new Map<string, CommuneRow & { channelIds: Set<string>; worst: number }>();
    for (const r of rows) {
      const c = communes.get(r.unitId) ?? {
        unitId: r.unitId, commune: name(r.unitId), channels: 0, channelIds: new Set<string>(), required: 0, planned: 0, evidenced: 0,
        byDevice: 0, byOperator: 0, verified: 0, notHeard: 0, missed: 0, reasons: [], madeUp: 0, periods: 0, periodsMet: 0, status: 'met' as ReportStatus, worst: SEVERITY.length - 1,
      };
      c.channelIds.add(r.channelId);
      if (r.minutes) {
        c.required += r.minutes.required;
        c.planned += r.minutes.planned;
        c.evidenced += r.minutes.evidenced;
      } else {
        c.required += r.required.programs * r.required.airingsPerProgram;
        c.planned += r.planned.airings;
        c.evidenced += r.evidenced.airings;
      }
      const status = reportStatus(r, capacity, now, unit.timezone);
      c.periods++;
      if (status === 'met') c.periodsMet++;
      c.worst = Math.min(c.worst, SEVERITY.indexOf(status));
      communes.set(r.unitId, c);
    }
    for (const t of tally.get(ruleId) ?? []) {
      const c = communes.get(channelUnit.get(t.channelId) ?? '');
      if (!c) continue;
      c.byDevice += t.byDevice;
      c.byOperator += t.byOperator;
      c.verified += t.verified ?? 0;
      c.notHeard += t.notHeard ?? 0;
      c.missed += t.missed;
      c.madeUp += t.madeUp;
      c.reasons.push(...t.reasons.filter((x) => !c.reasons.includes(x)));
    }
    const list = [...communes.values()]
      .map(({ channelIds, worst, ...c }) => ({ ...c, channels: channelIds.size, status: SEVERITY[worst] }))
      .sort((a, b) => a.commune.localeCompare(b.commune, 'vi'));
    return {
      ruleId,
      heading: capacity.campaign ? `Chiến dịch «${capacity.campaign}»${display ? ' — bảng LED' : ' — đài truyền thanh'}` : `Quy định «${first.ruleName}»`,
      campaign: !!capacity.campaign,
      medium: display ? 'display' : 'audio',
      requirement: display
        ? `Trình chiếu ${capacity.dailyMinutes ?? 0} phút mỗi ngày trên mỗi bảng LED`
        : `${first.required.programs} chương trình × ${first.required.airingsPerProgram} lượt phát ${periodWord(first)} trên mỗi đài`,
      unit: display ? 'phút' : 'lượt',
      rows: list,
    };
  });
  sections.sort((a, b) => Number(a.campaign) - Number(b.campaign) || a.heading.localeCompare(b.heading, 'vi'));

  const place = header.place?.trim() || unit.name.replace(/^(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn)\s+/i, '');
  const today = localDate(now, unit.timezone);
  const title = periodTitle(input.from, input.to);
  return {
    parentBody: (header.parentBody?.trim() || unit.parentName || '').toLocaleUpperCase('vi'),
    issuingBody: (header.issuingBody?.trim() || `UBND ${unit.name}`).toLocaleUpperCase('vi'),
    number: header.number?.trim() || 'Số:      /BC-UBND',
    placeAndDate: `${place}, ngày ${Number(today.slice(8))} tháng ${Number(today.slice(5, 7))} năm ${today.slice(0, 4)}`,
    title: 'BÁO CÁO',
    subtitle: `Kết quả thực hiện quy định phát lại trên hệ thống thông tin cơ sở ${title}`,
    periodLine: `Kỳ báo cáo: từ ngày ${dmy(input.from)} đến ngày ${dmy(input.to)}.`,
    summary: summarise(input, sections),
    sections,
    preparer: `${input.preparer.name}${input.preparer.title ? `, ${input.preparer.title}` : ''}`,
    signerTitle: (header.signerTitle?.trim() || 'CHỦ TỊCH').toLocaleUpperCase('vi'),
    signerName: header.signerName?.trim() || '',
    recipients: [...(header.recipients ?? []).map((r) => r.trim()).filter(Boolean), 'Lưu: VT'],
    unitName: unit.name,
    from: input.from,
    to: input.to,
  };
}

function periodWord(r: ComplianceRow): string {
  const days = (Date.parse(`${r.periodEnd}T00:00:00Z`) - Date.parse(`${r.periodStart}T00:00:00Z`)) / 86_400_000 + 1;
  if (days <= 7) return 'mỗi tuần';
  if (days <= 31 && r.periodStart.endsWith('-01')) return 'mỗi tháng';
  if (days <= 92 && r.periodStart.endsWith('-01')) return 'mỗi quý';
  return `từ ${dmy(r.periodStart)} đến ${dmy(r.periodEnd)}`;
}

/** The paragraphs that sum the figures up, in Vietnamese, as a clerk would write them. */
export function summarise(input: Pick<OfficialReportInput, 'unit' | 'from' | 'to' | 'rows'>, sections: ReportSection[]): string[] {
  const audio = sections.filter((s) => s.medium === 'audio');
  const rows = sections.flatMap((s) => s.rows);
  const communes = new Set(rows.map((r) => r.unitId));
  const speakers = new Set(input.rows.filter((r) => !r.minutes).map((r) => r.channelId)).size;
  const boards = new Set(input.rows.filter((r) => r.minutes).map((r) => r.channelId)).size;
  const rules = sections.filter((s) => !s.campaign).length;
  const campaigns = new Set(sections.filter((s) => s.campaign).map((s) => s.heading.replace(/ — .*$/, ''))).size;
  const n = (x: number) => x.toLocaleString('vi-VN');
  const out: string[] = [];
  if (!rows.length) {
    return [`Trong kỳ báo cáo (từ ${dmy(input.from)} đến ${dmy(input.to)}), ${input.unit.name} không có đài truyền thanh hay bảng LED nào chịu quy định phát lại.`];
  }
  out.push(
    `Trong kỳ báo cáo (từ ${dmy(input.from)} đến ${dmy(input.to)}), ${input.unit.name} theo dõi ${n(communes.size)} đơn vị với ${n(speakers)} đài truyền thanh${boards ? ` và ${n(boards)} bảng LED` : ''}, ` +
      `thực hiện ${n(rules)} quy định phát lại${campaigns ? ` và ${n(campaigns)} chiến dịch` : ''}.`,
  );
  const a = audio.flatMap((s) => s.rows);
  if (a.length) {
    const aired = a.reduce((x, r) => x + r.byDevice + r.byOperator, 0);
    const device = a.reduce((x, r) => x + r.byDevice, 0);
    const verified = a.reduce((x, r) => x + r.verified, 0);
    const listened = verified + a.reduce((x, r) => x + r.notHeard, 0);
    const missed = a.reduce((x, r) => x + r.missed, 0);
    const madeUp = a.reduce((x, r) => x + r.madeUp, 0);
    const reasons = topReasons(a.flatMap((r) => r.reasons));
    out.push(
      `Các đài đã phát ${n(aired)} lượt theo quy định, trong đó ${n(device)} lượt do thiết bị xác nhận và ${n(aired - device)} lượt do người vận hành xác nhận; ` +
        (listened ? `micro giám sát xác thực bằng âm thanh ${n(verified)} lượt (${percent(verified, aired)} số lượt đã phát)${listened > verified ? `, ${n(listened - verified)} lượt thiết bị báo đã phát nhưng micro không nghe thấy` : ''}; ` : '') +
        (missed ? `${n(missed)} lượt không phát được${reasons ? ` (${reasons})` : ''}, ${n(madeUp)} lượt đã được phát bù.` : 'không có lượt nào bị bỏ lỡ.'),
    );
  }
  // a commune is judged by its worst row; periods that have not ended are not failures
  const worst = new Map<string, ReportStatus>();
  for (const r of rows) {
    const w = worst.get(r.unitId);
    if (!w || SEVERITY.indexOf(r.status) < SEVERITY.indexOf(w)) worst.set(r.unitId, r.status);
  }
  const names = new Map(rows.map((r) => [r.unitId, r.commune]));
  const list = (s: ReportStatus) => [...worst].filter(([, v]) => v === s).map(([k]) => names.get(k)!).sort((x, y) => x.localeCompare(y, 'vi'));
  const met = list('met').length;
  const notMet = list('not_met');
  const atRisk = list('at_risk');
  const open = list('in_progress').length + list('scheduled').length;
  let judged = `${n(met)}/${n(worst.size)} đơn vị đạt mọi quy định trong kỳ.`;
  if (notMet.length) judged += ` Chưa đạt: ${names3(notMet)}.`;
  if (atRisk.length) judged += ` Có nguy cơ không đạt vì thời gian còn lại không đủ: ${names3(atRisk)}.`;
  if (open) judged += ` ${n(open)} đơn vị có kỳ chưa kết thúc, đang thực hiện hoặc đã lên lịch.`;
  out.push(judged);
  return out;
}

function names3(list: string[]): string {
  return list.length <= 5 ? list.join(', ') : `${list.slice(0, 5).join(', ')} và ${list.length - 5} đơn vị khác`;
}

function topReasons(reasons: string[]): string {
  const count = new Map<string, number>();
  for (const r of reasons) count.set(r, (count.get(r) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'vi')).slice(0, 3).map(([r]) => r.toLocaleLowerCase('vi')).join('; ');
}

/** "75 %" — of `total`, rounded; "0 %" of nothing. */
function percent(part: number, total: number): string {
  return `${total ? Math.round((100 * part) / total) : 0} %`;
}

/**
 * The "device confirmed" cell of a commune: the count, and where a monitor listened, how many of
 * the airings were verified acoustically — "12 (xác thực âm thanh 9/12 — 75 %)".
 */
export function deviceCell(r: Pick<CommuneRow, 'byDevice' | 'byOperator' | 'verified' | 'notHeard'>): string {
  if (!r.verified && !r.notHeard) return String(r.byDevice);
  const aired = r.byDevice + r.byOperator;
  return `${r.byDevice} (xác thực âm thanh ${r.verified}/${aired} — ${percent(r.verified, aired)})`;
}
