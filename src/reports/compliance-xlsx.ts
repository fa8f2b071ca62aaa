import ExcelJS from 'exceljs';
import type { ComplianceRow } from '../schedule/compliance';
import { localStamp, ReportMeta } from './report-meta';
import { byName, monthLabelVi, monthSummary, STATUS_VI, unitSummary } from './report-summary';

/** The workbook's words: Vietnamese, or English on request. */
const WORDS = {
  vi: {
    sheets: ['Tuân thủ', 'Tổng hợp theo tháng', 'Theo đơn vị'],
    title: (unit: string) => `Báo cáo thực hiện quy định phát lại — ${unit}`,
    period: (from: string, to: string, at: string, zone: string) => `Từ ${from} đến ${to}; lập lúc ${at} (${zone})`,
    rows: ['Quy định', 'Đơn vị', 'Kênh', 'Kỳ', 'Từ', 'Đến', 'Số chương trình yêu cầu', 'Lượt phát mỗi chương trình', 'Chương trình đã lập lịch', 'Lượt đã lập lịch', 'Chương trình có bằng chứng', 'Lượt có bằng chứng', 'Trạng thái', 'Phút trình chiếu yêu cầu (bảng LED)', 'Phút đã lập lịch', 'Phút có bằng chứng'],
    months: ['Tháng', 'Số dòng (quy định × kênh × kỳ)', 'Đạt', 'Có nguy cơ', 'Không đạt', 'Tỷ lệ đạt', 'Số đơn vị', 'Đơn vị đạt mọi quy định', 'Tỷ lệ đơn vị đạt'],
    units: ['Đơn vị', 'Số dòng', 'Đạt', 'Tỷ lệ đạt', 'Đạt mọi quy định'],
    yes: 'Có', no: 'Không',
    month: monthLabelVi,
    status: (s: string) => STATUS_VI[s],
  },
  en: {
    sheets: ['Compliance', 'By month', 'By unit'],
    title: (unit: string) => `Rebroadcast rule compliance — ${unit}`,
    period: (from: string, to: string, at: string, zone: string) => `From ${from} to ${to}; made ${at} (${zone})`,
    rows: ['Rule', 'Unit', 'Channel', 'Period', 'From', 'To', 'Programs required', 'Airings per program', 'Programs planned', 'Airings planned', 'Programs evidenced', 'Airings evidenced', 'Status', 'Minutes of slides required (LED boards)', 'Minutes planned', 'Minutes evidenced'],
    months: ['Month', 'Rows (rule × channel × period)', 'Met', 'At risk', 'Not met', 'Share met', 'Units', 'Units meeting every rule', 'Share of units'],
    units: ['Unit', 'Rows', 'Met', 'Share met', 'Meets every rule'],
    yes: 'Yes', no: 'No',
    month: (m: string) => `${m.slice(0, 4)}-${m.slice(5, 7)}`,
    status: (s: string) => ({ ok: 'Met', at_risk: 'At risk', violated: 'Not met' })[s] ?? s,
  },
};

/** The compliance report as an Excel workbook: the rows (grouped by commune), the summary per month and per unit. */
export async function complianceXlsx(meta: ReportMeta, rows: ComplianceRow[], lang: 'vi' | 'en' = 'vi'): Promise<Buffer> {
  const w = WORDS[lang];
  const wb = new ExcelJS.Workbook();
  wb.creator = 'bcast';
  wb.created = meta.generatedAt;
  const sheet = wb.addWorksheet(w.sheets[0], { views: [{ state: 'frozen', ySplit: 4 }] });
  sheet.addRow([w.title(meta.unitName)]).font = { bold: true, size: 14 };
  sheet.addRow([w.period(meta.from, meta.to, localStamp(meta.generatedAt, meta.timeZone), meta.timeZone)]);
  sheet.addRow([]);
  sheet.addRow(w.rows).font = { bold: true };
  for (const r of rows) {
    // an LED board's row counts minutes shown, not programs and airings
    const audio = r.minutes ? [null, null, null, null, null, null] : [r.required.programs, r.required.airingsPerProgram, r.planned.programs, r.planned.airings, r.evidenced.programs, r.evidenced.airings];
    const status = (lang === 'vi' ? meta.statusLabel?.(r) : meta.statusLabelEn?.(r)) ?? w.status(r.status);
    sheet.addRow([r.ruleName, meta.unitNames.get(r.unitId) ?? '', r.channelName, r.label, r.periodStart, r.periodEnd, ...audio, status, r.minutes?.required ?? null, r.minutes?.planned ?? null, r.minutes?.evidenced ?? null]);
  }
  sheet.columns.forEach((c, i) => (c.width = i < 3 ? 32 : 14));

  const months = wb.addWorksheet(w.sheets[1]);
  months.addRow(w.months).font = { bold: true };
  for (const m of monthSummary(rows)) {
    const row = months.addRow([w.month(m.month), m.rows, m.ok, m.atRisk, m.violated, m.share, m.units, m.unitsOk, m.unitShare]);
    row.getCell(6).numFmt = '0.0%';
    row.getCell(9).numFmt = '0.0%';
  }
  months.columns.forEach((c) => (c.width = 22));

  const units = wb.addWorksheet(w.sheets[2]);
  units.addRow(w.units).font = { bold: true };
  for (const u of byName(unitSummary(rows), meta.unitNames)) {
    units.addRow([meta.unitNames.get(u.unitId) ?? u.unitId, u.rows, u.ok, u.share, u.compliant ? w.yes : w.no]).getCell(4).numFmt = '0.0%';
  }
  units.columns.forEach((c, i) => (c.width = i === 0 ? 36 : 18));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
