import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsLatitude, IsLongitude, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { DevicesService } from './devices.service';

export class RegisterDeviceDto {
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  /** speaker: loudspeaker cluster (cụm loa IP); integration: a box feeding a wired or FM station's amplifier or transmitter; both on loudspeaker channels. led: LED board player, on LED board channels. */
  @IsIn(['speaker', 'led', 'integration'])
  kind: 'speaker' | 'led' | 'integration';

  @IsOptional() @IsLatitude()
  lat?: number;

  @IsOptional() @IsLongitude()
  lng?: number;

  @IsOptional() @IsString() @MaxLength(200)
  village?: string;
}

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post('channels/:id/devices')
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'registerDevice', summary: 'Đăng ký thiết bị; mã bí mật (token) chỉ hiển thị một lần' })
  register(@CurrentActor() actor: Actor, @Param('id', ParseId) channelId: string, @Body() dto: RegisterDeviceDto) {
    return this.devices.register(actor, channelId, dto);
  }

  @Get('channels/:id/devices')
  @ApiOperation({ operationId: 'listDevices' })
  list(@CurrentActor() actor: Actor, @Param('id', ParseId) channelId: string) {
    return this.devices.list(actor, channelId);
  }

  @Get('devices/:id/activity')
  @ApiOperation({ operationId: 'deviceActivity', summary: 'Trang của một cụm loa: sự kiện gần đây và các lượt phát của kênh (24 giờ qua và tới)' })
  activity(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.devices.activity(actor, id);
  }

  @Post('devices/:id/token')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'rotateDeviceToken', summary: 'Cấp mã bí mật mới; mã cũ hết hiệu lực ngay' })
  rotate(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.devices.rotate(actor, id);
  }

  @Post('devices/:id/reinstate')
  @HttpCode(200)
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'reinstateDevice', summary: 'Khôi phục thiết bị đã thu hồi, với mã bí mật mới (chỉ hiển thị một lần)' })
  reinstate(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.devices.reinstate(actor, id);
  }

  @Post('devices/:id/revoke')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'revokeDevice', summary: 'Thu hồi quyền kết nối của thiết bị' })
  revoke(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.devices.revoke(actor, id);
  }
}
