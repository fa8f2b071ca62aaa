import type { ChannelWindow } from '../schedule/planner/planner';
import { addDays, isoWeekday, localDate, zonedInstant } from '../schedule/planner/local-time';

/**
 * Where priority bulletins go (Circular 39/2020/TT-BTTTT: "ưu tiên" bulletins are aired first in the
 * commune's program, at the start of its next broadcast session): pure functions of the channel's
 * windows, what is booked in the session, and `now`.
 */

export interface Session {
  start: Date;
  end: Date;
}

/** The next broadcast session starting after `now` (windows in local time, days off skipped), within a week. */
export function nextSession(windows: ChannelWindow[], daysOff: string[], timezone: string, now: Date): Session | null {
  const today = localDate(now, timezone);
  for (let d = 0; d <= 7; d++) {
    const day = addDays(today, d);
    if (daysOff.includes(day)) continue;
    const starts = windows
      .filter((w) => w.days.includes(isoWeekday(day)))
      .map((w) => ({ start: zonedInstant(day, w.start, timezone), end: w.end === '24:00' ? zonedInstant(addDays(day, 1), '00:00', timezone) : zonedInstant(day, w.end, timezone) }))
      .filter((s) => s.start > now)
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    if (starts.length) return starts[0];
  }
  return null;
}

export interface Booked {
  id: string;
  startsAt: Date;
  endsAt: Date;
}

export interface SessionLayout {
  /** The bulletins, back to back from the session's start, in the order given. */
  bulletins: Array<{ id: string; startsAt: Date; endsAt: Date }>;
  /** Entries pushed later inside the session to make room, with their new times. */
  moved: Array<{ id: string; startsAt: Date; endsAt: Date }>;
  /** Entries that no longer fit before the session ends: to be taken off and planned again. */
  displaced: string[];
}

/**
 * Lays the bulletins at the session's start in the order given; what was booked there keeps its order
 * and moves later as far as needed (never earlier); what would then run past the session's end is
 * displaced. `booked` are the session's entries that may move (scheduled, not started, same level).
 */
export function layoutSession(session: Session, bulletins: Array<{ id: string; durationMs: number }>, booked: Booked[]): SessionLayout {
  let cursor = session.start.getTime();
  const placed = bulletins.map((b) => {
    const startsAt = new Date(cursor);
    cursor += b.durationMs;
    return { id: b.id, startsAt, endsAt: new Date(cursor) };
  });
  const moved: SessionLayout['moved'] = [];
  const displaced: string[] = [];
  for (const e of [...booked].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())) {
    const start = Math.max(e.startsAt.getTime(), cursor);
    const end = start + (e.endsAt.getTime() - e.startsAt.getTime());
    if (end > session.end.getTime()) {
      displaced.push(e.id);
      continue;
    }
    if (start !== e.startsAt.getTime()) moved.push({ id: e.id, startsAt: new Date(start), endsAt: new Date(end) });
    cursor = end;
  }
  return { bulletins: placed, moved, displaced };
}
