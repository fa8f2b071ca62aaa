import { Module } from '@nestjs/common';
import { UnitMergesController } from './merges/unit-merges.controller';
import { UnitMergesService } from './merges/unit-merges.service';
import { UnitImportService } from './unit-import.service';
import { UnitsController } from './units.controller';
import { UnitsService } from './units.service';

// (the merges controller first: POST units/merge is not a unit id)
@Module({ controllers: [UnitMergesController, UnitsController], providers: [UnitsService, UnitImportService, UnitMergesService], exports: [UnitsService] })
export class UnitsModule {}
