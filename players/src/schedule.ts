import type { Alert, Entry } from './protocol';

/**
 * What the player should be doing at an instant — a pure function of the playlist, the active
 * alert and the time, so it is tested with a fake clock and nothing else.
 *
 * Late start rule (documented in players/README.md):
 * - an alert that has not finished pre-empts everything, from its start;
 * - a relay or slides entry is joined at any moment before its end;
 * - an audio entry is joined mid-program, at the offset of the time already passed, while at most
 *   half of it has passed and at least `minRemainingMs` remain; later than that it is skipped and
 *   reported (`play.failed`, reason `late`) — half a program is still worth hearing, its last
 *   minute is not.
 */
export interface LateStartRule {
  minRemainingMs: number;
}

export const DEFAULT_LATE_START: LateStartRule = { minRemainingMs: 30_000 };

export type Decision =
  | { action: 'idle'; until: number | null }
  | { action: 'alert'; alert: Alert }
  | { action: 'play'; entry: Entry; offsetMs: number; until: number }
  | { action: 'skip'; entry: Entry; reason: 'late' };

const ms = (iso: string) => Date.parse(iso);

/** Length of what an audio entry plays: its media, bounded by its slot. */
export function playLengthMs(entry: Entry): number {
  const slot = ms(entry.endsAt) - ms(entry.startsAt);
  const media = entry.media[0]?.durationMs;
  return media && media > 0 ? Math.min(media, slot) : slot;
}

export function decide(entries: Entry[], alert: Alert | null, now: number, rule: LateStartRule = DEFAULT_LATE_START): Decision {
  if (alert && ms(alert.startsAt) <= now && (!alert.endsAt || ms(alert.endsAt) > now)) return { action: 'alert', alert };
  const current = entries.find((e) => ms(e.startsAt) <= now && now < ms(e.endsAt));
  if (current) {
    const offsetMs = now - ms(current.startsAt);
    if (current.kind !== 'audio') return { action: 'play', entry: current, offsetMs, until: ms(current.endsAt) };
    const length = playLengthMs(current);
    const end = ms(current.startsAt) + length;
    if (offsetMs < 1000 || (offsetMs <= length / 2 && end - now >= rule.minRemainingMs)) return { action: 'play', entry: current, offsetMs, until: end };
    if (now < end) return { action: 'skip', entry: current, reason: 'late' };
  }
  const next = entries.find((e) => ms(e.startsAt) > now);
  const alertStart = alert && ms(alert.startsAt) > now ? ms(alert.startsAt) : null;
  const candidates = [next ? ms(next.startsAt) : null, alertStart].filter((x): x is number => x !== null);
  return { action: 'idle', until: candidates.length ? Math.min(...candidates) : null };
}
