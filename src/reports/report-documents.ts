import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { join } from 'node:path';
import type { ComplianceRow } from '../schedule/compliance';

export const STATUS_VI: Record<string, string> = { ok: 'Đạt', at_risk: 'Có nguy cơ', violated: 'Không đạt' };

/** Per month of the report: how many channel × rule rows are met, and the share. */
export interface MonthSummary {
  month: string;
  rows: number;
  ok: number;
  share: number;
}

export function monthSummary(rows: ComplianceRow[]): MonthSummary[] {
  const by = new Map<string, { rows: number; ok: number }>();
  for (const r of rows) {
    const m = r.periodStart.slice(0, 7);
    const s = by.get(m) ?? { rows: 0, ok: 0 };
    s.rows++;
    if (r.status === 'ok') s.ok++;
    by.set(m, s);
  }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([month, s]) => ({ month, ...s, share: s.rows ? s.ok / s.rows : 0 }));
}

export interface ReportMeta {
  unitName: string;
  from: string;
  to: string;
  generatedAt: Date;
}

/** The compliance report as an Excel workbook: the rows, and the monthly summary. */
export async function complianceXlsx(meta: ReportMeta, rows: ComplianceRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'bcast';
  wb.created = meta.generatedAt;
  const sheet = wb.addWorksheet('Tuân thủ');
  sheet.addRow([`Báo cáo thực hiện quy định phát lại — ${meta.unitName}`]).font = { bold: true, size: 14 };
  sheet.addRow([`Từ ${meta.from} đến ${meta.to}; lập lúc ${meta.generatedAt.toISOString()}`]);
  sheet.addRow([]);
  const header = sheet.addRow(['Quy định', 'Kênh', 'Kỳ', 'Từ', 'Đến', 'Số chương trình yêu cầu', 'Lượt phát mỗi chương trình', 'Chương trình đã lập lịch', 'Lượt đã lập lịch', 'Chương trình có bằng chứng', 'Lượt có bằng chứng', 'Trạng thái']);
  header.font = { bold: true };
  for (const r of rows) {
    sheet.addRow([r.ruleName, r.channelName, r.label, r.periodStart, r.periodEnd, r.required.programs, r.required.airingsPerProgram, r.planned.programs, r.planned.airings, r.evidenced.programs, r.evidenced.airings, STATUS_VI[r.status]]);
  }
  sheet.columns.forEach((c, i) => (c.width = i < 2 ? 36 : 16));
  const summary = wb.addWorksheet('Tổng hợp theo tháng');
  summary.addRow(['Tháng', 'Số dòng (quy định × kênh × kỳ)', 'Đạt', 'Tỷ lệ đạt']).font = { bold: true };
  for (const m of monthSummary(rows)) {
    const row = summary.addRow([m.month, m.rows, m.ok, m.share]);
    row.getCell(4).numFmt = '0.0%';
  }
  summary.columns.forEach((c) => (c.width = 28));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const FONT = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf', 'DejaVuSans.ttf');
const FONT_BOLD = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf', 'DejaVuSans-Bold.ttf');

/** The compliance report as a PDF (A4 landscape, DejaVu Sans for Vietnamese), with a bar per month. */
export function compliancePdf(meta: ReportMeta, rows: ComplianceRow[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: `Báo cáo tuân thủ ${meta.unitName}`, Author: 'bcast' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', FONT);
    doc.registerFont('bold', FONT_BOLD);
    doc.font('bold').fontSize(16).text(`Báo cáo thực hiện quy định phát lại — ${meta.unitName}`);
    doc.font('body').fontSize(10).text(`Từ ${meta.from} đến ${meta.to}. Lập lúc ${meta.generatedAt.toISOString()}.`);
    doc.moveDown();
    // bars: share of rows met per month
    const months = monthSummary(rows);
    const chartTop = doc.y;
    const barW = Math.min(40, 700 / Math.max(1, months.length));
    doc.font('bold').fontSize(11).text('Tỷ lệ đạt theo tháng', 36, chartTop);
    months.forEach((m, i) => {
      const h = 80 * m.share;
      const x = 40 + i * (barW + 8);
      doc.rect(x, chartTop + 100 - h, barW, h).fill('#1f7a3a');
      doc.fillColor('#000').font('body').fontSize(7).text(`${Math.round(m.share * 100)}%`, x, chartTop + 102, { width: barW, align: 'center' });
      doc.text(m.month.slice(2), x, chartTop + 112, { width: barW, align: 'center' });
    });
    doc.y = chartTop + 130;
    const cols = [['Quy định', 190], ['Kênh', 150], ['Kỳ', 90], ['Yêu cầu', 60], ['Lập lịch', 70], ['Bằng chứng', 80], ['Trạng thái', 70]] as const;
    const line = (cells: string[], font: 'body' | 'bold') => {
      if (doc.y > 540) doc.addPage();
      let x = 36;
      const y = doc.y;
      doc.font(font).fontSize(8);
      cells.forEach((c, i) => {
        doc.text(c, x, y, { width: cols[i][1] - 6, lineBreak: false, ellipsis: true });
        x += cols[i][1];
      });
      doc.y = y + 13;
    };
    line(cols.map((c) => c[0]), 'bold');
    for (const r of rows) {
      line([r.ruleName, r.channelName, r.label, `${r.required.programs} × ${r.required.airingsPerProgram}`, `${r.planned.programs} / ${r.planned.airings}`, `${r.evidenced.programs} / ${r.evidenced.airings}`, STATUS_VI[r.status]], 'body');
    }
    doc.end();
  });
}

/** A CSV cell: quoted when needed; UTF-8 with a BOM so Excel reads Vietnamese. */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
