import { Module } from '@nestjs/common';
import { ScheduleModule } from '../schedule/schedule.module';
import { UnitsModule } from '../units/units.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({ imports: [ScheduleModule, UnitsModule], controllers: [ReportsController], providers: [ReportsService] })
export class ReportsModule {}
