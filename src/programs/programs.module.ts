import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';
import { UnitsModule } from '../units/units.module';
import { ProgramsController } from './programs.controller';
import { ProgramsService } from './programs.service';

@Module({ imports: [UnitsModule, MediaModule], controllers: [ProgramsController], providers: [ProgramsService], exports: [ProgramsService] })
export class ProgramsModule {}
