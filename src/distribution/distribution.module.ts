import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { DevicesModule } from '../devices/devices.module';
import { EvidenceModule } from '../evidence/evidence.module';
import { MediaModule } from '../media/media.module';
import { ProgramsModule } from '../programs/programs.module';
import { UnitsModule } from '../units/units.module';
import { AlertsService } from './alerts.service';
import { BrokerMemoryCheck } from './broker-memory';
import { DeviceAlertController } from './device-alert.controller';
import { DeviceCommandsService } from './device-commands.service';
import { DeviceIngest } from './device-ingest';
import { FleetController } from './fleet.controller';
import { PlaylistCompiler } from './playlist-compiler';
import { PlaylistDistributor } from './playlist-distributor';
import { PlaylistsController } from './playlists.controller';
import { MosquittoSync } from './mosquitto-sync';
import { PresenceService } from './presence.service';

/** The server side of the device protocol: playlists out, events and status in, alerts, commands. */
@Module({
  imports: [ChannelsModule, DevicesModule, EvidenceModule, MediaModule, ProgramsModule, UnitsModule],
  controllers: [PlaylistsController, DeviceAlertController, FleetController],
  providers: [PlaylistCompiler, PlaylistDistributor, BrokerMemoryCheck, DeviceIngest, PresenceService, AlertsService, DeviceCommandsService, MosquittoSync],
  exports: [AlertsService],
})
export class DistributionModule {}
