import type { LoudnessMeasurement } from '../infrastructure/ffmpeg/audio-info';
import { AudioDeliveryProfile, gainToTarget } from '../infrastructure/ffmpeg/ffmpeg-args';
import { EncodedFile, MediaTools } from '../infrastructure/ffmpeg/media-tools';

/** Loudness within this of the target needs no correction pass. */
export const LOUDNESS_TOLERANCE_LU = 0.5;

export class SilentAudioError extends Error {}

export interface NormalisedAudio {
  before: LoudnessMeasurement;
  gainDb: number;
  passes: number;
  file: EncodedFile;
}

/**
 * One decoding pass measures the loudness and writes the mono downmix at the delivery rate as PCM
 * beside the output (`<output>.pcm`, removed at the end); then one pass of linear gain + peak
 * limiter + MP3 encode reads that PCM, and its output is hashed and measured as it is written. A
 * correction pass (from the same PCM) runs only when the delivered file misses the target (e.g. the
 * encoder's low-pass took energy away) or its true peak is over the ceiling. The upload is decoded
 * once. Progress is reported as a fraction 0–1.
 */
export async function normaliseAudio(
  tools: MediaTools,
  input: string,
  output: string,
  durationMs: number,
  profile: AudioDeliveryProfile,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void; removeFile: (path: string) => Promise<void> },
): Promise<NormalisedAudio> {
  const report = (f: number) => opts.onProgress?.(Math.min(0.99, f));
  const pcm = `${output}.pcm`;
  try {
    const before = await tools.measureAndDecode(input, profile.sampleRate, pcm, { signal: opts.signal, onProgress: (ms) => report(0.3 * (ms / durationMs)) });
    // ebur128 answers -70 LUFS (its absolute gate) for silence.
    if (!Number.isFinite(before.integratedLufs) || before.integratedLufs < -60) throw new SilentAudioError('MEDIA_SILENT');
    let gainDb = gainToTarget(before.integratedLufs, profile.targetLufs);
    let margin = profile.limiterMarginDb;
    let file: EncodedFile | null = null;
    let passes = 0;
    while (passes < 3) {
      const from = passes === 0 ? 0.3 : 0.7;
      await opts.removeFile(output);
      file = await tools.normalise({ pcm }, output, profile, gainDb, margin, { signal: opts.signal, onProgress: (ms) => report(from + (1 - from) * (ms / durationMs)) });
      passes += 1;
      const off = profile.targetLufs - file.delivered.integratedLufs;
      const overPeak = (file.delivered.truePeakDb ?? -Infinity) > profile.truePeakDb;
      if (Math.abs(off) <= LOUDNESS_TOLERANCE_LU && !overPeak) break;
      gainDb = Math.round((gainDb + off) * 100) / 100;
      if (overPeak) margin += 1;
    }
    return { before, gainDb, passes, file: file! };
  } finally {
    await opts.removeFile(pcm);
  }
}
