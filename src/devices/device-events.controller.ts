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
  @ApiOperation({
    operationId: 'postDeviceEvents',
    summary: 'Thiết bị gửi sự kiện phát (mảng Event); lưu mỗi eventId một lần. Sự kiện sai bị từ chối từng cái (refused, problems), các sự kiện khác vẫn được lưu',
  })
  async post(@CurrentDevice() device: DevicePrincipal, @Param('id', ParseId) id: string, @Body() body: unknown) {
    if (device.id !== id) throw new AppError('NOT_YOUR_DEVICE');
    if (!body || typeof body !== 'object') throw AppError.field('body', 'isArray', 'phải là một Event hoặc mảng Event', 'must be an Event or an array of Events');
    const items = Array.isArray(body) ? body : [body];
    if (items.length > MAX_EVENTS_PER_REQUEST) throw new AppError('TOO_MANY_EVENTS', { limit: MAX_EVENTS_PER_REQUEST });
    const { events, problems, invalid, refused } = parseDeviceEvents(items, device.id);
    // Each bad event is refused on its own (kept with its reason), so one cannot block a device's queue.
    await this.evidence.reject(refused, 'http', 'validation');
    const stored = await this.evidence.record(
      events.map((e) => ({ ...e, channelId: device.channelId, at: new Date(e.at), entryId: e.entryId ?? null, playlistVersion: e.playlistVersion ?? null, detail: e.detail ?? null })),
      'http',
    );
    return { accepted: stored.accepted, duplicates: stored.duplicates, refused: invalid.size + stored.rejected, ...(problems.length ? { problems } : {}) };
  }
}
