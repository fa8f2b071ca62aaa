import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../auth/actor';
import { CurrentActor, CurrentDevice, DeviceAccess, DevicePrincipal } from '../auth/decorators';
import { DevicesService } from '../devices/devices.service';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { AlertsService } from './alerts.service';
import { etagMatches } from './playlists.controller';

/**
 * The active alert of a device's channel over HTTP (an addition within v1): what the retained alert
 * topic carries, for a player that cannot reach the broker. 200 with the Alert and `ETag: "<alert id>"`,
 * or 204 with `ETag: "none"` when nothing is active; `If-None-Match` gives 304.
 */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/devices')
export class DeviceAlertController {
  constructor(private readonly alerts: AlertsService, private readonly devices: DevicesService) {}

  @Get(':id/alert')
  @DeviceAccess()
  @ApiOperation({ operationId: 'getDeviceAlert', summary: 'Cảnh báo khẩn cấp đang phát trên kênh của thiết bị (204 nếu không có); ETag là mã cảnh báo' })
  async get(@CurrentDevice() device: DevicePrincipal | undefined, @CurrentActor() actor: Actor | undefined, @Param('id', ParseId) id: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: Response): Promise<void> {
    const channelId = await this.devices.channelForRoute(device, actor, id);
    const alert = await this.alerts.activeFor(channelId);
    const etag = `"${alert?.id ?? 'none'}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (etagMatches(ifNoneMatch, etag)) {
      res.status(304).end();
      return;
    }
    if (!alert) {
      res.status(204).end();
      return;
    }
    res.status(200).type('application/json; charset=utf-8').send(JSON.stringify(alert));
  }
}
