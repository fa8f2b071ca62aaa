import { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableBorders, TableCell, TableRow, TextRun, VerticalAlign, WidthType } from 'docx';
import { deviceCell, OfficialReport, REPORT_STATUS_VI, ReportSection } from './official-report';

/**
 * The official report as an editable Word document, laid out as Decree 30/2020/NĐ-CP asks: A4, Times
 * New Roman 13–14 pt, margins 20/15/30/20 mm; the issuing body and the national motto side by side,
 * number and symbol, place and date, the title and its summary line, the body, "Nơi nhận" and the
 * signer. The district edits it (number, signer) and signs.
 */
const FONT = 'Times New Roman';
const MM = 56.7; // twentieths of a point per millimetre
const PAGE_WIDTH = Math.round((210 - 30 - 15) * MM);

const run = (text: string, o: { bold?: boolean; italics?: boolean; size?: number; underline?: boolean; color?: string } = {}) =>
  new TextRun({ text, font: FONT, size: (o.size ?? 13) * 2, bold: o.bold, italics: o.italics, color: o.color, ...(o.underline ? { underline: {} } : {}) });
const para = (children: TextRun[], o: { align?: (typeof AlignmentType)[keyof typeof AlignmentType]; after?: number; indent?: boolean } = {}) =>
  new Paragraph({ children, alignment: o.align, spacing: { after: o.after ?? 60 }, ...(o.indent ? { indent: { firstLine: Math.round(10 * MM) } } : {}) });
const center = (text: string, o: Parameters<typeof run>[1] = {}) => para([run(text, o)], { align: AlignmentType.CENTER, after: 0 });

export async function officialDocx(r: OfficialReport): Promise<Buffer> {
  const doc = new Document({
    creator: 'bcast',
    title: `${r.title} ${r.subtitle}`,
    styles: { default: { document: { run: { font: FONT, size: 26 } } } },
    sections: [{
      properties: { page: { size: { width: Math.round(210 * MM), height: Math.round(297 * MM) }, margin: { top: Math.round(20 * MM), bottom: Math.round(20 * MM), left: Math.round(30 * MM), right: Math.round(15 * MM) } } },
      children: [
        heading(r),
        para([], { after: 120 }),
        center(r.title, { bold: true, size: 14 }),
        center(r.subtitle, { bold: true, size: 14 }),
        center('―――――', { size: 10 }),
        para([run(r.periodLine, { italics: true })], { indent: true, after: 120 }),
        para([run('I. TÌNH HÌNH CHUNG', { bold: true })]),
        ...r.summary.map((s) => para([run(s)], { indent: true, align: AlignmentType.JUSTIFIED })),
        para([run('II. KẾT QUẢ THEO TỪNG QUY ĐỊNH, CHIẾN DỊCH VÀ ĐƠN VỊ', { bold: true })], { after: 120 }),
        ...r.sections.flatMap((s, i) => section(s, i + 1)),
        para([run('III. TỶ LỆ ĐƠN VỊ ĐẠT', { bold: true })], { after: 120 }),
        chart(r.sections),
        para([], { after: 120 }),
        para([run('Người lập báo cáo: ', { italics: true }), run(r.preparer)], { after: 240 }),
        signature(r),
      ],
    }],
  });
  return Packer.toBuffer(doc);
}

/** Two borderless columns side by side, as the head and the foot of an administrative document are laid out. */
function sideBySide(left: Paragraph[], right: Paragraph[], leftPct: number): Table {
  const cell = (children: Paragraph[], pct: number) => new TableCell({ children, width: { size: pct, type: WidthType.PERCENTAGE }, borders: TableBorders.NONE });
  return new Table({
    width: { size: PAGE_WIDTH, type: WidthType.DXA },
    borders: TableBorders.NONE,
    rows: [new TableRow({ children: [cell(left, leftPct), cell(right, 100 - leftPct)] })],
  });
}

