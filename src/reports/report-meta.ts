import type { ComplianceRow } from '../schedule/compliance';

/** What every export of a report names: whose it is, the period, and when it was made (in the unit's zone). */
export interface ReportMeta {
  unitName: string;
  from: string;
  to: string;
  generatedAt: Date;
  timeZone: string;
  /** Names of the units the rows belong to. */
  unitNames: Map<string, string>;
  /** How a row's status reads: "Đang thực hiện" while its period runs, not an alarm (default: by status). */
  statusLabel?: (row: ComplianceRow) => string;
  statusLabelEn?: (row: ComplianceRow) => string;
}

/** "22/11/2026 15:30" in the unit's time zone. */
export function localStamp(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** A CSV cell: quoted when needed (the file is UTF-8 with a BOM so Excel reads Vietnamese). */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  // text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is kept as text
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
