import { spawn } from 'node:child_process';
import type { Clock } from '../clock';
import { ALGORITHM, BandEnergies, encodeWindow, FRAME_BLOCKS, frameLevels } from './signature';

/**
 * The monitor input: a microphone near one horn of the cluster, or a line tap of the amplifier's
 * output. Any command that writes mono signed 16-bit little-endian PCM to stdout will do.
 */
export interface MonitorConfig {
  /** e.g. ["arecord", "-q", "-D", "plughw:1,0", "-f", "S16_LE", "-c", "1", "-r", "16000", "-t", "raw"] */
  command: string[];
  sampleRate: number;
  /** Windows per airing (after the start, in the middle, before the end). */
  windows: number;
  windowS: number;
}

export const MONITOR_DEFAULTS: Omit<MonitorConfig, 'command'> = { sampleRate: 16_000, windows: 3, windowS: 8 };

/** A window as reported in `play.monitored`: where in the file it began, its level, its signature. */
export interface HeardWindow {
  offsetMs: number;
  levelDb: number;
  sig: string;
}

export interface MonitoredDetail {
  algorithm: typeof ALGORITHM;
  windows: HeardWindow[];
}

/** Keeps clear of the file's first and last moments (fades, the player starting and stopping). */
const MARGIN_MS = 2000;

/**
 * Where in the file the windows of an airing begin (ms): spread from just after the start (or the
 * point joined, for a late start) to just before the end, never overlapping. Fewer when the part
 * played is short; none when it is shorter than a window.
 */
export function windowStarts(fromMs: number, lengthMs: number, windowMs: number, count: number): number[] {
  const first = fromMs + (fromMs > 0 ? 1000 : MARGIN_MS);
  const last = lengthMs - windowMs - MARGIN_MS;
  if (last < first) return lengthMs - fromMs >= windowMs + 1000 ? [Math.max(fromMs, lengthMs - windowMs - 500)] : [];
  const fit = Math.min(count, Math.floor((last - first) / windowMs) + 1);
  if (fit <= 1) return [first];
  return Array.from({ length: fit }, (_, k) => Math.round(first + ((last - first) * k) / (fit - 1)));
}

/**
 * Listens to airings: at each window it starts the capture command, computes the signature of
 * `windowS` seconds as the samples arrive, and stops it. No sample is kept or sent: only the
 * signature (20 values a second of five bands, 4 bits each) and the level leave this class.
 */
export class Monitor {
  constructor(private readonly config: MonitorConfig, private readonly clock: Clock, private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => undefined) {}

  /**
   * The windows heard of an airing that began playing the file at `fromMs` at device time
   * `startedAt`; stops early (with what it has) when `signal` aborts.
   */
  async listen(airing: { startedAt: number; fromMs: number; lengthMs: number }, signal: AbortSignal): Promise<HeardWindow[]> {
    const windowMs = this.config.windowS * 1000;
    const heard: HeardWindow[] = [];
    for (const start of windowStarts(airing.fromMs, airing.lengthMs, windowMs, this.config.windows)) {
      const at = airing.startedAt + (start - airing.fromMs);
      if (!(await this.until(at, signal))) break;
      const w = await this.capture(windowMs, signal).catch((err) => {
        this.log('monitor capture failed', { error: String(err) });
        return null;
      });
      if (!w) break;
      heard.push({ offsetMs: Math.max(0, Math.round(airing.fromMs + (w.firstSampleAt - airing.startedAt))), levelDb: w.levelDb, sig: w.sig });
    }
    return heard;
  }

  private until(at: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => (cancel(), resolve(false));
      const cancel = this.clock.at(at, () => (signal.removeEventListener('abort', onAbort), resolve(!signal.aborted)));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** One window from the capture command: its signature, level, and the device time of its first sample. */
  private capture(windowMs: number, signal: AbortSignal): Promise<{ sig: string; levelDb: number; firstSampleAt: number }> {
    const rate = this.config.sampleRate;
    const wanted = Math.round((windowMs / 1000) * rate);
    const bands = new BandEnergies(rate);
    const [cmd, ...args] = this.config.command;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    return new Promise((resolve, reject) => {
      let got = 0;
      let energy = 0;
      let firstSampleAt: number | null = null;
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        child.stdout.removeAllListeners('data');
        child.kill('SIGTERM');
        if (err) return reject(err);
        const sig = encodeWindow(frameLevels(bands.take(), FRAME_BLOCKS));
        const rms = Math.sqrt(energy / Math.max(1, got));
        resolve({ sig, levelDb: rms > 1e-6 ? Math.round(200 * Math.log10(rms)) / 10 : -120, firstSampleAt: firstSampleAt ?? this.clock.now() });
      };
      const onAbort = () => finish(new Error('airing ended'));
      signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => {
        const room = (wanted - got) * 2;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        // the chunk's first sample was heard its own length ago
        firstSampleAt ??= this.clock.now() - ((part.length / 2) * 1000) / rate;
        const samples = bands.pushS16(part);
        for (let i = 0; i < samples.length; i++) energy += samples[i] * samples[i];
        got += samples.length;
        if (got >= wanted) finish();
      });
      child.on('error', (err) => finish(err));
      child.on('exit', () => {
        if (got < wanted) finish(new Error(`capture command ended after ${got} of ${wanted} samples`));
      });
    });
  }
}
