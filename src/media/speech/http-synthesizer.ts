import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SpeechSynthesizer } from './speech-synthesizer';

/**
 * Any HTTP text-to-speech service (e.g. a commercial Vietnamese voice): the service POSTs
 * `{ "text": "...", "voice": "..." }` as JSON to TTS_HTTP_URL (with `Authorization: Bearer
 * TTS_HTTP_TOKEN` when set) and expects audio bytes in any format ffmpeg reads. An adapter in
 * front of a vendor's own API is a few lines; see docs/text-to-speech.md.
 */
export class HttpSynthesizer implements SpeechSynthesizer {
  readonly name = 'http';

  constructor(private readonly url: string, readonly voices: string[], private readonly token?: string) {}

  async synthesize(text: string, voice: string, outputWav: string): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ text, voice }),
      signal: AbortSignal.timeout(120_000),
    });
    if (!res.ok || !res.body) throw new Error(`text-to-speech service answered ${res.status}`);
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(outputWav));
  }
}
