import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Min, validateSync } from 'class-validator';
import type { FieldProblem } from '../infrastructure/http/app-error';
import { toFieldProblems } from '../infrastructure/http/validation-messages';

export const EVENT_TYPES = ['play.started', 'play.completed', 'play.failed', 'playlist.applied', 'media.downloaded', 'media.failed', 'alert.played'] as const;
export const MAX_EVENTS_PER_REQUEST = 1000;

/** An Event of the device protocol (docs/protocol.md). */
export class DeviceEventDto {
  /** Made by the device; the idempotency key. */
  @IsString() @Length(1, 128)
  eventId: string;

  @IsUUID()
  deviceId: string;

  @IsIn(EVENT_TYPES)
  type: (typeof EVENT_TYPES)[number];

  @IsOptional() @IsUUID()
  entryId?: string;

  @IsOptional() @IsInt() @Min(0)
  playlistVersion?: number;

  @IsISO8601({ strict: true })
  at: string;

  @IsOptional() @IsObject()
  detail?: Record<string, unknown>;
}

/**
 * Validates Events of the protocol sent by `deviceId`; returns the valid ones and, for the others,
 * what is wrong with them, by position ("3.at").
 */
export function parseDeviceEvents(items: unknown[], deviceId: string): { events: DeviceEventDto[]; problems: FieldProblem[]; invalid: Set<number> } {
  const problems: FieldProblem[] = [];
  const invalid = new Set<number>();
  const events: DeviceEventDto[] = [];
  items.forEach((raw, i) => {
    const dto = plainToInstance(DeviceEventDto, raw && typeof raw === 'object' ? raw : {});
    const errors = validateSync(dto as object, { whitelist: true, forbidNonWhitelisted: true });
    const mine = toFieldProblems(errors, String(i));
    if (!errors.length && dto.deviceId !== deviceId) mine.push({ field: `${i}.deviceId`, codes: ['ownDevice'], message: `${i}.deviceId: phải là mã của chính thiết bị gửi`, messageEn: `${i}.deviceId: must be the sending device` });
    if (mine.length) {
      problems.push(...mine);
      invalid.add(i);
    } else events.push(dto);
  });
  return { events, problems, invalid };
}
