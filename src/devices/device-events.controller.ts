import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentDevice, DeviceAccess, DevicePrincipal } from '../auth/decorators';
import { EvidenceService } from '../evidence/evidence.service';
import { AppError } from '../infrastructure/http/app-error';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { MAX_EVENTS_PER_REQUEST, parseDeviceEvents } from './device-event';

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
