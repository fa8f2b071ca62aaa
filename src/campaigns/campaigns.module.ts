import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';
import { ProgramsModule } from '../programs/programs.module';
import { ScheduleModule } from '../schedule/schedule.module';
import { UnitsModule } from '../units/units.module';
import { CampaignComplianceService } from './campaign-compliance';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';

@Module({ imports: [UnitsModule, ProgramsModule, MediaModule, ScheduleModule], controllers: [CampaignsController], providers: [CampaignsService, CampaignComplianceService] })
export class CampaignsModule {}
