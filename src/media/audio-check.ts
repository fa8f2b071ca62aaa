import type { AudioInfo } from '../infrastructure/ffmpeg/audio-info';
import type { ErrorCode } from '../infrastructure/http/error-catalog';

export interface AudioRejection {
  code: ErrorCode;
  params?: Record<string, unknown>;
}

/** What an office may send as a program: decodable audio of sensible length, not a video. */
export function checkAudio(info: AudioInfo, maxDurationMs: number): AudioRejection | null {
  if (!info.audio) return { code: info.videoStreams > 0 ? 'MEDIA_VIDEO_NOT_AUDIO' : 'MEDIA_NO_AUDIO' };
  if (info.videoStreams > 0) return { code: 'MEDIA_VIDEO_NOT_AUDIO' };
  if (!info.audio.sampleRate || !info.audio.channels) return { code: 'MEDIA_UNDECODABLE' };
  if (info.durationMs < 100) return { code: 'MEDIA_ZERO_DURATION' };
  if (info.durationMs > maxDurationMs) {
    return { code: 'MEDIA_TOO_LONG', params: { minutes: Math.round(info.durationMs / 60_000), limit: Math.round(maxDurationMs / 60_000) } };
  }
  // The header promises more than the file holds: an interrupted upload or copy.
  if (info.packetDurationMs !== null && info.packetDurationMs < info.durationMs * 0.97 && info.durationMs - info.packetDurationMs > 1000) {
    return { code: 'MEDIA_TRUNCATED', params: { actual: Math.round(info.packetDurationMs / 1000), declared: Math.round(info.durationMs / 1000) } };
  }
  return null;
}
