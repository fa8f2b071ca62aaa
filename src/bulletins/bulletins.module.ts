import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { DistributionModule } from '../distribution/distribution.module';
import { MediaModule } from '../media/media.module';
import { UnitsModule } from '../units/units.module';
import { BulletinsController } from './bulletins.controller';
import { BulletinsService } from './bulletins.service';

/** Bulletins from above (Circular 39/2020/TT-BTTTT's three levels) and each commune's answer to them. */
@Module({ imports: [ChannelsModule, DistributionModule, MediaModule, UnitsModule], controllers: [BulletinsController], providers: [BulletinsService] })
export class BulletinsModule {}
