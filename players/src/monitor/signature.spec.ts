import { BANDS, BandEnergies, decodeWindow, encodeWindow, FRAME_BLOCKS, frameLevels, levelDb } from './signature';

/** A tone at `hz` switched on and off in a pattern: 8 s at `rate`. */
function pattern(hz: number, rate: number, on: (t: number) => boolean): Float32Array {
  const x = new Float32Array(8 * rate);
  for (let i = 0; i < x.length; i++) x[i] = on(i / rate) ? 0.3 * Math.sin((2 * Math.PI * hz * i) / rate) : 0;
  return x;
}

describe('acoustic signature (bcast-env-1)', () => {
  it('puts a tone in its band and nowhere else', () => {
    const bands = new BandEnergies(16_000);
    bands.push(pattern(1000, 16_000, () => true));
    const blocks = bands.take();
    expect(blocks.length).toBe(800 * BANDS.length); // 8 s of 10 ms blocks
    const mid = blocks.subarray(400 * BANDS.length, 401 * BANDS.length);
    const loudest = mid.indexOf(Math.max(...mid));
    expect(BANDS[loudest]).toEqual([800, 1250]);
    expect(mid[loudest] / mid[0]).toBeGreaterThan(100); // 20 dB and more above the 300–500 band
  });

  it('is the same whatever the sample rate and chunking of the capture', () => {
    const on = (t: number) => Math.floor(t * 3) % 2 === 0;
    const at = (rate: number, chunk: number) => {
      const x = pattern(700, rate, on);
      const bands = new BandEnergies(rate);
      for (let i = 0; i < x.length; i += chunk) bands.push(x.subarray(i, i + chunk));
      return decodeWindow(encodeWindow(frameLevels(bands.take(), FRAME_BLOCKS)));
    };
    const a = at(16_000, 1600);
    const b = at(8000, 333);
    expect(a.length).toBe(160 * BANDS.length);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) <= 1) same++;
    expect(same / a.length).toBeGreaterThan(0.95);
  });

  it('is small: 8 s fit in 400 bytes (under 2 KB for three windows in base64)', () => {
    const bands = new BandEnergies(16_000);
    bands.push(pattern(440, 16_000, (t) => t % 1 < 0.5));
    const sig = encodeWindow(frameLevels(bands.take(), FRAME_BLOCKS));
    expect(Buffer.from(sig, 'base64').length).toBe(400);
    expect(3 * sig.length).toBeLessThan(2048);
  });

  it('measures the level in dBFS, −120 for digital silence', () => {
    expect(levelDb(new Float32Array(100))).toBe(-120);
    expect(levelDb(new Float32Array(100).fill(0.1))).toBe(-20);
  });

  it('refuses a sample rate it cannot filter', () => {
    expect(() => new BandEnergies(4000)).toThrow(/sample rate/);
  });
});
