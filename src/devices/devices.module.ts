import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelsModule } from '../channels/channels.module';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import type { Runtime } from '../infrastructure/runtime';
import { RUNTIME } from '../infrastructure/runtime.module';
import { DeviceAccessPolicy } from './device-access.policy';
import { DeviceEventsController } from './device-events.controller';
import { DevicesController } from './devices.controller';
import { BrokerSync } from './broker-sync';
import { DeviceSessions } from './device-sessions';
import { DevicesService } from './devices.service';
import { RejectedEventsController } from './rejected-events.controller';

@Module({ imports: [ChannelsModule], controllers: [DevicesController, DeviceEventsController, RejectedEventsController], providers: [DevicesService, DeviceSessions, BrokerSync], exports: [DevicesService] })
export class DevicesModule implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The embedded broker starts before the database is up; once it is, devices may connect. */
  onApplicationBootstrap(): void {
    const broker = this.runtime.embedded.broker;
    if (broker && this.runtime.mqttCredentials) broker.setPolicy(new DeviceAccessPolicy(this.db, this.runtime.mqttCredentials, this.config.MQTT_TOPIC_PREFIX));
  }
}
