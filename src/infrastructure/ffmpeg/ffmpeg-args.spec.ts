import { DEFAULT_AUDIO_PROFILE, gainToTarget, measureAndDecodeArgs, measureLoudnessArgs, normaliseArgs, parseEbur128Summary, parseProgressLine, pcmInput } from './ffmpeg-args';

describe('ffmpeg argument lists', () => {
  it('measures loudness of the mono downmix of the first audio stream only', () => {
    expect(measureLoudnessArgs('/in/a.wav')).toEqual([
      '-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:1', '-i', '/in/a.wav',
      '-map', '0:a:0', '-vn', '-sn', '-dn', '-af', 'aformat=channel_layouts=mono,ebur128', '-f', 'null', '-',
    ]);
    expect(measureLoudnessArgs('x', true)).toContain('aformat=channel_layouts=mono,ebur128=peak=true');
  });

  it('applies gain then a limiter 1 dB under the -1 dBTP ceiling, to MP3 mono CBR on stdout', () => {
    const args = normaliseArgs('/in/a.mp3', DEFAULT_AUDIO_PROFILE, 7.5);
    const af = args[args.indexOf('-af') + 1];
    expect(af).toBe('aformat=channel_layouts=mono,aresample=44100,volume=7.50dB,alimiter=limit=0.7943:attack=5:release=50:level=false');
    expect(args.slice(args.indexOf('-c:a'))).toEqual([
      '-c:a', 'libmp3lame', '-b:a', '64k', '-compression_level', '7', '-ar', '44100', '-ac', '1',
      '-write_xing', '0', '-id3v2_version', '0', '-f', 'mp3', 'pipe:1',
    ]);
    expect(args).toContain('-map_metadata');
  });

  it('decodes the upload once: the loudness pass writes the mono downmix as PCM, the encode reads it', () => {
    const measure = measureAndDecodeArgs('/in/a.mp3', 44_100, '/tmp/x.pcm');
    expect(measure[measure.indexOf('-af') + 1]).toBe('aformat=channel_layouts=mono,aresample=44100,ebur128');
    expect(measure.slice(measure.indexOf('-f'))).toEqual(['-f', 's16le', '-ac', '1', '-ar', '44100', '-y', '/tmp/x.pcm']);
    const encode = normaliseArgs(pcmInput('/tmp/x.pcm', 44_100), DEFAULT_AUDIO_PROFILE, 3);
    expect(encode.slice(encode.indexOf('pipe:2') + 1, encode.indexOf('/tmp/x.pcm') + 1)).toEqual(['-f', 's16le', '-ar', '44100', '-ac', '1', '-i', '/tmp/x.pcm']);
  });

  it('computes the gain to the target', () => {
    expect(gainToTarget(-33.5, -16)).toBe(17.5);
    expect(gainToTarget(-10.04, -16)).toBe(-5.96);
  });

  it('reads the ebur128 summary and progress lines', () => {
    const stderr = `[Parsed_ebur128_0 @ 0x1] t: 1 M: -20\n[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -16.4 LUFS\n    Threshold: -26.4 LUFS\n\n  Loudness range:\n    LRA:         0.1 LU\n\n  True peak:\n    Peak:       -1.6 dBFS\n`;
    expect(parseEbur128Summary(stderr)).toEqual({ integratedLufs: -16.4, truePeakDb: -1.6, lra: 0.1 });
    expect(parseEbur128Summary('no summary')).toBeNull();
    expect(parseProgressLine('out_time_ms=1500000')).toBe(1500);
    expect(parseProgressLine('out_time_us=2500000')).toBe(2500);
    expect(parseProgressLine('bitrate=1k')).toBeNull();
  });
});
