import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { ComplianceRow, complianceCells } from '../schedule/compliance';
import { FOOTER, numberPages, table } from './pdf-table';
import { localStamp, ReportMeta } from './report-meta';
import { byName, monthLabelVi, monthSummary, MonthSummary, STATUS_VI, unitSummary } from './report-summary';

const FONTS = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf');
const MARGIN = 36;
const COLORS = { ok: '#1f7a3a', at_risk: '#c98a00', violated: '#b3261e', grid: '#cccccc', shade: '#f1f1ee', text: '#1b1b1b' };

type Doc = PDFKit.PDFDocument;

/** The compliance report as a PDF: A4 landscape, DejaVu Sans (Vietnamese), charts per month, a table
 *  per unit and the rows; tables break across pages with their header repeated; pages numbered. */
export function compliancePdf(meta: ReportMeta, rows: ComplianceRow[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, bufferPages: true, info: { Title: `Báo cáo tuân thủ ${meta.unitName}`, Author: 'bcast' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', join(FONTS, 'DejaVuSans.ttf'));
    doc.registerFont('bold', join(FONTS, 'DejaVuSans-Bold.ttf'));
    const heading = `Báo cáo thực hiện quy định phát lại — ${meta.unitName} — từ ${meta.from} đến ${meta.to}`;
    doc.on('pageAdded', () => {
      doc.font('body').fontSize(8).fillColor('#555').text(heading, MARGIN, MARGIN - 14, { lineBreak: false });
      doc.fillColor(COLORS.text).y = MARGIN + 4;
    });

    doc.font('bold').fontSize(16).fillColor(COLORS.text).text(`Báo cáo thực hiện quy định phát lại — ${meta.unitName}`);
    doc.font('body').fontSize(10).text(`Kỳ báo cáo: từ ${meta.from} đến ${meta.to}. Lập lúc ${localStamp(meta.generatedAt, meta.timeZone)} (${meta.timeZone}).`);
    const units = byName(unitSummary(rows), meta.unitNames);
    const ok = rows.filter((r) => r.status === 'ok').length;
    doc.moveDown(0.5).font('bold').fontSize(11)
      .text(`Đơn vị đạt mọi quy định: ${units.filter((u) => u.compliant).length}/${units.length}. `, { continued: true })
      .font('body')
      .text(`Dòng đạt: ${ok}/${rows.length}; có nguy cơ: ${rows.filter((r) => r.status === 'at_risk').length}; không đạt: ${rows.filter((r) => r.status === 'violated').length}.`);
    doc.moveDown();

    const months = monthSummary(rows);
    if (months.length) {
      const top = doc.y;
      const width = (doc.page.width - 2 * MARGIN - 24) / 2;
      unitShareChart(doc, months, MARGIN, top, width);
      statusChart(doc, months, MARGIN + width + 24, top, width);
      doc.x = MARGIN;
      doc.y = top + 150;
    }

    section(doc, 'Theo đơn vị');
    table(
      doc,
      [{ title: 'Đơn vị', width: 320 }, { title: 'Số dòng', width: 80, align: 'right' }, { title: 'Đạt', width: 80, align: 'right' }, { title: 'Tỷ lệ đạt', width: 90, align: 'right' }, { title: 'Đạt mọi quy định', width: 130 }],
      units.map((u) => [meta.unitNames.get(u.unitId) ?? u.unitId, String(u.rows), String(u.ok), `${Math.round(u.share * 100)}%`, u.compliant ? 'Có' : 'Không']),
    );
    doc.moveDown();
    section(doc, 'Chi tiết theo quy định, kênh và kỳ');
    table(
      doc,
      [
        { title: 'Quy định', width: 230 }, { title: 'Đơn vị', width: 100 }, { title: 'Kênh', width: 120 }, { title: 'Kỳ', width: 70 },
        { title: 'Yêu cầu', width: 55, align: 'center' }, { title: 'Đã lập lịch', width: 65, align: 'center' }, { title: 'Bằng chứng', width: 65, align: 'center' }, { title: 'Trạng thái', width: 65 },
      ],
      rows.map((r) => [r.ruleName, meta.unitNames.get(r.unitId) ?? '', r.channelName, r.label, complianceCells(r).required, complianceCells(r).planned, complianceCells(r).evidenced, (meta.statusLabel?.(r) ?? STATUS_VI[r.status])]),
      (cells) => ({ Đạt: COLORS.ok, 'Có nguy cơ': COLORS.at_risk, 'Không đạt': COLORS.violated })[cells[7]],
    );
    if (!rows.length) doc.font('body').fontSize(10).text('Không có quy định nào áp dụng cho đơn vị trong kỳ này.');

    numberPages(doc, 'body');
    doc.end();
  });
}

