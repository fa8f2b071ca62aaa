import { ALGORITHM } from '../../../players/src/monitor/signature';
import type { HeardWindow } from './signature-match';

/** What a `play.monitored` event carries (docs/protocol.md, "Acoustic monitoring"). */
export interface MonitoredDetail {
  algorithm: typeof ALGORITHM;
  windows: Array<HeardWindow & { levelDb: number }>;
}

export const MONITOR_LIMITS = {
  maxWindows: 6,
  /** base64 of one window: 8 s is 536 characters; up to 15 s is accepted. */
  maxSigChars: 1000,
  /** A window starts within the first 24 hours of the file (an airing is at most 24 h long). */
  maxOffsetMs: 86_400_000,
} as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * What is wrong with a `play.monitored` event's entry and detail, as (field, code, Vietnamese,
 * English) — nothing when it can be checked. The rest of the event is checked as any other.
 */
export function monitoredProblems(entryId: unknown, detail: unknown): Array<{ field: string; code: string; vi: string; en: string }> {
  const out: Array<{ field: string; code: string; vi: string; en: string }> = [];
  if (!entryId) out.push({ field: 'entryId', code: 'required', vi: 'bắt buộc với play.monitored', en: 'is required for play.monitored' });
  const d = detail as Partial<MonitoredDetail> | undefined;
  if (!d || typeof d !== 'object') return [...out, { field: 'detail', code: 'required', vi: 'bắt buộc với play.monitored (algorithm, windows)', en: 'is required for play.monitored (algorithm, windows)' }];
  if (d.algorithm !== ALGORITHM) out.push({ field: 'detail.algorithm', code: 'unknownAlgorithm', vi: `phải là "${ALGORITHM}"`, en: `must be "${ALGORITHM}"` });
  if (!Array.isArray(d.windows) || d.windows.length < 1 || d.windows.length > MONITOR_LIMITS.maxWindows) {
    return [...out, { field: 'detail.windows', code: 'windowCount', vi: `phải có từ 1 đến ${MONITOR_LIMITS.maxWindows} đoạn nghe`, en: `must hold 1 to ${MONITOR_LIMITS.maxWindows} windows` }];
  }
  d.windows.forEach((w, k) => {
    const f = `detail.windows.${k}`;
    if (!w || typeof w !== 'object') return out.push({ field: f, code: 'notObject', vi: 'phải là một đối tượng', en: 'must be an object' });
    if (!Number.isInteger(w.offsetMs) || w.offsetMs < 0 || w.offsetMs > MONITOR_LIMITS.maxOffsetMs) out.push({ field: `${f}.offsetMs`, code: 'offset', vi: 'phải là số mili giây từ 0 đến 86400000', en: 'must be whole milliseconds from 0 to 86400000' });
    if (typeof w.levelDb !== 'number' || !Number.isFinite(w.levelDb) || w.levelDb < -120 || w.levelDb > 0) out.push({ field: `${f}.levelDb`, code: 'level', vi: 'phải là mức dBFS từ -120 đến 0', en: 'must be a dBFS level from -120 to 0' });
    if (typeof w.sig !== 'string' || !w.sig || w.sig.length > MONITOR_LIMITS.maxSigChars || !BASE64.test(w.sig)) out.push({ field: `${f}.sig`, code: 'signature', vi: `phải là base64, tối đa ${MONITOR_LIMITS.maxSigChars} ký tự`, en: `must be base64 of at most ${MONITOR_LIMITS.maxSigChars} characters` });
    return undefined;
  });
  return out;
}