/** The head: issuing body | national motto; number | place and date. */
function heading(r: OfficialReport): Table {
  return sideBySide(
    [center(r.parentBody, { size: 13 }), center(r.issuingBody, { bold: true, size: 13 }), center('―――', { size: 10 }), center(r.number, { size: 13 })],
    [
      center('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, size: 12 }),
      center('Độc lập - Tự do - Hạnh phúc', { bold: true, size: 13, underline: true }),
      center(''),
      center(r.placeAndDate, { italics: true, size: 13 }),
    ],
    40,
  );
}

const COLUMNS = ['Đơn vị', 'Yêu cầu', 'Đã lên lịch', 'Thiết bị xác nhận đã phát', 'Người vận hành xác nhận đã phát', 'Không phát được', 'Lý do không phát', 'Đã phát bù', 'Số kỳ đạt', 'Kết quả'];
const WIDTHS = [17, 8, 8, 9, 10, 9, 15, 7, 7, 10];

function section(s: ReportSection, n: number): Array<Paragraph | Table> {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  const borders = { top: border, bottom: border, left: border, right: border };
  const cell = (text: string, i: number, header = false) =>
    new TableCell({
      children: [new Paragraph({ children: [run(text, { size: 10, bold: header })], alignment: i === 0 || i === 6 ? AlignmentType.LEFT : AlignmentType.CENTER })],
      width: { size: Math.round((WIDTHS[i] / 100) * PAGE_WIDTH), type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      borders,
      ...(header ? { shading: { fill: 'EEEEEE' } } : {}),
    });
  const display = s.medium === 'display';
  const header = COLUMNS.map((c, i) => (display && i === 1 ? 'Yêu cầu (phút)' : display && i === 3 ? 'Thiết bị xác nhận đã chiếu (phút)' : c));
  const rows = s.rows.map((r) =>
    new TableRow({
      cantSplit: true,
      children: [
        r.commune, String(r.required), String(r.planned), display ? String(r.evidenced) : deviceCell(r), display ? '—' : String(r.byOperator), display ? '—' : String(r.missed),
        r.reasons.join('; '), display ? '—' : String(r.madeUp), `${r.periodsMet}/${r.periods}`, REPORT_STATUS_VI[r.status],
      ].map((t, i) => cell(t, i)),
    }),
  );
  return [
    para([run(`${n}. ${s.heading}`, { bold: true })], { after: 0 }),
    para([run(`Yêu cầu: ${s.requirement}.`, { italics: true })], { after: 80 }),
    new Table({
      width: { size: PAGE_WIDTH, type: WidthType.DXA },
      columnWidths: WIDTHS.map((w) => Math.round((w / 100) * PAGE_WIDTH)),
      rows: [new TableRow({ tableHeader: true, children: header.map((c, i) => cell(c, i, true)) }), ...rows],
    }),
    para([], { after: 160 }),
  ];
}

/** Communes meeting each rule: a bar of shaded cells, readable in Word without a chart engine. */
function chart(sections: ReportSection[]): Table {
  const SEGMENTS = 20;
  const border = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
  const none = { top: border, bottom: border, left: border, right: border };
  return new Table({
    width: { size: PAGE_WIDTH, type: WidthType.DXA },
    borders: TableBorders.NONE,
    rows: sections.map((s) => {
      const met = s.rows.filter((r) => r.status === 'met').length;
      const share = s.rows.length ? met / s.rows.length : 0;
      const filled = Math.round(share * SEGMENTS);
      return new TableRow({
        children: [
          new TableCell({ children: [para([run(s.heading, { size: 10 })], { after: 0 })], width: { size: Math.round(PAGE_WIDTH * 0.4), type: WidthType.DXA }, borders: none }),
          ...Array.from({ length: SEGMENTS }, (_, i) => new TableCell({ children: [new Paragraph('')], width: { size: Math.round((PAGE_WIDTH * 0.45) / SEGMENTS), type: WidthType.DXA }, borders: none, shading: { fill: i < filled ? '1F7A3A' : 'E6E6E6' } })),
          new TableCell({ children: [para([run(` ${met}/${s.rows.length} (${Math.round(share * 100)}%)`, { size: 10 })], { after: 0 })], width: { size: Math.round(PAGE_WIDTH * 0.15), type: WidthType.DXA }, borders: none }),
        ],
      });
    }),
  });
}

/** "Nơi nhận" on the left, the signer on the right. */
function signature(r: OfficialReport): Table {
  return sideBySide(
    [
      para([run('Nơi nhận:', { bold: true, italics: true, size: 12 })], { after: 0 }),
      ...r.recipients.map((x, i) => para([run(`- ${x}${i === r.recipients.length - 1 ? '.' : ';'}`, { size: 11 })], { after: 0 })),
    ],
    [
      ...r.signerTitle.split('\n').map((line) => center(line, { bold: true, size: 13 })),
      center('(Ký, ghi rõ họ tên, đóng dấu)', { italics: true, size: 12 }),
      center(''), center(''), center(''),
      center(r.signerName, { bold: true, size: 13 }),
    ],
    50,
  );
}
