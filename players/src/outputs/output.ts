/** Something the player hands a file or a stream to: loudspeakers or an LED board. */
export interface PlayItem {
  key: string;
  kind: 'audio' | 'relay' | 'slides';
  title: string;
  /** Local files (cached media), in order; empty for a relay. */
  files: string[];
  streamUrl?: string;
  offsetMs: number;
  /** Device-clock time at which it must stop at the latest. */
  until: number | null;
  /** For slides: how long each file shows. */
  displayMs?: number[];
  /** How long the files play, when the playlist or alert says (the null output takes that long). */
  durationMs?: number;
}

export interface Playback {
  /** 'completed': played to its end (or its slot's end); 'stopped': stop() was called; 'failed'. */
  done: Promise<{ outcome: 'completed' | 'stopped' | 'failed'; reason?: string }>;
  stop(): void;
}

export interface Output {
  play(item: PlayItem, volume: number): Playback;
  setVolume(volume: number): void;
  close(): Promise<void>;
}
