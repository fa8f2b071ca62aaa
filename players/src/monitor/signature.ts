/**
 * The acoustic signature of bcast/v1 (`bcast-env-1`, docs/protocol.md "Acoustic monitoring"): what a
 * player computes from a few seconds heard by its monitor input, and what the service computes from
 * the delivered file to compare. The same code runs on both sides, so they cannot drift apart.
 *
 * It is the loudness envelope of five bands inside the telephone band (300–3400 Hz): a cheap
 * microphone, a horn and a room change the spectrum's tilt and the level, which a per-band mean
 * removes, and keep the rhythm of syllables and notes, which is what is compared. No recording
 * can be rebuilt from it: 20 numbers a second of 4 bits each.
 */

/** Band edges in Hz (log-spaced, inside what a horn and a cheap microphone both pass). */
export const BANDS: ReadonlyArray<readonly [number, number]> = [
  [300, 500],
  [500, 800],
  [800, 1250],
  [1250, 2000],
  [2000, 3400],
];
export const ALGORITHM = 'bcast-env-1';
/** Energies are summed per block of 10 ms; a frame of the signature is FRAME_BLOCKS blocks. */
export const BLOCK_MS = 10;
export const FRAME_BLOCKS = 5;
export const FRAME_MS = BLOCK_MS * FRAME_BLOCKS;
/** Quantisation step of the per-band log energy, dB, and the number of levels (4 bits). */
const STEP_DB = 3;
const LEVELS = 16;

/** A second-order section (RBJ band-pass, constant 0 dB peak gain). */
interface Biquad {
  b0: number;
  b2: number;
  a1: number;
  a2: number;
}

function bandPass(sampleRate: number, low: number, high: number): Biquad {
  const f0 = Math.sqrt(low * high);
  const q = f0 / (high - low);
  const w = (2 * Math.PI * f0) / sampleRate;
  const alpha = Math.sin(w) / (2 * q);
  const a0 = 1 + alpha;
  return { b0: alpha / a0, b2: -alpha / a0, a1: (-2 * Math.cos(w)) / a0, a2: (1 - alpha) / a0 };
}

/**
 * Band energies per 10 ms block of a mono PCM stream, fed in chunks of any size: each band is two
 * cascaded band-pass sections (4th order). A few multiplications per sample and band: a Raspberry
 * Pi does it with a fraction of a per cent of one core.
 */
export class BandEnergies {
  private readonly sections: Biquad[];
  /** Per band and section: x1, x2, y1, y2. */
  private readonly state: Float64Array;
  private readonly acc = new Float64Array(BANDS.length);
  private readonly blockSamples: number;
  private inBlock = 0;
  /** Completed blocks: BANDS.length energies each, in order. */
  private out: number[] = [];

  constructor(readonly sampleRate: number) {
    if (!(sampleRate >= 8000 && sampleRate <= 192_000)) throw new Error(`sample rate ${sampleRate} is outside 8000–192000 Hz`);
    this.sections = BANDS.map(([lo, hi]) => bandPass(sampleRate, lo, hi));
    this.state = new Float64Array(BANDS.length * 2 * 4);
    this.blockSamples = Math.round((sampleRate * BLOCK_MS) / 1000);
  }

  /** Feeds samples in [-1, 1]. */
  push(samples: Float32Array | Float64Array): void {
    const nb = BANDS.length;
    const st = this.state;
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i];
      for (let b = 0; b < nb; b++) {
        const c = this.sections[b];
        let v = x;
        for (let s = 0; s < 2; s++) {
          const o = (b * 2 + s) * 4;
          const y = c.b0 * v + c.b2 * st[o + 1] - c.a1 * st[o + 2] - c.a2 * st[o + 3];
          st[o + 1] = st[o];
          st[o] = v;
          st[o + 3] = st[o + 2];
          st[o + 2] = y;
          v = y;
        }
        this.acc[b] += v * v;
      }
      if (++this.inBlock === this.blockSamples) {
        for (let b = 0; b < nb; b++) {
          this.out.push(this.acc[b] / this.blockSamples);
          this.acc[b] = 0;
        }
        this.inBlock = 0;
      }
    }
  }

  /**
   * Feeds signed 16-bit little-endian PCM (what `arecord -f S16_LE` and ffmpeg `-f s16le` write), in
   * chunks of any length (a pipe may split a sample); returns the samples, for the caller's level.
   */
  pushS16(chunk: Buffer): Float32Array {
    const buf = this.odd ? Buffer.concat([this.odd, chunk]) : chunk;
    const n = buf.length >> 1;
    this.odd = buf.length & 1 ? buf.subarray(buf.length - 1) : null;
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = buf.readInt16LE(i * 2) / 32768;
    this.push(f);
    return f;
  }
  private odd: Buffer | null = null;

  /** Takes the completed blocks (BANDS.length energies per block) and forgets them. */
  take(): Float64Array {
    const out = Float64Array.from(this.out);
    this.out = [];
    return out;
  }
}

/** Log energy (dB) of each band over frames of FRAME_BLOCKS blocks, every `hopBlocks` blocks. */
export function frameLevels(blocks: Float64Array, hopBlocks: number): Float32Array {
  const nb = BANDS.length;
  const nBlocks = Math.floor(blocks.length / nb);
  const frames = nBlocks >= FRAME_BLOCKS ? Math.floor((nBlocks - FRAME_BLOCKS) / hopBlocks) + 1 : 0;
  const out = new Float32Array(frames * nb);
  for (let f = 0; f < frames; f++) {
    for (let b = 0; b < nb; b++) {
      let e = 0;
      for (let k = 0; k < FRAME_BLOCKS; k++) e += blocks[(f * hopBlocks + k) * nb + b];
      out[f * nb + b] = 10 * Math.log10(e / FRAME_BLOCKS + 1e-12);
    }
  }
  return out;
}

/**
 * A window's signature: its frames (one every FRAME_MS), each band's level relative to that band's
 * mean over the window, in steps of STEP_DB, 4 bits, two to a byte, base64.
 */
export function encodeWindow(levels: Float32Array): string {
  const nb = BANDS.length;
  const frames = levels.length / nb;
  const means = new Float64Array(nb);
  for (let f = 0; f < frames; f++) for (let b = 0; b < nb; b++) means[b] += levels[f * nb + b] / frames;
  const bytes = Buffer.alloc(Math.ceil(levels.length / 2));
  for (let i = 0; i < levels.length; i++) {
    const q = Math.max(0, Math.min(LEVELS - 1, Math.round((levels[i] - means[i % nb]) / STEP_DB) + LEVELS / 2));
    bytes[i >> 1] |= i & 1 ? q : q << 4;
  }
  return bytes.toString('base64');
}

/** The values of a window's signature (frames × bands, centred per band). */
export function decodeWindow(sig: string): Float32Array {
  const bytes = Buffer.from(sig, 'base64');
  const nb = BANDS.length;
  const n = Math.floor((bytes.length * 2) / nb) * nb;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (i & 1 ? bytes[i >> 1] & 15 : bytes[i >> 1] >> 4) - LEVELS / 2;
  return out;
}

/** RMS level in dBFS of samples in [-1, 1] (−120 for digital silence). */
export function levelDb(samples: Float32Array | Float64Array): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s += samples[i] * samples[i];
  const rms = Math.sqrt(s / Math.max(1, samples.length));
  return rms > 1e-6 ? Math.round(20 * Math.log10(rms) * 10) / 10 : -120;
}
