import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MediaModule } from '../media/media.module';
import { ProgramsModule } from '../programs/programs.module';
import { UnitsModule } from '../units/units.module';
import { ComplianceService } from './compliance.service';
import { EntriesService } from './entries.service';
import { MissedAirings } from './missed-airings';
import { PlanningService } from './planning.service';
import { ReplanWorker } from './replan.worker';
import { RulesService } from './rules.service';
import { ScheduleController } from './schedule.controller';

@Module({ imports: [UnitsModule, ChannelsModule, ProgramsModule, MediaModule], controllers: [ScheduleController], providers: [RulesService, EntriesService, PlanningService, ComplianceService, ReplanWorker, MissedAirings], exports: [ComplianceService, EntriesService, PlanningService] })
export class ScheduleModule {}
