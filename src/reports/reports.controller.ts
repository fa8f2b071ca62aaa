import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/decorators';
import { ComplianceQuery } from '../schedule/dto/schedule.dto';
import { ReportFileQuery, OfficialReportDto, ReportPeriodsQuery } from './dto/official-report.dto';
import { OfficialReportService } from './official/official-report.service';
import { ReportsService } from './reports.service';

/** R6: compliance reports for 6-month, yearly and ad-hoc periods, and the broadcast log. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService, private readonly official: OfficialReportService) {}

  @Get('periods')
  @ApiOperation({ operationId: 'reportPeriods', summary: 'Kỳ báo cáo: 6 tháng, năm, và mốc chốt số liệu theo Nghị định 09/2019; kỳ hiện tại' })
  periods(@CurrentActor() actor: Actor, @Query() q: ReportPeriodsQuery) {
    return this.official.periods(actor, q.unitId);
  }

  @Post('official')
  @HttpCode(200)
  @ApiOperation({ operationId: 'officialReport', summary: 'Báo cáo chính thức theo thể thức Nghị định 30/2020 (DOCX để sửa trước khi ký, hoặc PDF)' })
  async officialReport(@CurrentActor() actor: Actor, @Body() dto: OfficialReportDto, @Res() res: Response) {
    const { name, type, body } = await this.official.render(actor, dto);
    send(res, body, type, name);
  }

  @Get('compliance/months')
  @ApiOperation({ operationId: 'complianceByMonth', summary: 'Tỷ lệ quy định × kênh đạt theo tháng (biểu đồ)' })
  months(@CurrentActor() actor: Actor, @Query() q: ComplianceQuery) {
    return this.reports.months(actor, q.unitId, q.from, q.to);
  }

  @Get('compliance.xlsx')
  @ApiOperation({ operationId: 'complianceXlsx', summary: 'Báo cáo tuân thủ (Excel)' })
  async xlsx(@CurrentActor() actor: Actor, @Query() q: ReportFileQuery, @Res() res: Response) {
    const { name, body } = await this.reports.xlsx(actor, q.unitId, q.from, q.to, q.lang);
    send(res, body, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `${name}.xlsx`);
  }

  @Get('compliance.pdf')
  @ApiOperation({ operationId: 'compliancePdf', summary: 'Báo cáo tuân thủ (PDF)' })
  async pdf(@CurrentActor() actor: Actor, @Query() q: ComplianceQuery, @Res() res: Response) {
    const { name, body } = await this.reports.pdf(actor, q.unitId, q.from, q.to);
    send(res, body, 'application/pdf', `${name}.pdf`);
  }

  @Get('broadcast-log.csv')
  @ApiOperation({ operationId: 'broadcastLogCsv', summary: 'Nhật ký phát (CSV): mọi mục lịch phát, xác nhận và bằng chứng thiết bị' })
  async log(@CurrentActor() actor: Actor, @Query() q: ReportFileQuery, @Res() res: Response) {
    const { name, body } = await this.reports.broadcastLog(actor, q.unitId, q.from, q.to, q.lang);
    send(res, body, 'text/csv; charset=utf-8', `${name}.csv`);
  }
}

function send(res: Response, body: Buffer | string, type: string, filename: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.send(body);
}
