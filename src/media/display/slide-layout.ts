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
  titleBand: { y: number; height: number; fontSize: number; lines: string[] };
  body: { y: number; fontSize: number; lineHeight: number; lines: string[] };
  tickerBand: { y: number; height: number; fontSize: number } | null;
}

/** Average advance of a DejaVu Sans glyph, as a fraction of the font size. */
const GLYPH_WIDTH = 0.58;

/** Greedy word wrap to `maxChars` per line; words longer than a line are split. */
export function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (let word of paragraph.split(/\s+/).filter(Boolean)) {
      while (word.length > maxChars) {
        if (line) lines.push(line), (line = '');
        lines.push(word.slice(0, maxChars));
        word = word.slice(maxChars);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= maxChars) line += ` ${word}`;
      else lines.push(line), (line = word);
    }
    lines.push(line);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Lays the slide out: the title band takes about a fifth of the height, the ticker band (when
 * there is a ticker) about an eighth, and the body the largest font that lets its text fit.
 */
export function layoutSlide(spec: SlideSpec): SlideLayout {
  const { width: w, height: h } = spec;
  const pad = Math.max(2, Math.round(w * 0.02));
  const titleHeight = spec.title ? Math.max(10, Math.round(h * 0.2)) : 0;
  const tickerHeight = spec.ticker ? Math.max(8, Math.round(h * 0.125)) : 0;
  const titleFont = Math.max(8, Math.floor(titleHeight * 0.6));
  const titleChars = Math.max(4, Math.floor((w - 2 * pad) / (titleFont * GLYPH_WIDTH)));
  const titleLines = spec.title ? wrap(spec.title, titleChars).slice(0, 1) : [];

  const bodyTop = titleHeight + pad;
  const bodyHeight = h - titleHeight - tickerHeight - 2 * pad;
  let fontSize = Math.max(8, Math.floor(bodyHeight / 2));
  let lines = wrap(spec.body, Math.max(4, Math.floor((w - 2 * pad) / (fontSize * GLYPH_WIDTH))));
  while (fontSize > 8) {
    lines = wrap(spec.body, Math.max(4, Math.floor((w - 2 * pad) / (fontSize * GLYPH_WIDTH))));
    if (lines.length * Math.round(fontSize * 1.25) <= bodyHeight) break;
    fontSize -= 1;
  }
  const lineHeight = Math.round(fontSize * 1.25);
  const fitting = Math.max(1, Math.floor(bodyHeight / lineHeight));
  if (lines.length > fitting) lines = [...lines.slice(0, fitting - 1), `${lines[fitting - 1].slice(0, -1)}…`];

  return {
    titleBand: { y: 0, height: titleHeight, fontSize: titleFont, lines: titleLines },
    body: { y: bodyTop, fontSize, lineHeight, lines },
    tickerBand: spec.ticker ? { y: h - tickerHeight, height: tickerHeight, fontSize: Math.max(8, Math.floor(tickerHeight * 0.7)) } : null,
  };
}
