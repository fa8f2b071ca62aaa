import pdfParse from 'pdf-parse/lib/pdf-parse.js';

/** Text of each page, read back from the PDF bytes by pdf.js. */
export async function pagesOf(pdf: Buffer): Promise<string[]> {
  const pages: string[] = [];
  await pdfParse(pdf, {
    pagerender: async (page: { getTextContent(): Promise<{ items: Array<{ str: string }> }> }) => {
      const text = (await page.getTextContent()).items.map((i) => i.str).join(' ');
      pages.push(text);
      return text;
    },
  });
  return pages;
}
