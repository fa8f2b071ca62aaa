import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ffmpeg from 'fluent-ffmpeg';
import type { AudioInfo, LoudnessMeasurement } from './audio-info';
import { FfmpegBinaries } from './ffmpeg-binaries';
import { AudioDeliveryProfile, decodePcmArgs, measureAndDecodeArgs, measureDeliveredArgs, measureLoudnessArgs, normaliseArgs, parseEbur128Summary, parseProgressLine, pcmInput } from './ffmpeg-args';

export class FfmpegError extends Error {
  constructor(message: string, readonly stderrTail: string) {
    super(message);
  }
}

export interface RunOptions {
  /** Milliseconds of media processed so far. */
  onProgress?: (processedMs: number) => void;
  signal?: AbortSignal;
}

export interface EncodedFile {
  sha256: string;
  bytes: number;
  /** Measured on the delivered bytes by a second ffmpeg reading the same stream. */
  delivered: LoudnessMeasurement;
}

/** The only code that starts ffmpeg or ffprobe. */
export class MediaTools {
  constructor(readonly binaries: FfmpegBinaries) {}

  /** ffprobe through fluent-ffmpeg, mapped to AudioInfo. Rejects when ffprobe cannot read the file. */
  async probe(file: string): Promise<AudioInfo> {
    const command = ffmpeg(file).setFfprobePath(this.binaries.ffprobe);
    const data = await new Promise<ffmpeg.FfprobeData>((resolve, reject) =>
      command.ffprobe(['-count_packets'], (err: Error | null, d: ffmpeg.FfprobeData) => (err ? reject(err) : resolve(d))),
    );
    const streams = data.streams ?? [];
    const audio = streams.find((s) => s.codec_type === 'audio');
    const videoStreams = streams.filter((s) => s.codec_type === 'video' && !(s.disposition && s.disposition.attached_pic)).length;
    const num = (v: unknown) => (v === undefined || v === null || v === 'N/A' || Number.isNaN(Number(v)) ? null : Number(v));
    const duration = num(data.format.duration) ?? num(audio?.duration) ?? 0;
    const sampleRate = num(audio?.sample_rate) ?? 0;
    const packets = num((audio as { nb_read_packets?: unknown } | undefined)?.nb_read_packets);
    const samplesPerPacket = audio?.codec_name === 'mp3' ? 1152 : null;
    return {
      formatName: data.format.format_name ?? 'unknown',
      durationMs: Math.round(duration * 1000),
      bytes: num(data.format.size) ?? (await stat(file)).size,
      bitRate: num(data.format.bit_rate),
      audio: audio ? { codec: audio.codec_name ?? 'unknown', sampleRate, channels: num(audio.channels) ?? 0 } : null,
      videoStreams,
      packetDurationMs: packets !== null && samplesPerPacket && sampleRate ? Math.round((packets * samplesPerPacket * 1000) / sampleRate) : null,
    };
  }

  /** One decoding pass: integrated loudness of the mono downmix. */
  async measureLoudness(input: string, options: RunOptions = {}, truePeak = false): Promise<LoudnessMeasurement> {
    const { stderr } = await this.run(measureLoudnessArgs(input, truePeak), { ...options, progressOn: 'stdout' });
    const summary = parseEbur128Summary(stderr);
    if (!summary) throw new FfmpegError('ffmpeg printed no loudness summary', stderr.slice(-2000));
    return summary;
  }

  /** One decoding pass: the loudness of the mono downmix, and the downmix itself written to `pcmFile` (see measureAndDecodeArgs). */
  async measureAndDecode(input: string, sampleRate: number, pcmFile: string, options: RunOptions = {}): Promise<LoudnessMeasurement> {
    const { stderr } = await this.run(measureAndDecodeArgs(input, sampleRate, pcmFile), { ...options, progressOn: 'stdout' });
    const summary = parseEbur128Summary(stderr);
    if (!summary) throw new FfmpegError('ffmpeg printed no loudness summary', stderr.slice(-2000));
    return summary;
  }

