import { Module } from '@nestjs/common';
import { UnitImportService } from './unit-import.service';
import { UnitsController } from './units.controller';
import { UnitsService } from './units.service';

@Module({ controllers: [UnitsController], providers: [UnitsService, UnitImportService], exports: [UnitsService] })
export class UnitsModule {}
