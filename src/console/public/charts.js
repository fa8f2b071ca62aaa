// Bar charts as inline SVG: no library, readable on a phone, printable.
import { esc } from './core.js';

/**
 * bars: [{ label, text, segments: [{ share (0..1), kind ('ok' | 'at_risk' | 'violated') }] }]
 * Each bar stacks its segments from the bottom; `text` is written above it.
 */
export function barChart(id, title, bars) {
  const plot = 120;
  const slot = 64;
  const left = 36;
  const width = Math.max(320, left + bars.length * slot + 8);
  const top = 16;
  const grid = [0, 0.5, 1]
    .map((p) => {
      const y = top + plot * (1 - p);
      return `<line x1="${left}" x2="${width}" y1="${y}" y2="${y}" class="grid"/><text x="${left - 4}" y="${y + 4}" text-anchor="end" class="axis">${p * 100}%</text>`;
    })
    .join('');
  const drawn = bars
    .map((b, i) => {
      const x = left + i * slot + 12;
      let y = top + plot;
      const segs = b.segments
        .filter((s) => s.share > 0)
        .map((s) => {
          const h = Math.max(1, plot * s.share);
          y -= h;
          return `<rect class="bar seg-${s.kind}" x="${x}" y="${y}" width="40" height="${h}"><title>${esc(b.label)}: ${Math.round(s.share * 100)}%</title></rect>`;
        })
        .join('');
      const label = b.label.length > 11 ? `${b.label.slice(0, 10)}…` : b.label;
      return `<g class="column" data-label="${esc(b.label)}">${segs || `<rect class="bar seg-none" x="${x}" y="${top + plot - 1}" width="40" height="1"/>`}
        <text x="${x + 20}" y="${y - 4}" text-anchor="middle" class="value">${esc(b.text)}</text>
        <text x="${x + 20}" y="${top + plot + 14}" text-anchor="middle" class="axis">${esc(label)}<title>${esc(b.label)}</title></text></g>`;
    })
    .join('');
  return `<figure class="chart" id="${id}"><figcaption>${esc(title)}</figcaption>
    <svg viewBox="0 0 ${width} ${top + plot + 24}" width="${width}" role="img" aria-label="${esc(title)}">${grid}${drawn}</svg></figure>`;
}
