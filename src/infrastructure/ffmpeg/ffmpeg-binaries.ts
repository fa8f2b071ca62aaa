import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, statSync } from 'node:fs';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  source: 'configured' | 'system' | 'npm';
}

/** FFMPEG_PATH/FFPROBE_PATH if set, else ffmpeg on PATH, else the binaries shipped by npm. */
export function resolveFfmpegBinaries(ffmpegPath?: string, ffprobePath?: string): FfmpegBinaries {
  if (ffmpegPath || ffprobePath) {
    const ffmpeg = ffmpegPath ?? 'ffmpeg';
    const ffprobe = ffprobePath ?? 'ffprobe';
    for (const [name, bin] of [['FFMPEG_PATH', ffmpeg], ['FFPROBE_PATH', ffprobe]]) {
      if (!runs(bin)) throw new Error(`${name}: ${bin} does not run (not found or not executable)`);
    }
    return { ffmpeg, ffprobe, source: 'configured' };
  }
  if (runs('ffmpeg') && runs('ffprobe')) return { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'system' };
  /* eslint-disable @typescript-eslint/no-require-imports */
  const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  const ffprobe = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
  for (const bin of [ffmpeg, ffprobe]) ensureExecutable(bin);
  return { ffmpeg, ffprobe, source: 'npm' };
}

function runs(bin: string): boolean {
  try {
    execFileSync(bin, ['-version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** npm may skip the packages' own chmod step (install scripts not approved). */
function ensureExecutable(bin: string): void {
  if (!existsSync(bin)) throw new Error(`ffmpeg binary missing at ${bin}: run npm install`);
  const mode = statSync(bin).mode;
  if ((mode & 0o100) === 0) chmodSync(bin, mode | 0o755);
}
