import type { AudioInfo } from '../infrastructure/ffmpeg/audio-info';
import { checkAudio } from './audio-check';

const mp3: AudioInfo = {
  formatName: 'mp3',
  durationMs: 180_000,
  bytes: 2_880_000,
  bitRate: 128_000,
  audio: { codec: 'mp3', sampleRate: 44_100, channels: 2 },
  videoStreams: 0,
  packetDurationMs: 180_000,
};
const HOUR4 = 4 * 3600_000;

describe('checkAudio', () => {
  it('accepts ordinary audio, including an MP3 with cover art (no real video stream)', () => {
    expect(checkAudio(mp3, HOUR4)).toBeNull();
    expect(checkAudio({ ...mp3, packetDurationMs: null }, HOUR4)).toBeNull();
  });

  it('rejects video, silence of zero length, absurd length and files without audio', () => {
    expect(checkAudio({ ...mp3, videoStreams: 1 }, HOUR4)?.code).toBe('MEDIA_VIDEO_NOT_AUDIO');
    expect(checkAudio({ ...mp3, audio: null, videoStreams: 1 }, HOUR4)?.code).toBe('MEDIA_VIDEO_NOT_AUDIO');
    expect(checkAudio({ ...mp3, audio: null }, HOUR4)?.code).toBe('MEDIA_NO_AUDIO');
    expect(checkAudio({ ...mp3, durationMs: 0, packetDurationMs: 0 }, HOUR4)?.code).toBe('MEDIA_ZERO_DURATION');
    expect(checkAudio({ ...mp3, durationMs: 30 * 3600_000, packetDurationMs: null }, HOUR4)).toEqual({ code: 'MEDIA_TOO_LONG', params: { minutes: 1800, limit: 240 } });
  });

  it('rejects an MP3 whose header promises more than its frames hold', () => {
    expect(checkAudio({ ...mp3, packetDurationMs: 60_000 }, HOUR4)).toEqual({ code: 'MEDIA_TRUNCATED', params: { actual: 60, declared: 180 } });
    // a few frames of rounding are not truncation
    expect(checkAudio({ ...mp3, packetDurationMs: 179_950 }, HOUR4)).toBeNull();
  });
});
