/** A text page for an LED board: a title band, wrapped body text, and room for a scrolling ticker
 *  that the player animates. */
export interface SlideSpec {
  title: string;
  body: string;
  ticker?: string;
  width: number;
  height: number;
  /** #rrggbb */
  background: string;
  titleBackground: string;
  titleColor: string;
  textColor: string;
}

export interface SlideLayout {
  pad: number;
  titleBand: { y: number; height: number; fontSize: number; lineHeight: number; top: number; lines: string[] };
  body: { y: number; fontSize: number; lineHeight: number; lines: string[] };
  tickerBand: { y: number; height: number; fontSize: number } | null;
}

/** Widths of text as the renderer draws it (DejaVu Sans, with kerning), in pixels. */
export interface TextMeasure {
  width(text: string, fontSize: number, bold: boolean): number;
}

/** The smallest text a board shows legibly, in pixels (a 128×64 board's body is about this). */
export const MIN_FONT_PX = 8;
/** Line height as a multiple of the font size: room for Vietnamese stacked diacritics (Ệ, Ỗ). */
const LINE = 1.3;

/** Thrown when the text cannot fit the board even at the smallest legible size. */
export class SlideTooLong extends Error {
  constructor(readonly field: 'heading' | 'body', readonly boardSize: string) {
    super(`${field} does not fit a ${boardSize} board`);
  }
}

/**
 * Greedy word wrap by measured width; a word wider than a line is split by characters (a long
 * address), which `allowSplit` permits only at the smallest size. Returns null if it cannot wrap.
 */
export function wrapToWidth(text: string, maxWidth: number, measure: (s: string) => number, allowSplit: boolean): string[] | null {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (let word of paragraph.split(/\s+/).filter(Boolean)) {
      if (measure(word) > maxWidth) {
        if (!allowSplit) return null;
        if (line) lines.push(line), (line = '');
        while (measure(word) > maxWidth) {
          let n = word.length - 1;
          while (n > 1 && measure(word.slice(0, n)) > maxWidth) n--;
          lines.push(word.slice(0, n));
          word = word.slice(n);
        }
      }
      const candidate = line ? `${line} ${word}` : word;
      if (measure(candidate) <= maxWidth) line = candidate;
      else lines.push(line), (line = word);
    }
    lines.push(line);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Lays the slide out so that no text is cut: the title (one line, or two if it must) in a band at
 * the top at the largest size that fits the width, the ticker band at the bottom, and the body at
 * the largest size whose wrapped lines fit what is left. Text that cannot fit at MIN_FONT_PX is
 * refused (SlideTooLong) rather than cut.
 */
export function layoutSlide(spec: SlideSpec, measure: TextMeasure): SlideLayout {
  const { width: w, height: h } = spec;
  const size = `${w}×${h}`;
  const pad = Math.max(2, Math.round(Math.min(w, h) * 0.04));
  // a safety margin for the renderer's rounding and hinting
  const usable = (w - 2 * pad) * 0.97;

  const tickerHeight = spec.ticker ? Math.max(MIN_FONT_PX + 2, Math.round(h * 0.125)) : 0;
  let title: SlideLayout['titleBand'] = { y: 0, height: 0, fontSize: 0, lineHeight: 0, top: 0, lines: [] };
  if (spec.title.trim()) {
    const band = Math.max(MIN_FONT_PX + 4, Math.round(h * 0.2));
    const fit = (lines: number, maxBand: number) => {
      for (let f = Math.floor(maxBand / (lines * LINE)); f >= MIN_FONT_PX; f--) {
        const wrapped = wrapToWidth(spec.title, usable, (s) => measure.width(s, f, true), false);
        if (wrapped && wrapped.length <= lines) return { f, wrapped };
      }
      return null;
    };
    // one line in the usual band; else two lines in a band of up to a third of the board
    const one = fit(1, band);
    const two = one ? null : fit(2, Math.round(h * 0.34));
    const chosen = one ?? two;
    if (!chosen) throw new SlideTooLong('heading', size);
    const lineHeight = Math.round(chosen.f * LINE);
    const height = Math.max(band, chosen.wrapped.length * lineHeight + 2);
    title = { y: 0, height, fontSize: chosen.f, lineHeight, top: Math.round((height - chosen.wrapped.length * lineHeight) / 2), lines: chosen.wrapped };
  }

  const bodyTop = title.height + pad;
  const bodyHeight = h - title.height - tickerHeight - 2 * pad;
  let body: SlideLayout['body'] | null = null;
  if (!spec.body.trim()) body = { y: bodyTop, fontSize: MIN_FONT_PX, lineHeight: Math.round(MIN_FONT_PX * LINE), lines: [] };
  for (let f = Math.floor(bodyHeight / LINE); !body && f >= MIN_FONT_PX; f--) {
    const lineHeight = Math.round(f * LINE);
    const lines = wrapToWidth(spec.body, usable, (s) => measure.width(s, f, false), f === MIN_FONT_PX);
    if (lines && lines.length * lineHeight <= bodyHeight) body = { y: bodyTop, fontSize: f, lineHeight, lines };
  }
  if (!body) throw new SlideTooLong('body', size);

  return {
    pad,
    titleBand: title,
    body,
    tickerBand: spec.ticker ? { y: h - tickerHeight, height: tickerHeight, fontSize: Math.max(MIN_FONT_PX, Math.floor(tickerHeight * 0.7)) } : null,
  };
}
