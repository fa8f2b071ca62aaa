import { Body, Controller, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { campaignCsv } from './campaign-csv';
import { CampaignComplianceService } from './campaign-compliance';
import { CampaignsService } from './campaigns.service';
import { CreateCampaignDto, PlanCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService, private readonly compliance: CampaignComplianceService) {}

  @Get()
  @ApiOperation({ operationId: 'listCampaigns' })
  list(@CurrentActor() actor: Actor) {
    return this.campaigns.list(actor);
  }

  @Post()
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'createCampaign', summary: 'Chiến dịch: phát thanh và bảng LED của cả một địa bàn trong cùng khoảng ngày; lập lịch ngay' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCampaignDto) {
    return this.campaigns.create(actor, dto);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getCampaign' })
  get(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.campaigns.get(actor, id);
  }

  @Patch(':id')
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'updateCampaign', summary: 'Sửa chiến dịch; lịch đã xếp không còn phù hợp được thu hồi và xếp lại' })
  update(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: UpdateCampaignDto) {
    return this.campaigns.update(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'cancelCampaign', summary: 'Dừng chiến dịch: hủy các mục chưa bắt đầu, giữ lịch sử' })
  cancel(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.campaigns.cancel(actor, id);
  }

  @Post(':id/plan')
  @HttpCode(200)
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'planCampaign', summary: 'Xếp lại lịch của chiến dịch (dryRun: chỉ xem sẽ xếp gì và vì sao thiếu)' })
  plan(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: PlanCampaignDto) {
    return this.campaigns.plan(actor, id, dto.dryRun ?? false);
  }

  @Get(':id/compliance')
  @ApiOperation({ operationId: 'getCampaignCompliance', summary: 'Tuân thủ của chiến dịch theo từng đơn vị: lượt phát và thời lượng trình chiếu, đã xếp và đã có bằng chứng' })
  async complianceReport(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.compliance.report(await this.campaigns.get(actor, id));
  }

  @Get(':id/compliance.csv')
  @ApiOperation({ operationId: 'campaignComplianceCsv', summary: 'Báo cáo chiến dịch theo đơn vị (CSV)' })
  async complianceCsv(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Res() res: Response) {
    const campaign = await this.campaigns.get(actor, id);
    const body = campaignCsv(campaign, await this.compliance.report(campaign));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="chien-dich-${campaign.startsOn}-${campaign.endsOn}.csv"`);
    res.send(body);
  }
}
