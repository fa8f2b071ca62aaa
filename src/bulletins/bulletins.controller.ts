import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { BulletinsService } from './bulletins.service';
import { BulletinReportQuery, DeclineBulletinDto, OrderBulletinsDto, PlaceBulletinDto, SendBulletinDto } from './dto/bulletin.dto';

/** Bulletins sent down to commune stations (Circular 39/2020/TT-BTTTT), and what the communes did with them. */
@ApiTags('bulletins')
@ApiBearerAuth()
@Controller('api/v1')
export class BulletinsController {
  constructor(private readonly bulletins: BulletinsService) {}

  @Post('bulletins')
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'sendBulletin', summary: 'Gửi bản tin xuống các đài xã: thông thường (xã chọn giờ), ưu tiên (đầu phiên kế tiếp), khẩn cấp (phát ngay)' })
  send(@CurrentActor() actor: Actor, @Body() dto: SendBulletinDto) {
    return this.bulletins.send(actor, dto);
  }

  @Get('bulletins/inbox')
  @ApiOperation({ operationId: 'bulletinInbox', summary: 'Bản tin chờ xử lý của các kênh trong phạm vi' })
  inbox(@CurrentActor() actor: Actor) {
    return this.bulletins.inbox(actor);
  }

  @Post('bulletins/:id/channels/:channelId/place')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'placeBulletin', summary: 'Xếp bản tin vào lịch phát của kênh' })
  place(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Param('channelId', ParseId) channelId: string, @Body() dto: PlaceBulletinDto) {
    return this.bulletins.place(actor, id, channelId, new Date(dto.startsAt));
  }

  @Post('bulletins/:id/channels/:channelId/decline')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'declineBulletin', summary: 'Không phát bản tin trên kênh này (kèm lý do)' })
  decline(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Param('channelId', ParseId) channelId: string, @Body() dto: DeclineBulletinDto) {
    return this.bulletins.decline(actor, id, channelId, dto.reason);
  }

  @Post('channels/:id/bulletin-order')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'orderPriorityBulletins', summary: 'Thứ tự phát các bản tin ưu tiên ở đầu phiên kế tiếp' })
  order(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: OrderBulletinsDto) {
    return this.bulletins.order(actor, id, dto.bulletinIds);
  }

  @Get('reports/bulletins')
  @ApiOperation({ operationId: 'bulletinReport', summary: 'Bản tin theo xã, mức độ và nguồn: nhận, đã xếp, đã phát, từ chối (lý do), hết hiệu lực' })
  report(@CurrentActor() actor: Actor, @Query() q: BulletinReportQuery) {
    return this.bulletins.report(actor, q.unitId, q.from, q.to);
  }
}