function section(doc: Doc, title: string): void {
  if (doc.y > doc.page.height - MARGIN - FOOTER - 60) doc.addPage();
  doc.font('bold').fontSize(11).fillColor(COLORS.text).text(title, MARGIN, doc.y);
  doc.moveDown(0.3);
}

function axes(doc: Doc, title: string, x: number, y: number, width: number, plotH: number, labels: string[]): void {
  doc.font('bold').fontSize(10).fillColor(COLORS.text).text(title, x, y, { width, lineBreak: false });
  for (const p of [0, 0.5, 1]) {
    const gy = y + 18 + plotH * (1 - p);
    doc.moveTo(x + 28, gy).lineTo(x + width, gy).lineWidth(0.5).strokeColor(COLORS.grid).stroke();
    doc.font('body').fontSize(7).fillColor('#555').text(`${p * 100}%`, x, gy - 4, { width: 24, align: 'right', lineBreak: false });
  }
  const slot = (width - 32) / Math.max(1, labels.length);
  labels.forEach((l, i) => doc.font('body').fontSize(7).fillColor('#555').text(l, x + 32 + i * slot, y + 20 + plotH, { width: slot, align: 'center', lineBreak: false }));
}

/** Share of units meeting every rule, one bar per month, with "met/total" on top. */
function unitShareChart(doc: Doc, months: MonthSummary[], x: number, y: number, width: number): void {
  const plotH = 100;
  axes(doc, 'Tỷ lệ đơn vị đạt mọi quy định theo tháng', x, y, width, plotH, months.map((m) => monthLabelVi(m.month).replace('Tháng ', 'T')));
  const slot = (width - 32) / months.length;
  const barW = Math.min(36, slot * 0.6);
  months.forEach((m, i) => {
    const h = plotH * m.unitShare;
    const bx = x + 32 + i * slot + (slot - barW) / 2;
    if (h > 0) doc.rect(bx, y + 18 + plotH - h, barW, h).fill(COLORS.ok);
    doc.font('body').fontSize(7).fillColor(COLORS.text).text(`${m.unitsOk}/${m.units}`, bx - 10, y + 8 + plotH - h, { width: barW + 20, align: 'center', lineBreak: false });
  });
}

/** Rows per month stacked by status (met / at risk / not met), as shares of the month's rows. */
function statusChart(doc: Doc, months: MonthSummary[], x: number, y: number, width: number): void {
  const plotH = 100;
  axes(doc, 'Kết quả theo tháng (đạt / có nguy cơ / không đạt)', x, y, width, plotH, months.map((m) => monthLabelVi(m.month).replace('Tháng ', 'T')));
  const slot = (width - 32) / months.length;
  const barW = Math.min(36, slot * 0.6);
  months.forEach((m, i) => {
    const bx = x + 32 + i * slot + (slot - barW) / 2;
    let top = y + 18 + plotH;
    for (const [n, color] of [[m.ok, COLORS.ok], [m.atRisk, COLORS.at_risk], [m.violated, COLORS.violated]] as const) {
      const h = m.rows ? (plotH * n) / m.rows : 0;
      if (h > 0) doc.rect(bx, top - h, barW, h).fill(color);
      top -= h;
    }
  });
}
