import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BulletinsModule } from './bulletins/bulletins.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { DevicesModule } from './devices/devices.module';
import { DistributionModule } from './distribution/distribution.module';
import { ReportsModule } from './reports/reports.module';
import { EvidenceModule } from './evidence/evidence.module';
import { AcousticModule } from './evidence/acoustic/acoustic.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './infrastructure/jobs/jobs.module';
import { MediaModule } from './media/media.module';
import { ProgramsModule } from './programs/programs.module';
import { ReplanRequestsModule } from './schedule/replan-requests';
import { ChannelsModule } from './channels/channels.module';
import { ScheduleModule as BroadcastScheduleModule } from './schedule/schedule.module';
import type { AppConfig } from './infrastructure/config/app-config';
import { ConfigModule } from './infrastructure/config/config.module';
import { DatabaseModule } from './infrastructure/database/database.module';
import { DatabaseNotificationsModule } from './infrastructure/database/notifications';
import { MqttModule } from './infrastructure/mqtt/mqtt.module';
import type { Runtime } from './infrastructure/runtime';
import { RuntimeModule } from './infrastructure/runtime.module';
import { UnitsModule } from './units/units.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        RuntimeModule.forRoot(runtime),
        DatabaseModule.forRoot(runtime.databaseUrl, { connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS, statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS }),
        DatabaseNotificationsModule,
        MqttModule.forRoot(runtime.mqttUrl, runtime.mqttCredentials),
        ScheduleModule.forRoot(),
        JobsModule,
        ReplanRequestsModule,
        EvidenceModule,
        AcousticModule,
        AuditModule,
        AuthModule,
        UnitsModule,
        UsersModule,
        MediaModule,
        ProgramsModule,
        ChannelsModule,
        BroadcastScheduleModule,
        CampaignsModule,
        BulletinsModule,
        DevicesModule,
        DistributionModule,
        ReportsModule,
        HealthModule,
      ],
    };
  }
}
