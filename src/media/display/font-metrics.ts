import { openSync, type Font } from 'fontkit';
import type { TextMeasure } from './slide-layout';

/** The fonts text slides are drawn with (shipped by npm: no system fonts needed). */
export const SLIDE_FONTS = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};

/**
 * Text widths measured from the very font files ffmpeg's drawtext draws with (glyph advances and
 * kerning), so a layout that fits here fits on the board. Widths scale with the size: each text is
 * measured once per font.
 */
export class SlideFontMetrics implements TextMeasure {
  private fonts: { regular: Font; bold: Font } | null = null;
  private readonly cache = new Map<string, number>();

  width(text: string, fontSize: number, bold: boolean): number {
    this.fonts ??= { regular: openSync(SLIDE_FONTS.regular), bold: openSync(SLIDE_FONTS.bold) };
    const key = `${bold ? 'b' : 'r'}${text}`;
    let em = this.cache.get(key);
    if (em === undefined) {
      const font = bold ? this.fonts.bold : this.fonts.regular;
      em = font.layout(text).advanceWidth / font.unitsPerEm;
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(key, em);
    }
    return em * fontSize;
  }
}

export const slideFontMetrics = new SlideFontMetrics();
