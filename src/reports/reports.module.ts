import { Module } from '@nestjs/common';
import { ScheduleModule } from '../schedule/schedule.module';
import { UnitsModule } from '../units/units.module';
import { ReportsController } from './reports.controller';
import { OfficialReportService } from './official/official-report.service';
import { ReportsService } from './reports.service';

@Module({ imports: [ScheduleModule, UnitsModule], controllers: [ReportsController], providers: [ReportsService, OfficialReportService] })
export class ReportsModule {}
