import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Min, validateSync } from 'class-validator';
import { CurrentDevice, DeviceAccess, DevicePrincipal } from '../auth/decorators';
import { EvidenceService } from '../evidence/evidence.service';
import { AppError, FieldProblem } from '../infrastructure/http/app-error';
import { ParseId } from '../infrastructure/http/uuid.pipe';
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

/** HTTP fallback of the device protocol: a device posts its queued events; stored once each. */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/devices')
export class DeviceEventsController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post(':id/events')
  @HttpCode(200)
  @DeviceAccess(true)
  @ApiBody({ schema: { type: 'array', items: { type: 'object' } } })
  @ApiOperation({ operationId: 'postDeviceEvents', summary: 'Thiết bị gửi sự kiện phát (mảng Event); lưu mỗi eventId một lần' })
  async post(@CurrentDevice() device: DevicePrincipal, @Param('id', ParseId) id: string, @Body() body: unknown) {
    if (device.id !== id) throw new AppError('NOT_YOUR_DEVICE');
    const items = Array.isArray(body) ? body : [body];
    if (items.length > MAX_EVENTS_PER_REQUEST) throw new AppError('TOO_MANY_EVENTS', { limit: MAX_EVENTS_PER_REQUEST });
    const { events, problems } = parseDeviceEvents(items, device.id);
    if (problems.length) throw new AppError('VALIDATION_FAILED', {}, problems);
    return this.evidence.record(events.map((e) => ({ ...e, channelId: device.channelId, at: new Date(e.at), entryId: e.entryId ?? null, playlistVersion: e.playlistVersion ?? null, detail: e.detail ?? null })));
  }
}
