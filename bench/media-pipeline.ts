/**
 * The media pipeline on a 60-minute recording, end to end (probe, loudness measurement,
 * normalisation, encode, hash), beside the plain two-pass ffmpeg `loudnorm` on the same file.
 * The delivered file is then measured independently with ffmpeg's ebur128 filter. The floor: one
 * decode and one encode of the same file at the delivery profile, nothing else (issue #16's goal:
 * the pipeline within 1.2× of it).
 *
 *   npx ts-node --transpile-only bench/media-pipeline.ts [minutes=60]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_AUDIO_PROFILE } from '../src/infrastructure/ffmpeg/ffmpeg-args';
import { resolveFfmpegBinaries } from '../src/infrastructure/ffmpeg/ffmpeg-binaries';
import { MediaTools } from '../src/infrastructure/ffmpeg/media-tools';
import { normaliseAudio } from '../src/media/audio-pipeline';
import { peakRssLine } from './support/peak-rss';
import { reproduceLine } from './support/script';

const minutes = Number(process.argv[2] ?? 60);
const out = join(__dirname, 'out');
mkdirSync(out, { recursive: true });
const bins = resolveFfmpegBinaries(process.env.FFMPEG_PATH, process.env.FFPROBE_PATH);
/** The real tools, timing each of the pipeline's passes for the "where the time goes" line. */
class TimedTools extends MediaTools {
  readonly stages: Array<[string, number]> = [];
  private async timed<T>(name: string, run: () => Promise<T>): Promise<T> {
    const t0 = process.hrtime.bigint();
    try {
      return await run();
    } finally {
      this.stages.push([name, Number(process.hrtime.bigint() - t0) / 1e9]);
    }
  }
  override probe(file: string) {
    return this.timed('probe', () => super.probe(file));
  }
  override measureAndDecode(...args: Parameters<MediaTools['measureAndDecode']>) {
    return this.timed('loudness + decode to PCM', () => super.measureAndDecode(...args));
  }
  override normalise(...args: Parameters<MediaTools['normalise']>) {
    return this.timed('gain + limiter + encode, delivered bytes metered alongside', () => super.normalise(...args));
  }
}
const tools = new TimedTools(bins);
const source = join(out, `recording-${minutes}min.mp3`);

function fixture(): void {
  if (existsSync(source)) return;
  console.log(`making a ${minutes}-minute stereo 128 kbit/s MP3 fixture (once; kept in bench/out/)…`);
  const s = minutes * 60;
  // A voice-band tone that wanders in level over pink noise: a quiet, uneven recording.
  execFileSync(bins.ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `sine=f=220:d=${s}:r=44100`,
    '-f', 'lavfi', '-i', `anoisesrc=d=${s}:c=pink:r=44100:a=0.1`,
    '-filter_complex', "[0]volume='0.2+0.15*sin(t/7)':eval=frame[v];[v][1]amix=inputs=2,aformat=channel_layouts=stereo",
    '-c:a', 'libmp3lame', '-b:a', '128k', source,
  ]);
}

function ebur128(file: string): { i: number; tp: number } {
  const r = spawnSync(bins.ffmpeg, ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const s = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  return { i: Number(/I:\s+(-?[\d.]+)/.exec(s)![1]), tp: Number(/Peak:\s+(-?[\d.]+)/.exec(s)![1]) };
}

function plainLoudnorm(output: string): { seconds: number; analysisSeconds: number } {
  const { targetLufs: I, truePeakDb: TP } = DEFAULT_AUDIO_PROFILE;
  const t0 = process.hrtime.bigint();
  const pass1 = spawnSync(bins.ffmpeg, ['-hide_banner', '-nostats', '-i', source, '-af', `loudnorm=I=${I}:TP=${TP}:LRA=11:print_format=json`, '-f', 'null', '-'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const t1 = process.hrtime.bigint();
  const m = JSON.parse(pass1.stderr.slice(pass1.stderr.lastIndexOf('{')));
  execFileSync(bins.ffmpeg, [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-y', '-i', source,
    '-af', `loudnorm=I=${I}:TP=${TP}:LRA=11:measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true`,
    '-ar', '44100', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '64k', output,
  ]);
  const t2 = process.hrtime.bigint();
  return { seconds: Number(t2 - t0) / 1e9, analysisSeconds: Number(t1 - t0) / 1e9 };
}

/** One decode and one encode at the delivery profile, written nowhere: what no pipeline can beat. */
function floor(): number {
  const p = DEFAULT_AUDIO_PROFILE;
  const t0 = process.hrtime.bigint();
  execFileSync(bins.ffmpeg, ['-hide_banner', '-nostats', '-loglevel', 'error', '-i', source, '-ac', '1', '-ar', String(p.sampleRate), '-c:a', 'libmp3lame', '-b:a', `${p.bitrateKbps}k`, '-compression_level', String(p.lameQuality), '-f', 'mp3', '-y', '/dev/null']);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main() {
  fixture();
  const durationS = minutes * 60;
  const delivered = join(out, 'delivered.mp3');
  const t0 = process.hrtime.bigint();
  const info = await tools.probe(source);
  const result = await normaliseAudio(tools, source, delivered, info.durationMs, DEFAULT_AUDIO_PROFILE, { removeFile: async (p) => rmSync(p, { force: true }) });
  const ours = Number(process.hrtime.bigint() - t0) / 1e9;
  const check = ebur128(delivered);

  const floorS = floor();
  const plainOut = join(out, 'loudnorm.mp3');
  const plain = plainLoudnorm(plainOut);
  const plainCheck = ebur128(plainOut);

  const row = (name: string, s: number) => `${name.padEnd(34)} ${s.toFixed(1).padStart(7)} s   ${(durationS / s).toFixed(1).padStart(6)}× real time`;
  console.log(`\nMedia pipeline, ${minutes}-minute stereo MP3 → mono MP3 64 kbit/s at ${DEFAULT_AUDIO_PROFILE.targetLufs} LUFS / ${DEFAULT_AUDIO_PROFILE.truePeakDb} dBTP (ffmpeg: ${bins.source} ${bins.ffmpeg})`);
  console.log(row('bcast pipeline (end to end)', ours));
  console.log(row('floor: one decode + one encode', floorS));
  console.log(row('plain two-pass loudnorm', plain.seconds));
  console.log(row('  of which loudnorm analysis pass', plain.analysisSeconds));
  console.log(`bcast / floor: ${(ours / floorS).toFixed(2)}× (goal ≤ 1.2×: ${ours / floorS <= 1.2 ? 'met' : 'NOT met'})`);
  console.log(`where the pipeline's time goes: ${tools.stages.map(([name, sec]) => `${name} ${sec.toFixed(1)} s`).join('; ')}`);
  console.log(`ratio plain / bcast: ${(plain.seconds / ours).toFixed(2)}×   encode passes: ${result.passes}   sha256: ${result.file.sha256.slice(0, 16)}…`);
  console.log(`delivered, measured independently (ebur128): ${check.i} LUFS, true peak ${check.tp} dBTP  (loudnorm output: ${plainCheck.i} LUFS, ${plainCheck.tp} dBTP)`);
  console.log(`within ±1 LU: ${Math.abs(check.i - DEFAULT_AUDIO_PROFILE.targetLufs) <= 1 ? 'yes' : 'NO'}   true peak ≤ ceiling: ${check.tp <= DEFAULT_AUDIO_PROFILE.truePeakDb ? 'yes' : 'NO'}`);
  console.log(peakRssLine());
  console.log(reproduceLine('media-pipeline', [minutes]));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
