/** Turns a text bulletin into a WAV file. The result goes through the same audio pipeline as an upload. */
export interface SpeechSynthesizer {
  readonly name: string;
  /** Voice names this provider accepts, the first being the default. */
  readonly voices: string[];
  synthesize(text: string, voice: string, outputWav: string): Promise<void>;
}

export const SPEECH_SYNTHESIZER = Symbol('SPEECH_SYNTHESIZER');

/** Largest bulletin accepted, in characters (about 15 minutes of speech). */
export const SPEECH_TEXT_LIMIT = 10_000;
