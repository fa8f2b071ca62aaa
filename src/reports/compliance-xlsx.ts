import ExcelJS from 'exceljs';
import type { ComplianceRow } from '../schedule/compliance';
import { localStamp, ReportMeta } from './report-meta';
import { byName, monthLabelVi, monthSummary, STATUS_VI, unitSummary } from './report-summary';

/** The compliance report as an Excel workbook: the rows, the summary per month and per unit. */
export async function complianceXlsx(meta: ReportMeta, rows: ComplianceRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'bcast';
  wb.created = meta.generatedAt;
  const sheet = wb.addWorksheet('Tuân thủ', { views: [{ state: 'frozen', ySplit: 4 }] });
  sheet.addRow([`Báo cáo thực hiện quy định phát lại — ${meta.unitName}`]).font = { bold: true, size: 14 };
  sheet.addRow([`Từ ${meta.from} đến ${meta.to}; lập lúc ${localStamp(meta.generatedAt, meta.timeZone)} (${meta.timeZone})`]);
  sheet.addRow([]);
  const header = sheet.addRow(['Quy định', 'Đơn vị', 'Kênh', 'Kỳ', 'Từ', 'Đến', 'Số chương trình yêu cầu', 'Lượt phát mỗi chương trình', 'Chương trình đã lập lịch', 'Lượt đã lập lịch', 'Chương trình có bằng chứng', 'Lượt có bằng chứng', 'Trạng thái', 'Phút trình chiếu yêu cầu (bảng LED)', 'Phút đã lập lịch', 'Phút có bằng chứng']);
  header.font = { bold: true };
  for (const r of rows) {
    // an LED board's row counts minutes shown, not programs and airings
    const audio = r.minutes ? [null, null, null, null, null, null] : [r.required.programs, r.required.airingsPerProgram, r.planned.programs, r.planned.airings, r.evidenced.programs, r.evidenced.airings];
    sheet.addRow([r.ruleName, meta.unitNames.get(r.unitId) ?? '', r.channelName, r.label, r.periodStart, r.periodEnd, ...audio, meta.statusLabel?.(r) ?? STATUS_VI[r.status], r.minutes?.required ?? null, r.minutes?.planned ?? null, r.minutes?.evidenced ?? null]);
  }
  sheet.columns.forEach((c, i) => (c.width = i < 3 ? 32 : 14));

  const months = wb.addWorksheet('Tổng hợp theo tháng');
  months.addRow(['Tháng', 'Số dòng (quy định × kênh × kỳ)', 'Đạt', 'Có nguy cơ', 'Không đạt', 'Tỷ lệ đạt', 'Số đơn vị', 'Đơn vị đạt mọi quy định', 'Tỷ lệ đơn vị đạt']).font = { bold: true };
  for (const m of monthSummary(rows)) {
    const row = months.addRow([monthLabelVi(m.month), m.rows, m.ok, m.atRisk, m.violated, m.share, m.units, m.unitsOk, m.unitShare]);
    row.getCell(6).numFmt = '0.0%';
    row.getCell(9).numFmt = '0.0%';
  }
  months.columns.forEach((c) => (c.width = 22));

  const units = wb.addWorksheet('Theo đơn vị');
  units.addRow(['Đơn vị', 'Số dòng', 'Đạt', 'Tỷ lệ đạt', 'Đạt mọi quy định']).font = { bold: true };
  for (const u of byName(unitSummary(rows), meta.unitNames)) {
    units.addRow([meta.unitNames.get(u.unitId) ?? u.unitId, u.rows, u.ok, u.share, u.compliant ? 'Có' : 'Không']).getCell(4).numFmt = '0.0%';
  }
  units.columns.forEach((c, i) => (c.width = i === 0 ? 36 : 18));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
