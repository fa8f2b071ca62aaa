/** Tables and page numbers for the PDF reports (pdfkit, fonts registered as 'body' and 'bold'). */
type Doc = PDFKit.PDFDocument;

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

/** Space kept under the last row of a page for its number. */
export const FOOTER = 22;
const GRID = '#cccccc';
const SHADE = '#f1f1ee';
const TEXT = '#1b1b1b';

/** Rows of wrapped cells; a row never splits, and the header is drawn again on every new page. */
export function table(doc: Doc, cols: Column[], rows: string[][], colorOfRow?: (cells: string[]) => string | undefined, fontSize = 8): void {
  const pad = 4;
  const left = doc.page.margins.left;
  const bottom = () => doc.page.height - doc.page.margins.bottom - FOOTER;
  const heightOf = (cells: string[], font: 'body' | 'bold') => {
    doc.font(font).fontSize(fontSize);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: cols[i].width - 2 * pad }))) + 2 * pad;
  };
  const draw = (cells: string[], font: 'body' | 'bold', h: number, fill?: string, lastColor?: string) => {
    const y = doc.y;
    const total = cols.reduce((s, c) => s + c.width, 0);
    if (fill) doc.rect(left, y, total, h).fill(fill);
    let x = left;
    cells.forEach((c, i) => {
      doc.font(font).fontSize(fontSize).fillColor(i === cells.length - 1 && lastColor ? lastColor : TEXT);
      doc.text(c, x + pad, y + pad, { width: cols[i].width - 2 * pad, align: cols[i].align ?? 'left' });
      x += cols[i].width;
    });
    doc.moveTo(left, y + h).lineTo(left + total, y + h).lineWidth(0.5).strokeColor(GRID).stroke();
    doc.x = left;
    doc.y = y + h;
  };
  const titles = cols.map((c) => c.title);
  const headerHeight = heightOf(titles, 'bold');
  const header = () => draw(titles, 'bold', headerHeight, '#e4e2dc');
  if (doc.y + headerHeight + (rows[0] ? heightOf(rows[0], 'body') : 0) > bottom()) doc.addPage();
  header();
  rows.forEach((cells, n) => {
    const h = heightOf(cells, 'body');
    if (doc.y + h > bottom()) {
      doc.addPage();
      header();
    }
    draw(cells, 'body', h, n % 2 ? SHADE : undefined, colorOfRow?.(cells));
  });
}

/** "Trang i/N" at the foot of every page (the document must be made with bufferPages). */
export function numberPages(doc: Doc, font: string): void {
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const { left, right, bottom } = doc.page.margins;
    doc.page.margins.bottom = 0; // writing in the margin must not start a new page
    doc.font(font).fontSize(8).fillColor('#555')
      .text(`Trang ${i + 1}/${range.count}`, left, doc.page.height - bottom + 8, { width: doc.page.width - left - right, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
