import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { StrictBoolean } from '../infrastructure/http/strict-boolean';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { ChannelsService } from '../channels/channels.service';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { AlertsService } from './alerts.service';
import { DeviceCommandsService } from './device-commands.service';
import { AlertReachQuery, DeviceCommandDto, StartAlertDto } from './dto/alert.dto';
import { PresenceService } from './presence.service';

export class DeviceListQuery {
  @IsOptional() @IsUUID()
  unitId?: string;

  @IsOptional() @IsUUID()
  channelId?: string;

  /** Only devices flagged: offline, on an old playlist, refusing events, or with no sound. */
  @IsOptional() @StrictBoolean() @IsBoolean()
  flagged?: boolean;
}

export class MapQuery {
  @IsOptional() @IsUUID()
  unitId?: string;
}

export class AlertListQuery {
  @IsOptional() @StrictBoolean() @IsBoolean()
  active?: boolean;
}

/** The devices of a subtree as people see them: presence, flags, commands; and emergency alerts. */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1')
export class FleetController {
  constructor(private readonly presence: PresenceService, private readonly commands: DeviceCommandsService, private readonly alerts: AlertsService, private readonly channels: ChannelsService) {}

  @Get('devices')
  @ApiOperation({ operationId: 'listDevicePresence', summary: 'Thiết bị trong phạm vi: trực tuyến/mất kết nối, lần cuối thấy, phiên bản danh sách phát, âm lượng' })
  async list(@CurrentActor() actor: Actor, @Query() q: DeviceListQuery) {
    if (q.channelId) await this.channels.get(actor, q.channelId);
    return { items: await this.presence.list(actor, q) };
  }

  @Get('map')
  @ApiOperation({ operationId: 'deviceMap', summary: 'Bản đồ cụm loa và bảng LED: trạng thái (đang phát, chờ, mất kết nối, danh sách phát cũ) và danh sách sự cố kèm thời gian kéo dài' })
  map(@CurrentActor() actor: Actor, @Query() q: MapQuery) {
    return this.presence.map(actor, q.unitId);
  }

  @Post('devices/:id/commands')
  @HttpCode(202)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'sendDeviceCommand', summary: 'Gửi lệnh tới thiết bị: sync, volume, stop, reboot' })
  command(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: DeviceCommandDto) {
    return this.commands.send(actor, id, dto);
  }

  @Post('alerts')
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'startAlert', summary: 'Phát cảnh báo khẩn cấp trên các kênh thuộc phạm vi; ưu tiên trên mọi nội dung' })
  start(@CurrentActor() actor: Actor, @Body() dto: StartAlertDto) {
    return this.alerts.start(actor, dto);
  }

  @Get('alerts/reach')
  @ApiOperation({ operationId: 'alertReach', summary: 'Một cảnh báo cho cả đơn vị sẽ tới bao nhiêu cụm loa và thiết bị' })
  reach(@CurrentActor() actor: Actor, @Query() q: AlertReachQuery) {
    return this.alerts.reach(actor, q.unitId);
  }

  @Get('alerts')
  @ApiOperation({ operationId: 'listAlerts' })
  async listAlerts(@CurrentActor() actor: Actor, @Query() q: AlertListQuery) {
    return { items: await this.alerts.list(actor, q.active ?? false) };
  }

  @Post('alerts/:id/stop')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'stopAlert', summary: 'Dừng cảnh báo khẩn cấp; thiết bị trở lại lịch phát' })
  stop(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.alerts.stop(actor, id);
  }
}
