import { Provider } from '@nestjs/common';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { AudioDeliveryProfile, DEFAULT_AUDIO_PROFILE } from '../infrastructure/ffmpeg/ffmpeg-args';
import { resolveFfmpegBinaries } from '../infrastructure/ffmpeg/ffmpeg-binaries';
import { MediaTools } from '../infrastructure/ffmpeg/media-tools';
import { MediaStore } from '../infrastructure/storage/media-store';
import { EspeakSynthesizer } from './speech/espeak-synthesizer';
import { HttpSynthesizer } from './speech/http-synthesizer';
import { SPEECH_SYNTHESIZER } from './speech/speech-synthesizer';

export const AUDIO_PROFILE = Symbol('AUDIO_PROFILE');

export const mediaProviders: Provider[] = [
  { provide: MediaTools, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new MediaTools(resolveFfmpegBinaries(c.FFMPEG_PATH, c.FFPROBE_PATH)) },
  { provide: MediaStore, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new MediaStore(c.mediaDir) },
  {
    provide: SPEECH_SYNTHESIZER,
    inject: [APP_CONFIG],
    useFactory: (c: AppConfig) =>
      c.TTS_PROVIDER === 'http'
        ? new HttpSynthesizer(c.TTS_HTTP_URL!, c.TTS_HTTP_VOICES.split(',').map((v) => v.trim()).filter(Boolean), c.TTS_HTTP_TOKEN)
        : new EspeakSynthesizer(),
  },
  {
    provide: AUDIO_PROFILE,
    inject: [APP_CONFIG],
    useFactory: (c: AppConfig): AudioDeliveryProfile => ({
      ...DEFAULT_AUDIO_PROFILE,
      targetLufs: c.MEDIA_TARGET_LUFS,
      truePeakDb: c.MEDIA_TRUE_PEAK_DB,
      bitrateKbps: c.MEDIA_AUDIO_BITRATE_KBPS,
      sampleRate: c.MEDIA_AUDIO_SAMPLE_RATE,
    }),
  },
];
