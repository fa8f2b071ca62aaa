import { Module } from '@nestjs/common';
import { UnitsModule } from '../units/units.module';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';

@Module({ imports: [UnitsModule], controllers: [ChannelsController], providers: [ChannelsService], exports: [ChannelsService] })
export class ChannelsModule {}