  /**
   * Gain + limiter + encode in one pass, from the PCM `measureAndDecode` wrote (`pcm`) or from a file. The encoded bytes stream to `outputFile` and, at the
   * same time, through sha256 and into a second ffmpeg that measures the delivered loudness,
   * so verification costs no extra wall time on a machine with two cores.
   */
  async normalise(input: string | { pcm: string }, outputFile: string, profile: AudioDeliveryProfile, gainDb: number, marginDb: number, options: RunOptions = {}): Promise<EncodedFile> {
    const hash = createHash('sha256');
    const out = createWriteStream(outputFile, { flags: 'wx' });
    const meter = spawn(this.binaries.ffmpeg, measureDeliveredArgs(), { stdio: ['pipe', 'ignore', 'pipe'] });
    const meterErr = tail(meter.stderr!);
    const meterDone = exitOf(meter);
    meter.stdin!.on('error', () => undefined);
    let bytes = 0;
    const encode = this.run(normaliseArgs(typeof input === 'string' ? input : pcmInput(input.pcm, profile.sampleRate), profile, gainDb, marginDb), {
      ...options,
      progressOn: 'stderr',
      onStdout: (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
        meter.stdin!.write(chunk);
        return out.write(chunk);
      },
      drain: (resume) => out.once('drain', resume),
    });
    try {
      await encode;
    } finally {
      meter.stdin!.end();
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    const code = await meterDone;
    const summary = parseEbur128Summary(meterErr());
    if (code !== 0 || !summary) throw new FfmpegError('measuring the delivered file failed', meterErr().slice(-2000));
    return { sha256: hash.digest('hex'), bytes, delivered: summary };
  }

  /** Runs an argument list that writes `outputFile`, then hashes what it wrote. */
  async renderToFile(args: string[], outputFile: string, options: RunOptions = {}): Promise<{ sha256: string; bytes: number }> {
    await this.run(args, { ...options, progressOn: 'stderr' });
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(outputFile)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    return { sha256: hash.digest('hex'), bytes };
  }

  /** Decodes a file to mono 16-bit PCM at `sampleRate`, handing each chunk to `onPcm` as it comes. */
  async decodePcm(input: string, sampleRate: number, onPcm: (chunk: Buffer) => void, options: RunOptions = {}): Promise<void> {
    await this.run(decodePcmArgs(input, sampleRate), { ...options, progressOn: 'stderr', onStdout: (chunk) => (onPcm(chunk), true) });
  }

  /** What kind of picture or video a file is (for board content). */
  async probeVisual(file: string): Promise<{ kind: 'image' | 'clip'; codec: string; width: number; height: number; durationMs: number } | null> {
    const command = ffmpeg(file).setFfprobePath(this.binaries.ffprobe);
    const data = await new Promise<ffmpeg.FfprobeData | null>((resolve) => command.ffprobe((err: Error | null, d: ffmpeg.FfprobeData) => resolve(err ? null : d)));
    const video = data?.streams.find((s) => s.codec_type === 'video');
    if (!data || !video || !video.width || !video.height) return null;
    const stills = ['png', 'mjpeg', 'webp', 'bmp'];
    const isImage = stills.includes(video.codec_name ?? '') && /image2|_pipe|png|jpeg|webp/.test(data.format.format_name ?? '');
    const duration = Number(data.format.duration);
    return { kind: isImage ? 'image' : 'clip', codec: video.codec_name ?? 'unknown', width: video.width, height: video.height, durationMs: Number.isFinite(duration) ? Math.round(duration * 1000) : 0 };
  }

  private run(
    args: string[],
    options: RunOptions & {
      progressOn: 'stdout' | 'stderr';
      onStdout?: (chunk: Buffer) => boolean;
      drain?: (resume: () => void) => void;
    },
  ): Promise<{ stderr: string }> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(new FfmpegError('cancelled', ''));
      const child = spawn(this.binaries.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      // ebur128 logs a line per 100 ms of audio: keep only the end, where the summary is.
      const stderrTail = tail(child.stderr!, 64 * 1024);
      const onAbort = () => child.kill('SIGKILL');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const progressStream = options.progressOn === 'stdout' ? child.stdout! : child.stderr!;
      let pending = '';
      progressStream.on('data', (chunk: Buffer) => {
        if (options.progressOn === 'stdout' && options.onStdout) return;
        pending += chunk.toString('latin1');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const ms = parseProgressLine(line);
          if (ms !== null) options.onProgress?.(ms);
        }
      });
      if (options.onStdout) {
        child.stdout!.on('data', (chunk: Buffer) => {
          if (!options.onStdout!(chunk)) {
            child.stdout!.pause();
            options.drain?.(() => child.stdout!.resume());
          }
        });
      }
      child.on('error', (err) => reject(new FfmpegError(`cannot start ffmpeg: ${err.message}`, '')));
      child.on('close', (code) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (options.signal?.aborted) return reject(new FfmpegError('cancelled', stderrTail()));
        if (code !== 0) return reject(new FfmpegError(`ffmpeg exited with code ${code}`, stderrTail().slice(-2000)));
        resolve({ stderr: stderrTail() });
      });
    });
  }
}

function tail(stream: NodeJS.ReadableStream, max = 64 * 1024): () => string {
  let buf = '';
  stream.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    if (buf.length > max * 2) buf = buf.slice(-max);
  });
  return () => buf.slice(-max);
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}
