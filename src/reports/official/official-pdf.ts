import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { numberPages, table } from '../pdf-table';
import { deviceCell, OfficialReport, REPORT_STATUS_VI, ReportSection } from './official-report';

const FONTS = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf');
const MM = 72 / 25.4;
const COLORS = { met: '#1f7a3a', not_met: '#b3261e', at_risk: '#c98a00', open: '#1b1b1b', bar: '#1f7a3a', empty: '#e6e6e6', text: '#1b1b1b' };

type Doc = PDFKit.PDFDocument;

/**
 * The official report as a PDF in the Decree 30/2020 layout (A4 portrait, margins 20/15/30/20 mm, a
 * serif face with every Vietnamese glyph): the same content as the DOCX, for sending as it is.
 */
export function officialPdf(r: OfficialReport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4', bufferPages: true,
      margins: { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM },
      info: { Title: `${r.title} ${r.subtitle}`, Author: r.issuingBody, Creator: 'bcast' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', join(FONTS, 'DejaVuSerif.ttf'));
    doc.registerFont('bold', join(FONTS, 'DejaVuSerif-Bold.ttf'));
    doc.registerFont('italic', join(FONTS, 'DejaVuSerif-Italic.ttf'));
    doc.registerFont('bolditalic', join(FONTS, 'DejaVuSerif-BoldItalic.ttf'));
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;

    // the head: issuing body | national motto, number | place and date
    const top = doc.y;
    const lw = width * 0.4;
    const rw = width * 0.6;
    const block = (lines: Array<[string, string, number, boolean?]>, x: number, w: number) => {
      doc.y = top;
      for (const [text, font, size, underline] of lines) {
        doc.font(font).fontSize(size).fillColor(COLORS.text);
        const y = doc.y;
        doc.text(text, x, y, { width: w, align: 'center' });
        if (underline) {
          const tw = doc.widthOfString(text);
          doc.moveTo(x + (w - tw) / 2, doc.y).lineTo(x + (w + tw) / 2, doc.y).lineWidth(0.6).strokeColor(COLORS.text).stroke();
          doc.y += 2;
        }
      }
      return doc.y;
    };
    const leftEnd = block([[r.parentBody, 'body', 11], [r.issuingBody, 'bold', 11, true], [' ', 'body', 6], [r.number, 'body', 11]], left, lw);
    const rightEnd = block([['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'bold', 10.5], ['Độc lập - Tự do - Hạnh phúc', 'bold', 11, true], [' ', 'body', 6], [r.placeAndDate, 'italic', 11]], left + lw, rw);
    doc.x = left;
    doc.y = Math.max(leftEnd, rightEnd) + 18;

    doc.font('bold').fontSize(13).text(r.title, left, doc.y, { width, align: 'center' });
    doc.font('bold').fontSize(12).text(r.subtitle, { width, align: 'center' });
    doc.moveDown(0.3).font('body').fontSize(9).text('―――――', { width, align: 'center' });
    doc.moveDown(0.5).font('italic').fontSize(11).text(r.periodLine, left, doc.y, { width, indent: 28 });

    heading(doc, 'I. TÌNH HÌNH CHUNG', width);
    for (const p of r.summary) doc.font('body').fontSize(11).text(p, left, doc.y, { width, align: 'justify', indent: 28, paragraphGap: 4 });

    heading(doc, 'II. KẾT QUẢ THEO TỪNG QUY ĐỊNH, CHIẾN DỊCH VÀ ĐƠN VỊ', width);
    r.sections.forEach((s, i) => section(doc, s, i + 1, width));

    heading(doc, 'III. TỶ LỆ ĐƠN VỊ ĐẠT', width);
    chart(doc, r.sections, width);

    doc.moveDown(0.8);
    if (doc.y > doc.page.height - doc.page.margins.bottom - 160) doc.addPage();
    doc.font('italic').fontSize(11).text('Người lập báo cáo: ', left, doc.y, { continued: true }).font('body').text(r.preparer);
    doc.moveDown(1);
    signature(doc, r, width);
    numberPages(doc, 'body');
    doc.end();
  });
}

function heading(doc: Doc, text: string, width: number): void {
  if (doc.y > doc.page.height - doc.page.margins.bottom - 80) doc.addPage();
  doc.moveDown(0.6).font('bold').fontSize(11.5).fillColor(COLORS.text).text(text, doc.page.margins.left, doc.y, { width });
  doc.moveDown(0.2);
}

function section(doc: Doc, s: ReportSection, n: number, width: number): void {
  if (doc.y > doc.page.height - doc.page.margins.bottom - 110) doc.addPage();
  doc.font('bold').fontSize(10.5).fillColor(COLORS.text).text(`${n}. ${s.heading}`, doc.page.margins.left, doc.y, { width });
  doc.font('italic').fontSize(10).text(`Yêu cầu: ${s.requirement}.`, { width });
  doc.moveDown(0.3);
  const display = s.medium === 'display';
  const w = (x: number) => (x / 100) * width;
  table(
    doc,
    [
      { title: 'Đơn vị', width: w(17) }, { title: display ? 'Yêu cầu (phút)' : 'Yêu cầu (lượt)', width: w(9), align: 'center' }, { title: 'Đã lên lịch', width: w(8), align: 'center' },
      { title: display ? 'Thiết bị xác nhận đã chiếu' : 'Thiết bị xác nhận đã phát', width: w(9), align: 'center' }, { title: 'Người vận hành xác nhận', width: w(9), align: 'center' },
      { title: 'Không phát được', width: w(8), align: 'center' }, { title: 'Lý do không phát', width: w(16) }, { title: 'Đã phát bù', width: w(7), align: 'center' },
      { title: 'Số kỳ đạt', width: w(7), align: 'center' }, { title: 'Kết quả', width: w(10) },
    ],
    s.rows.map((c) => [
      c.commune, String(c.required), String(c.planned), display ? String(c.evidenced) : deviceCell(c), display ? '—' : String(c.byOperator), display ? '—' : String(c.missed),
      c.reasons.join('; '), display ? '—' : String(c.madeUp), `${c.periodsMet}/${c.periods}`, REPORT_STATUS_VI[c.status],
    ]),
    (cells) => ({ Đạt: COLORS.met, 'Không đạt': COLORS.not_met, 'Có nguy cơ': COLORS.at_risk })[cells[9]],
    7.5,
  );
  doc.moveDown(0.6);
}

/** Communes meeting each rule, one horizontal bar per rule or campaign. */
function chart(doc: Doc, sections: ReportSection[], width: number): void {
  const left = doc.page.margins.left;
  const labelW = width * 0.42;
  const barW = width * 0.42;
  for (const s of sections) {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 40) doc.addPage();
    const met = s.rows.filter((r) => r.status === 'met').length;
    const share = s.rows.length ? met / s.rows.length : 0;
    const y = doc.y;
    doc.font('body').fontSize(8.5).fillColor(COLORS.text).text(s.heading, left, y, { width: labelW - 6 });
    const h = Math.max(doc.y - y, 12);
    doc.rect(left + labelW, y + 1, barW, 10).fill(COLORS.empty);
    if (share > 0) doc.rect(left + labelW, y + 1, barW * share, 10).fill(COLORS.bar);
    doc.font('body').fontSize(8.5).fillColor(COLORS.text).text(`${met}/${s.rows.length} (${Math.round(share * 100)}%)`, left + labelW + barW + 6, y, { width: width - labelW - barW - 6, lineBreak: false });
    doc.x = left;
    doc.y = y + h + 4;
  }
}

function signature(doc: Doc, r: OfficialReport, width: number): void {
  const left = doc.page.margins.left;
  const top = doc.y;
  doc.font('bolditalic').fontSize(10.5).fillColor(COLORS.text).text('Nơi nhận:', left, top, { width: width / 2 });
  r.recipients.forEach((x, i) => doc.font('body').fontSize(9.5).text(`- ${x}${i === r.recipients.length - 1 ? '.' : ';'}`, { width: width / 2 - 10 }));
  const leftEnd = doc.y;
  doc.font('bold').fontSize(11).text(r.signerTitle, left + width / 2, top, { width: width / 2, align: 'center' });
  doc.font('italic').fontSize(10).text('(Ký, ghi rõ họ tên, đóng dấu)', { width: width / 2, align: 'center' });
  doc.moveDown(3.5);
  doc.font('bold').fontSize(11).text(r.signerName || ' ', { width: width / 2, align: 'center' });
  doc.x = left;
  doc.y = Math.max(leftEnd, doc.y);
}
