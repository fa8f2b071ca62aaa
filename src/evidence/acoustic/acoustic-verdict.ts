import type { MonitoredDetail } from './monitored-detail';
import { HEARD_THRESHOLD, matchWindows, Reference, SILENCE_DB } from './signature-match';

export interface Verdict {
  verdict: 'heard' | 'not-heard' | 'silent' | 'unverifiable';
  /** Why it could not be verified: no-file (a relay, a stream), file-unreadable. */
  reason: string | null;
  score: number | null;
  lagMs: number | null;
  /** The loudest window's level, dBFS. */
  levelDb: number | null;
}

/**
 * An airing's verdict from its heard windows: silent when every window is below SILENCE_DB (a dead
 * line or microphone, or nothing played), heard when the signatures match the file at the reported
 * offsets, else not heard (only the room, or something else).
 */
export function gradeAiring(ref: Reference, windows: MonitoredDetail['windows']): Verdict {
  const levelDb = Math.max(...windows.map((w) => w.levelDb));
  const m = matchWindows(ref, windows);
  const verdict = m.score >= HEARD_THRESHOLD ? 'heard' : levelDb < SILENCE_DB ? 'silent' : 'not-heard';
  return { verdict, reason: null, score: m.score, lagMs: m.lagMs, levelDb };
}
