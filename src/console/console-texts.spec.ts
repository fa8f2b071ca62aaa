import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PUBLIC = join(__dirname, 'public');

/** The console's texts, read from i18n.js (an ES module the browser loads as it is). */
function texts(): Record<'vi' | 'en', Record<string, string>> {
  const source = readFileSync(join(PUBLIC, 'i18n.js'), 'utf8');
  const literal = source.slice(source.indexOf('export const texts = ') + 'export const texts = '.length, source.indexOf('};\n') + 1);
  return new Function(`return (${literal});`)();
}

/** Keys a page passes to t() by name, and the values it passes to t() from the API (statuses, kinds…). */
function keysUsed(): string[] {
  const files = ['app.js', 'core.js', 'recorder.js', 'charts.js', ...readdirSync(join(PUBLIC, 'views')).map((f) => join('views', f))];
  const named = files.flatMap((f) => [...readFileSync(join(PUBLIC, f), 'utf8').matchAll(/\bt\('(\w+)'\)/g)].map((m) => m[1]));
  const fromApi = ['airing', 'relay', 'slides', 'announcement', 'scheduled', 'aired', 'missed', 'cancelled', 'normal', 'priority', 'emergency', 'month', 'week', 'quarter', 'audio', 'display', 'draft', 'submitted', 'approved', 'retired', 'ok', 'at_risk', 'violated'];
  return [...new Set([...named, ...fromApi])];
}

describe('console texts', () => {
  it('has every text the pages use in Vietnamese and in English', () => {
    const { vi, en } = texts();
    const used = keysUsed();
    expect(used.length).toBeGreaterThan(100);
    expect(used.filter((k) => !vi[k])).toEqual([]);
    expect(used.filter((k) => !en[k])).toEqual([]);
    expect(vi.required).toBe('Không được để trống');
  });
});
