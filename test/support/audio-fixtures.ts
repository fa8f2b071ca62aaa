import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveFfmpegBinaries } from '../../src/infrastructure/ffmpeg/ffmpeg-binaries';

// Fixtures are made with the ffmpeg shipped by npm, which has every encoder the tests use (AMR-NB, for
// one: Debian's build lacks it); the service decodes them with whichever ffmpeg it finds, as in use.
/* eslint-disable @typescript-eslint/no-require-imports */
const { ffmpeg } = resolveFfmpegBinaries(
  process.env.FIXTURE_FFMPEG_PATH ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
  (require('@ffprobe-installer/ffprobe') as { path: string }).path,
);
/* eslint-enable @typescript-eslint/no-require-imports */

/** Generates test audio with the real ffmpeg (lavfi sources), into `dir`. */
export class AudioFixtures {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private make(name: string, args: string[]): string {
    const out = join(this.dir, name);
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, out], { stdio: 'pipe' });
    return out;
  }

  /** A quiet tone with a little noise: needs gain up to reach the target. */
  quietTone(name: string, seconds: number, codecArgs: string[]): string {
    return this.make(name, [
      '-f', 'lavfi', '-i', `sine=f=330:d=${seconds}:r=44100`,
      '-f', 'lavfi', '-i', `anoisesrc=d=${seconds}:c=pink:r=44100:a=0.02`,
      '-filter_complex', '[0]volume=0.16[a];[a][1]amix=inputs=2', ...codecArgs,
    ]);
  }

  /** Loud, peaky stereo music-like signal: needs gain down and the limiter. */
  loudStereo(name: string, seconds: number): string {
    return this.make(name, [
      '-f', 'lavfi', '-i', `sine=f=220:d=${seconds}:r=48000`,
      '-f', 'lavfi', '-i', `anoisesrc=d=${seconds}:c=white:r=48000:a=0.5`,
      '-filter_complex', '[0][1]amix=inputs=2,aformat=channel_layouts=stereo,volume=3', '-c:a', 'pcm_s16le',
    ]);
  }

  videoWithSound(name: string): string {
    return this.make(name, ['-f', 'lavfi', '-i', 'testsrc=d=3:s=320x240:r=25', '-f', 'lavfi', '-i', 'sine=d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']);
  }

  silence(name: string, seconds: number): string {
    return this.make(name, ['-f', 'lavfi', '-i', `anullsrc=r=44100:cl=mono`, '-t', String(seconds), '-c:a', 'pcm_s16le']);
  }

  /** An MP3 cut to a third of its bytes: its header still promises the full length. */
  truncatedMp3(name: string): string {
    const full = this.quietTone(`full-${name}`, 30, ['-c:a', 'libmp3lame', '-b:a', '128k']);
    const bytes = readFileSync(full);
    const out = join(this.dir, name);
    writeFileSync(out, bytes.subarray(0, Math.floor(bytes.length / 3)));
    return out;
  }

  /** A WAV header announcing no samples at all. */
  zeroLengthWav(name: string): string {
    const out = join(this.dir, name);
    const h = Buffer.alloc(44);
    h.write('RIFF', 0); h.writeUInt32LE(36, 4); h.write('WAVE', 8); h.write('fmt ', 12);
    h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(44100, 24);
    h.writeUInt32LE(88200, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(0, 40);
    writeFileSync(out, h);
    return out;
  }

  text(name: string, content: string): string {
    const out = join(this.dir, name);
    writeFileSync(out, content);
    return out;
  }

  /**
   * An announcement of `seconds`: Vietnamese speech from espeak-ng where the machine has it, else
   * bursts of shaped noise at a speaking rhythm (what acoustic checks need: an envelope that changes).
   */
  announcement(name: string, seconds: number): string {
    const text = 'Ủy ban nhân dân xã thông báo lịch tiêm phòng cho trẻ em dưới năm tuổi vào sáng thứ hai tuần tới tại trạm y tế xã. Đề nghị các hộ gia đình không đốt rơm rạ trên đồng, giữ gìn vệ sinh môi trường. Hội Nông dân tổ chức tập huấn kỹ thuật trồng lúa chất lượng cao lúc bảy giờ ba mươi tại nhà văn hóa thôn Đông. Công an xã cảnh báo lừa đảo qua điện thoại và mạng xã hội, bà con không chuyển tiền cho người lạ. Ban chỉ huy quân sự kêu gọi thanh niên trong độ tuổi tham gia nghĩa vụ quân sự năm nay.';
    const speech = this.speech(`${name}.speech.wav`, text);
    if (speech) return this.make(name, ['-i', speech, '-af', `apad,atrim=0:${seconds}`, '-ar', '44100', '-c:a', 'libmp3lame']);
    return this.make(name, [
      '-f', 'lavfi', '-i', `aevalsrc='(random(0)-0.5)*gt(sin(2*PI*2.3*t+3*sin(2*PI*0.37*t))+0.4*sin(2*PI*0.91*t)\,0.3)':s=16000:d=${seconds}`,
      '-af', 'bandpass=f=900:w=1400', '-ar', '44100', '-c:a', 'libmp3lame',
    ]);
  }

  /** Speech from espeak-ng when the machine has it (Vietnamese voice), else null. */
  speech(name: string, text: string): string | null {
    const probe = spawnSync('espeak-ng', ['--version']);
    if (probe.status !== 0) return null;
    const out = join(this.dir, name);
    execFileSync('espeak-ng', ['-v', 'vi', '-w', out, text]);
    return out;
  }
}

/** Loudness and true peak of a file, measured with ffmpeg's ebur128 filter, independently of the service's code. */
export function measureIndependently(file: string): { integratedLufs: number; truePeakDb: number } {
  const res = spawnSync(ffmpeg, ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const summary = res.stderr.slice(res.stderr.lastIndexOf('Summary:'));
  const i = /I:\s+(-?[\d.]+) LUFS/.exec(summary);
  const p = /Peak:\s+(-?[\d.]+) dBFS/.exec(summary);
  if (!i || !p) throw new Error(`no ebur128 summary for ${file}: ${res.stderr.slice(-500)}`);
  return { integratedLufs: Number(i[1]), truePeakDb: Number(p[1]) };
}
