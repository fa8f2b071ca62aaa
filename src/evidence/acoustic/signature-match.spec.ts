import { BandEnergies, encodeWindow, FRAME_BLOCKS, frameLevels } from '../../../players/src/monitor/signature';
import { seededRandom } from '../../../test/support/seeded-random';
import { HEARD_THRESHOLD, matchWindows, Reference } from './signature-match';

const RATE = 8000;
const random = seededRandom(7);

/** Noise bursts of random length and colour: a stand-in for syllables, `seconds` long. */
function program(seconds: number): Float32Array {
  const x = new Float32Array(seconds * RATE);
  let i = 0;
  while (i < x.length) {
    const len = Math.floor((0.08 + random() * 0.3) * RATE);
    const amp = random() < 0.3 ? 0 : 0.05 + random() * 0.3;
    const hz = 300 + random() * 2500;
    for (let k = 0; k < len && i < x.length; k++, i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / RATE) * (0.5 + random());
  }
  return x;
}

function reference(x: Float32Array): Reference {
  const b = new BandEnergies(RATE);
  b.push(x);
  return new Reference(b.take());
}

/** The player's window: 8 s of what it heard from `fromMs`, reported at `offsetMs`. */
function heard(x: Float32Array, fromMs: number, offsetMs: number, noise = 0, gain = 1) {
  const part = new Float32Array(8 * RATE);
  const from = Math.round((fromMs / 1000) * RATE);
  for (let i = 0; i < part.length; i++) part[i] = gain * (x[from + i] ?? 0) + noise * (random() - 0.5);
  const b = new BandEnergies(RATE);
  b.push(part);
  return { offsetMs, sig: encodeWindow(frameLevels(b.take(), FRAME_BLOCKS)) };
}

describe('matching heard windows with the delivered file', () => {
  const x = program(60);
  const ref = reference(x);

  it('finds the program at the reported offsets, through a clock error within ±2 s, at any level', () => {
    const r = matchWindows(ref, [heard(x, 3200, 2000, 0.003, 0.1), heard(x, 27_200, 26_000, 0.003, 0.1), heard(x, 51_200, 50_000, 0.003, 0.1)]);
    expect(r.score).toBeGreaterThan(0.8);
    expect(r.lagMs).toBe(1200);
    expect(r.windows).toHaveLength(3);
  });

  it('does not find it where the player says it was not (beyond the tolerance), nor another program, nor silence', () => {
    const other = program(60);
    expect(matchWindows(ref, [heard(x, 12_000, 2000), heard(x, 36_000, 26_000), heard(x, 30_000, 50_000)]).score).toBeLessThan(HEARD_THRESHOLD);
    expect(matchWindows(ref, [heard(other, 2000, 2000), heard(other, 26_000, 26_000), heard(other, 50_000, 50_000)]).score).toBeLessThan(HEARD_THRESHOLD);
    expect(matchWindows(ref, [heard(new Float32Array(x.length), 2000, 2000)]).score).toBe(0);
  });

  it('scores nothing for windows outside the file or no windows at all', () => {
    expect(matchWindows(ref, [heard(x, 0, 400_000)]).score).toBe(0);
    expect(matchWindows(ref, []).score).toBe(0);
  });
});
