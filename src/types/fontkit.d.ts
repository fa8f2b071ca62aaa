/** The part of fontkit (shipped with pdfkit) the slide layout uses: advance widths with kerning. */
declare module 'fontkit' {
  export interface Font {
    unitsPerEm: number;
    layout(text: string): { advanceWidth: number };
  }
  export function openSync(path: string): Font;
}
