import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { ComplianceService } from './compliance.service';
import { ComplianceQuery, ConfirmEntryDto, VoidEntryDto, MoveEntryDto, CreateEntryDto, CreateRuleDto, CreateSeriesDto, EntriesQuery, PlanDto, UnconfirmedQuery, UpdateRuleDto } from './dto/schedule.dto';
import { EntriesService } from './entries.service';
import { PlanningService } from './planning.service';
import { RulesService } from './rules.service';

@ApiTags('schedule')
@ApiBearerAuth()
@Controller('api/v1')
export class ScheduleController {
  constructor(
    private readonly rules: RulesService,
    private readonly entries: EntriesService,
    private readonly planning: PlanningService,
    private readonly complianceService: ComplianceService,
  ) {}

  @Get('series')
  @ApiOperation({ operationId: 'listSeries' })
  listSeries(@CurrentActor() actor: Actor) {
    return this.rules.listSeries(actor);
  }

  @Post('series')
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'createSeries', summary: 'Chuyên mục' })
  createSeries(@CurrentActor() actor: Actor, @Body() dto: CreateSeriesDto) {
    return this.rules.createSeries(actor, dto);
  }

  @Get('rules')
  @ApiOperation({ operationId: 'listRules' })
  listRules(@CurrentActor() actor: Actor) {
    return this.rules.listRules(actor);
  }

  @Post('rules')
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'createRule', summary: 'Quy định phát (dữ liệu khai báo, kiểm tra khi lưu)' })
  createRule(@CurrentActor() actor: Actor, @Body() dto: CreateRuleDto) {
    return this.rules.createRule(actor, dto);
  }

  @Patch('rules/:id')
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'updateRule' })
  updateRule(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: UpdateRuleDto) {
    return this.rules.updateRule(actor, id, dto);
  }

  @Get('channels/:id/entries')
  @ApiOperation({ operationId: 'listScheduleEntries' })
  listEntries(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Query() q: EntriesQuery) {
    return this.entries.list(actor, id, new Date(q.from), new Date(q.to));
  }

  @Post('channels/:id/entries')
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'createScheduleEntry', summary: 'Thêm lượt phát, tiếp âm, thông báo (409 nếu trùng giờ cùng mức ưu tiên)' })
  createEntry(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: CreateEntryDto) {
    return this.entries.create(actor, id, dto);
  }

  @Get('entries/unconfirmed')
  @ApiOperation({ operationId: 'listUnconfirmedEntries', summary: 'Lượt phát đã qua chưa được xác nhận (mặc định 7 ngày): người vận hành xác nhận bù' })
  listUnconfirmed(@CurrentActor() actor: Actor, @Query() q: UnconfirmedQuery) {
    return this.entries.unconfirmed(actor, q.days ?? 7);
  }

  @Post('entries/:id/confirm')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'confirmScheduleEntry', summary: 'Xác nhận đã phát / không phát được (kèm lý do)' })
  confirmEntry(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: ConfirmEntryDto) {
    return this.entries.confirm(actor, id, dto.outcome, dto.reason);
  }

  @Patch('entries/:id')
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'moveScheduleEntry', summary: 'Dời mục lịch phát chưa bắt đầu sang giờ khác (409 nếu trùng giờ)' })
  moveEntry(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: MoveEntryDto) {
    return this.entries.move(actor, id, dto);
  }

  @Post('entries/:id/cancel')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'cancelScheduleEntry', summary: 'Hủy mục lịch phát chưa bắt đầu (409 ENTRY_HISTORY nếu đã bắt đầu, đã xác nhận hay có thiết bị báo phát)' })
  cancelEntry(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.entries.cancel(actor, id);
  }

  @Post('entries/:id/void')
  @HttpCode(200)
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'voidScheduleEntry', summary: 'Hủy bỏ có lý do một lượt phát đã là lịch sử (giữ lại, ghi nhật ký, hiện trong báo cáo)' })
  voidEntry(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: VoidEntryDto) {
    return this.entries.void(actor, id, dto.reason);
  }

  @Get('compliance')
  @ApiOperation({ operationId: 'getCompliance', summary: 'Tuân thủ theo quy định × kênh × kỳ: yêu cầu, đã xếp, đã có bằng chứng, trạng thái' })
  compliance(@CurrentActor() actor: Actor, @Query() q: ComplianceQuery) {
    return this.complianceService.report(actor, q.unitId, q.from, q.to);
  }

  @Post('schedule/plan')
  @HttpCode(200)
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'planSchedule', summary: 'Lập lịch theo quy định cho các kênh của một đơn vị; giải thích yêu cầu không đáp ứng được' })
  plan(@CurrentActor() actor: Actor, @Body() dto: PlanDto) {
    return this.planning.plan(actor, dto.unitId, dto.from, dto.to, dto.dryRun ?? false);
  }
}
