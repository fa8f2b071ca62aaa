/**
 * Argument lists for every ffmpeg run the service makes. Pure functions, tested as arrays; the
 * adapter (media-tools.ts) only runs them.
 */

export interface AudioDeliveryProfile {
  /** Output codec settings: MP3, mono, constant bit rate. */
  sampleRate: number;
  bitrateKbps: number;
  /** LAME -q (0 best, 9 fastest). */
  lameQuality: number;
  /** Loudness target (EBU R128), LUFS integrated. */
  targetLufs: number;
  /** True-peak ceiling of the delivered file, dBTP. */
  truePeakDb: number;
  /** How far below the ceiling the limiter sits, to absorb MP3 inter-sample overshoot. */
  limiterMarginDb: number;
}

export const DEFAULT_AUDIO_PROFILE: AudioDeliveryProfile = {
  sampleRate: 44_100,
  bitrateKbps: 64,
  lameQuality: 7,
  targetLufs: -16,
  truePeakDb: -1,
  limiterMarginDb: 1,
};

const QUIET = ['-hide_banner', '-nostdin', '-nostats'];

/** The first audio stream of `input`, progress on stdout, through `filters`. */
function firstAudioThrough(input: string, filters: string): string[] {
  return [...QUIET, '-progress', 'pipe:1', '-i', input, '-map', '0:a:0', '-vn', '-sn', '-dn', '-af', filters];
}

/** Integrated loudness of the mono downmix, which is what a loudspeaker cluster plays. */
export function measureLoudnessArgs(input: string, truePeak = false): string[] {
  return [...firstAudioThrough(input, `aformat=channel_layouts=mono,ebur128${truePeak ? '=peak=true' : ''}`), '-f', 'null', '-'];
}

/**
 * One decoding pass that measures the integrated loudness of the mono downmix and, as ebur128 passes
 * the audio through, writes it as mono 16-bit PCM at the delivery rate to `pcmFile`: the encode then
 * reads that instead of decoding the upload a second time.
 */
export function measureAndDecodeArgs(input: string, sampleRate: number, pcmFile: string): string[] {
  return [
    ...firstAudioThrough(input, `aformat=channel_layouts=mono,aresample=${sampleRate},ebur128`),
    '-f', 's16le', '-ac', '1', '-ar', String(sampleRate), '-y', pcmFile,
  ];
}

/** How `normaliseArgs` reads its input: a file ffmpeg probes, or the PCM `measureAndDecodeArgs` wrote. */
export function pcmInput(pcmFile: string, sampleRate: number): string[] {
  return ['-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', pcmFile];
}

/** Gain that brings the measured loudness to the target. */
export function gainToTarget(measuredLufs: number, targetLufs: number): number {
  return Math.round((targetLufs - measuredLufs) * 100) / 100;
}

/** Linear gain plus a peak limiter below the ceiling, encoded to the delivery profile on stdout. */
export function normaliseArgs(input: string | string[], profile: AudioDeliveryProfile, gainDb: number, marginDb = profile.limiterMarginDb): string[] {
  const limit = Math.min(1, Math.max(0.0625, 10 ** ((profile.truePeakDb - marginDb) / 20)));
  return [
    ...QUIET,
    '-progress', 'pipe:2',
    ...(typeof input === 'string' ? ['-i', input] : input),
    '-map', '0:a:0',
    '-vn', '-sn', '-dn',
    '-map_metadata', '-1',
    '-af', [
      'aformat=channel_layouts=mono',
      `aresample=${profile.sampleRate}`,
      `volume=${gainDb.toFixed(2)}dB`,
      `alimiter=limit=${limit.toFixed(4)}:attack=5:release=50:level=false`,
    ].join(','),
    '-c:a', 'libmp3lame',
    '-b:a', `${profile.bitrateKbps}k`,
    '-compression_level', String(profile.lameQuality),
    '-ar', String(profile.sampleRate),
    '-ac', '1',
    '-write_xing', '0',
    '-id3v2_version', '0',
    '-f', 'mp3', 'pipe:1',
  ];
}

/** A file decoded to mono signed 16-bit PCM at `sampleRate` on stdout (the reference of acoustic checks). */
export function decodePcmArgs(input: string, sampleRate: number): string[] {
  return ['-hide_banner', '-nostdin', '-v', 'error', '-i', input, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 's16le', 'pipe:1'];
}

/** Loudness and true peak of bytes arriving on stdin (the delivered file, as it is written). */
export function measureDeliveredArgs(): string[] {
  return [...QUIET, '-f', 'mp3', '-i', 'pipe:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'];
}

/** Parses the Summary block ebur128 prints at the end of a run. */
export function parseEbur128Summary(stderr: string): { integratedLufs: number; truePeakDb: number | null; lra: number | null } | null {
  const at = stderr.lastIndexOf('Summary:');
  if (at < 0) return null;
  const summary = stderr.slice(at);
  const num = (re: RegExp) => {
    const m = re.exec(summary);
    return m ? Number(m[1]) : null;
  };
  const integrated = num(/I:\s+(-?[\d.]+|-inf) LUFS/);
  if (integrated === null || Number.isNaN(integrated)) return null;
  return { integratedLufs: integrated, truePeakDb: num(/Peak:\s+(-?[\d.]+) dBFS/), lra: num(/LRA:\s+(-?[\d.]+) LU/) };
}

/** `out_time_ms` (microseconds, despite the name) from ffmpeg's -progress key=value output. */
export function parseProgressLine(line: string): number | null {
  const m = /^out_time_(?:ms|us)=(\d+)$/.exec(line.trim());
  return m ? Math.floor(Number(m[1]) / 1000) : null;
}
