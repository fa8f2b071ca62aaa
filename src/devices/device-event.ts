import { DeviceContract } from '../infrastructure/contract/device-contract';
import type { FieldProblem } from '../infrastructure/http/app-error';

export const EVENT_TYPES = ['play.started', 'play.completed', 'play.failed', 'playlist.applied', 'media.downloaded', 'media.failed', 'alert.played', 'play.monitored'] as const;
export const MAX_EVENTS_PER_REQUEST = 1000;

/**
 * What the database stores, so that a valid event is always a storable one (docs/protocol.md,
 * "Limits"): PostgreSQL `integer` for versions, no NUL anywhere in text or JSON, a bounded `detail`,
 * and an `at` the monthly partitions hold.
 */
export const EVENT_LIMITS = {
  maxVersion: 2_147_483_647,
  maxDetailBytes: 4096,
  maxDetailDepth: 8,
  /** An event older than this is refused (a player keeps a month of backlog at most). */
  maxAgeDays: 35,
  /** An event dated later than its receipt by more than this (clock skew) is refused. */
  maxFutureS: 300,
} as const;

/** ISO 8601 with a time and an explicit offset: "2026-12-01T06:30:00+07:00" or "…Z". */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An Event of the device protocol (docs/contract/schemas/event.schema.json), as validated. */
export interface DeviceEventDto {
  /** Made by the device; the idempotency key. */
  eventId: string;
  deviceId: string;
  type: (typeof EVENT_TYPES)[number];
  entryId?: string;
  playlistVersion?: number;
  at: string;
  detail?: Record<string, unknown>;
}

let contract: DeviceContract | null = null;
/** The protocol's schemas, compiled on first use (once per process). */
export function deviceContract(): DeviceContract {
  return (contract ??= new DeviceContract());
}

function problem(i: number, field: string, code: string, vi: string, en: string): FieldProblem {
  return { field: `${i}.${field}`, codes: [code], message: `${i}.${field}: ${vi}`, messageEn: `${i}.${field}: ${en}` };
}

/** Depth of a JSON value, and whether any string or key in it holds a NUL. */
function inspectJson(value: unknown, depth = 0): { depth: number; nul: boolean } {
  if (typeof value === 'string') return { depth, nul: value.includes('\u0000') };
  if (!value || typeof value !== 'object') return { depth, nul: false };
  let result = { depth: depth + 1, nul: false };
  for (const [k, v] of Object.entries(value)) {
    const inner = inspectJson(v, depth + 1);
    result = { depth: Math.max(result.depth, inner.depth), nul: result.nul || inner.nul || k.includes('\u0000') };
    if (result.depth > EVENT_LIMITS.maxDetailDepth) break;
  }
  return result;
}

/** Problems of one event that its schema cannot see: what the database would refuse. */
function storableProblems(dto: DeviceEventDto, i: number, now: Date): FieldProblem[] {
  const out: FieldProblem[] = [];
  const at = Date.parse(dto.at);
  if (!INSTANT.test(dto.at) || !Number.isFinite(at)) out.push(problem(i, 'at', 'offsetRequired', 'phải có giờ và múi giờ, ví dụ 2026-12-01T06:30:00+07:00', 'must have a time and an offset, e.g. 2026-12-01T06:30:00+07:00'));
  else if (at < now.getTime() - EVENT_LIMITS.maxAgeDays * 86_400_000) out.push(problem(i, 'at', 'tooOld', `cũ hơn ${EVENT_LIMITS.maxAgeDays} ngày, không nhận`, `is more than ${EVENT_LIMITS.maxAgeDays} days old`));
  else if (at > now.getTime() + EVENT_LIMITS.maxFutureS * 1000) out.push(problem(i, 'at', 'inFuture', 'ở tương lai so với giờ máy chủ (kiểm tra đồng hồ thiết bị)', 'is in the future of the server clock (check the device clock)'));
  if (dto.detail !== undefined) {
    const json = JSON.stringify(dto.detail);
    const { depth, nul } = inspectJson(dto.detail);
    if (Buffer.byteLength(json) > EVENT_LIMITS.maxDetailBytes) out.push(problem(i, 'detail', 'tooLarge', `dài quá ${EVENT_LIMITS.maxDetailBytes} byte`, `is over ${EVENT_LIMITS.maxDetailBytes} bytes`));
    else if (depth > EVENT_LIMITS.maxDetailDepth) out.push(problem(i, 'detail', 'tooDeep', `lồng quá ${EVENT_LIMITS.maxDetailDepth} cấp`, `nests deeper than ${EVENT_LIMITS.maxDetailDepth} levels`));
    else if (nul) out.push(problem(i, 'detail', 'controlCharacter', 'không được chứa ký tự NUL', 'must not contain NUL characters'));
  }
  return out;
}

/**
 * Validates Events of the protocol sent by `deviceId` at `now`; returns the valid ones and, for the
 * others, what is wrong with them, by position ("3.at"). A valid event is one the database stores.
 */
export function parseDeviceEvents(
  items: unknown[],
  deviceId: string,
  now = new Date(),
): { events: DeviceEventDto[]; problems: FieldProblem[]; invalid: Set<number>; refused: Array<{ deviceId: string; reason: string; payload: unknown }> } {
  const problems: FieldProblem[] = [];
  const invalid = new Set<number>();
  const events: DeviceEventDto[] = [];
  items.forEach((raw, i) => {
    // the contract first (docs/contract/schemas/event.schema.json), then what the database would refuse
    const mine: FieldProblem[] = deviceContract()
      .problems('event', raw)
      .map((p) => ({ field: p.path ? `${i}.${p.path}` : String(i), codes: [p.keyword], message: `${p.path ? `${i}.${p.path}` : i}: ${p.message}`, messageEn: `${p.path ? `${i}.${p.path}` : i}: ${p.messageEn}` }));
    const dto = raw as DeviceEventDto;
    if (!mine.length) {
      if (dto.deviceId !== deviceId) mine.push(problem(i, 'deviceId', 'ownDevice', 'phải là mã của chính thiết bị gửi', 'must be the sending device'));
      mine.push(...storableProblems(dto, i, now));
    }
    if (mine.length) {
      problems.push(...mine);
      invalid.add(i);
    } else events.push(dto);
  });
  // each refused event with its reasons (Vietnamese, as people read them), as it is kept
  const refused = [...invalid].map((i) => ({ deviceId, reason: problems.filter((p) => p.field.startsWith(`${i}.`)).map((p) => p.message).join('; '), payload: items[i] }));
  return { events, problems, invalid, refused };
}
