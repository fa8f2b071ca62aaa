import { BANDS, BLOCK_MS, decodeWindow, FRAME_BLOCKS, frameLevels } from '../../../players/src/monitor/signature';

/**
 * The service's side of acoustic verification (pure): the delivered file's band levels every 10 ms
 * (its reference, computed once per media file), and the comparison of a player's windows with it.
 */

/** A window as a player reports it: where in the file it began by the player's reckoning. */
export interface HeardWindow {
  offsetMs: number;
  sig: string;
}

export interface MatchResult {
  /** Mean over the windows of the correlation at the best common lag, −1…1. */
  score: number;
  /** The lag found: audio latency plus the device clock's error (positive: heard later than reckoned). */
  lagMs: number;
  /** Each window's correlation at that lag. */
  windows: number[];
}

/** The rate the delivered file is decoded at for its reference (the bands end at 3.4 kHz). */
export const REFERENCE_RATE = 8000;

/** How far from the reported offsets to search: the device clock and the audio path's latency. */
export const TOLERANCE_MS = 2000;
/**
 * At or above this score an airing is verified. Chosen on bench/acoustic-eval.ts (see its table in
 * the README): no negative of the evaluation reached 0.3; speech at SNR 5 dB mostly scores above.
 */
export const HEARD_THRESHOLD = 0.4;
/** Below this level (dBFS) in every window the monitor heard silence, not a room. */
export const SILENCE_DB = -60;

const NB = BANDS.length;
/** How far below a band's median a reference level may go: a capture never goes below its room. */
const FLOOR_DB = 30;

/**
 * A file's reference: band levels of frames starting every block (10 ms), floored per band, and
 * per residue class (frames FRAME_BLOCKS apart) prefix sums of levels and squares, so that a
 * window's mean and variance at any lag cost nothing.
 */
export class Reference {
  readonly frames: number;
  /** Band-major: levels[b * frames + f]. */
  private readonly levels: Float32Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;

  constructor(blocks: Float64Array) {
    const interleaved = frameLevels(blocks, 1);
    const frames = (this.frames = interleaved.length / NB);
    const levels = new Float32Array(interleaved.length);
    for (let b = 0; b < NB; b++) {
      for (let f = 0; f < frames; f++) levels[b * frames + f] = interleaved[f * NB + b];
      const band = levels.slice(b * frames, (b + 1) * frames).sort();
      const floor = (band[band.length >> 1] ?? 0) - FLOOR_DB;
      for (let f = 0; f < frames; f++) if (levels[b * frames + f] < floor) levels[b * frames + f] = floor;
    }
    this.levels = levels;
    // sum[i] = Σ levels of frames i, i−5, i−10, … of the same band (the frames a window at one lag uses)
    this.sum = new Float64Array(levels.length);
    this.sumSq = new Float64Array(levels.length);
    for (let b = 0; b < NB; b++) {
      for (let f = 0; f < frames; f++) {
        const i = b * frames + f;
        const prev = f >= FRAME_BLOCKS ? i - FRAME_BLOCKS : -1;
        this.sum[i] = levels[i] + (prev >= 0 ? this.sum[prev] : 0);
        this.sumSq[i] = levels[i] * levels[i] + (prev >= 0 ? this.sumSq[prev] : 0);
      }
    }
  }

  /** Bytes held (for the cache's bound). */
  get bytes(): number {
    return this.levels.byteLength + this.sum.byteLength * 2;
  }

  /**
   * Pearson correlation of a window's values (band-major, `dFrames` per band) with the reference
   * frames start, start+5, … — over the frames inside the file; 0 when fewer than half are.
   */
  correlate(d: Float32Array, dFrames: number, start: number): number {
    const frames = this.frames;
    const first = start < 0 ? Math.ceil(-start / FRAME_BLOCKS) : 0;
    const last = Math.min(dFrames - 1, Math.floor((frames - 1 - start) / FRAME_BLOCKS));
    const k = last - first + 1;
    if (k < dFrames / 2) return 0;
    const r0 = start + first * FRAME_BLOCKS;
    const r1 = start + last * FRAME_BLOCKS;
    const levels = this.levels;
    let num = 0;
    let dd = 0;
    let rr = 0;
    for (let b = 0; b < NB; b++) {
      const base = b * frames;
      const dBase = b * dFrames;
      let sd = 0;
      let sdd = 0;
      let sdr = 0;
      for (let f = first, r = base + r0; f <= last; f++, r += FRAME_BLOCKS) {
        const x = d[dBase + f];
        sd += x;
        sdd += x * x;
        sdr += x * levels[r];
      }
      const before = r0 - FRAME_BLOCKS;
      const sr = this.sum[base + r1] - (before >= 0 ? this.sum[base + before] : 0);
      const srr = this.sumSq[base + r1] - (before >= 0 ? this.sumSq[base + before] : 0);
      num += sdr - (sd * sr) / k;
      dd += sdd - (sd * sd) / k;
      rr += srr - (sr * sr) / k;
    }
    return dd > 1e-9 && rr > 1e-9 ? num / Math.sqrt(dd * rr) : 0;
  }
}

/**
 * Compares a player's windows with the reference: one lag for all windows (the latency and clock
 * error are the same within an airing), searched within ±TOLERANCE_MS in steps of 40 ms, then
 * refined to 10 ms around the best.
 */
export function matchWindows(ref: Reference, windows: HeardWindow[], toleranceMs = TOLERANCE_MS): MatchResult {
  const decoded = windows.map((w) => {
    const values = decodeWindow(w.sig);
    const frames = values.length / NB;
    const d = new Float32Array(values.length); // band-major, as the reference
    for (let f = 0; f < frames; f++) for (let b = 0; b < NB; b++) d[b * frames + f] = values[f * NB + b];
    return { d, frames, start: Math.round(w.offsetMs / BLOCK_MS) };
  });
  if (!decoded.length) return { score: 0, lagMs: 0, windows: [] };
  const at = (lag: number) => {
    let s = 0;
    for (const w of decoded) s += ref.correlate(w.d, w.frames, w.start + lag);
    return s / decoded.length;
  };
  const span = Math.round(toleranceMs / BLOCK_MS);
  // a frame is 50 ms: a step of 40 ms cannot step over a peak, which is then refined to 10 ms
  let best = { lag: 0, score: -Infinity };
  for (let lag = -span; lag <= span; lag += 4) {
    const s = at(lag);
    if (s > best.score) best = { lag, score: s };
  }
  const coarse = best.lag;
  for (const lag of [coarse - 2, coarse - 1, coarse + 1, coarse + 2]) {
    const s = at(lag);
    if (s > best.score) best = { lag, score: s };
  }
  const perWindow = decoded.map((w) => ref.correlate(w.d, w.frames, w.start + best.lag));
  return { score: round3(best.score), lagMs: best.lag * BLOCK_MS, windows: perWindow.map(round3) };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
