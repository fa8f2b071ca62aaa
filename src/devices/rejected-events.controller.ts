import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';

export class RejectedEventsQuery {
  @IsOptional() @IsUUID()
  deviceId?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;
}

/** Device events that were refused or could not be stored, with why: nothing disappears silently. */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/device-events')
export class RejectedEventsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get('rejected')
  @Roles('admin')
  @ApiOperation({ operationId: 'listRejectedDeviceEvents', summary: 'Sự kiện thiết bị bị từ chối hoặc không lưu được, kèm lý do (mới nhất trước)' })
  async list(@CurrentActor() actor: Actor, @Query() q: RejectedEventsQuery) {
    const params = [`${actor.pathPrefix}%`, q.deviceId ?? null];
    const scope = `FROM device_event_rejects r JOIN devices d ON d.id = r.device_id JOIN channels c ON c.id = d.channel_id JOIN units u ON u.id = c.unit_id
                   WHERE u.path LIKE $1 AND ($2::uuid IS NULL OR r.device_id = $2)`;
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total ${scope}`, params);
    const rows = await this.db.query(
      `SELECT r.id, r.device_id, d.name AS device_name, r.received_at, r.source, r.stage, r.reason, r.payload ${scope} ORDER BY r.id DESC LIMIT $3`,
      [...params, q.limit ?? 200],
    );
    return {
      total,
      items: rows.map((r: Record<string, unknown>) => ({ id: Number(r.id), deviceId: r.device_id, deviceName: r.device_name, receivedAt: r.received_at, source: r.source, stage: r.stage, reason: r.reason, payload: r.payload })),
    };
  }
}
