import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsNotEmpty, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../../infrastructure/http/calendar-date';
import { UNIT_CODE_PATTERN } from '../unit-csv';

export class MergedUnitDto {
  /** The new commune's official code. */
  @IsString() @Matches(UNIT_CODE_PATTERN)
  code: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;
}

export class MergeUnitsDto {
  /** The communes that merge (siblings under one parent). */
  @ArrayMinSize(2) @ArrayMaxSize(20) @ArrayUnique() @IsUUID('all', { each: true })
  unitIds: string[];

  @ValidateNested() @Type(() => MergedUnitDto)
  into: MergedUnitDto;

  /** The first day the new commune exists (a month's first day, as the 2025 reform took effect on 1 July). */
  @IsCalendarDate()
  on: string;
}
