import { Nullable } from '../../infrastructure/http/input-text.pipe';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, Validate, ValidateIf } from 'class-validator';
import { TimeZoneConstraint } from '../../infrastructure/http/time-zone.constraint';
import { UNIT_KINDS, UnitKind } from '../unit-kind';
import { UNIT_CODE_PATTERN } from '../unit-csv';

export class CreateUnitDto {
  /** Official administrative code, e.g. 15943 */
  @IsString() @Matches(UNIT_CODE_PATTERN)
  code: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @IsIn(UNIT_KINDS)
  kind: UnitKind;

  /** Parent unit; omit for a root (national administrators only). */
  @IsOptional() @IsUUID()
  parentId?: string;

  /** IANA zone; defaults to the parent's, or DEFAULT_TIMEZONE for a root. */
  @IsOptional() @IsString() @Validate(TimeZoneConstraint)
  timezone?: string;
}

@Nullable('parentId')
export class UpdateUnitDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @IsOptional() @IsIn(UNIT_KINDS)
  kind?: UnitKind;

  /** Move the unit (with its whole subtree) under another parent. */
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUUID()
  parentId?: string | null;

  @IsOptional() @IsString() @Validate(TimeZoneConstraint)
  timezone?: string;
}

export class ListUnitsQuery {
  @IsOptional() @IsUUID()
  parentId?: string;

  @IsOptional() @IsIn(UNIT_KINDS)
  kind?: UnitKind;

  /** Matches name or code, ignoring case. */
  @IsOptional() @IsString() @MaxLength(100)
  q?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000)
  offset?: number;
}

export class SubtreeQuery {
  /** Levels below the unit to include (default: all). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10)
  depth?: number;
}
