/** What the service needs to know about an audio file, mapped from ffprobe at the adapter edge. */
export interface AudioInfo {
  formatName: string;
  durationMs: number;
  bytes: number;
  bitRate: number | null;
  audio: { codec: string; sampleRate: number; channels: number } | null;
  /** Real video streams (an attached cover picture in an MP3 does not count). */
  videoStreams: number;
  /** Duration given by the demuxed packets, when counted; much shorter than durationMs = truncated. */
  packetDurationMs: number | null;
}

export interface LoudnessMeasurement {
  integratedLufs: number;
  /** dBTP when measured with true-peak, else null. */
  truePeakDb: number | null;
  /** Loudness range, LU. */
  lra: number | null;
}
