import { IsCalendarDate } from '../../infrastructure/http/calendar-date';
import { OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const TAG_PATTERN = /^[a-z0-9]+([:._-][a-z0-9]+)*$/;

export class CreateProgramDto {
  @IsString() @MinLength(1) @MaxLength(300)
  title: string;

  @IsOptional() @IsString() @MaxLength(5000)
  description?: string;

  @IsUUID()
  audioAssetId: string;

  /** Owner unit; defaults to the audio's unit. */
  @IsOptional() @IsUUID()
  unitId?: string;

  @IsOptional() @IsUUID()
  seriesId?: string;

  /** Local dates, YYYY-MM-DD. */
  @IsOptional() @IsCalendarDate()
  periodStart?: string;

  @IsOptional() @IsCalendarDate()
  periodEnd?: string;

  /** e.g. ["chuyen-doi-so", "thong-diep:3", "chien-dich:10-10"] */
  @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @Matches(TAG_PATTERN, { each: true })
  tags?: string[];

  @IsOptional() @IsString() @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)
  language?: string;

  @IsOptional() @IsIn(['normal', 'priority', 'emergency'])
  priority?: 'normal' | 'priority' | 'emergency';
}

/** Any field of a draft except its owner, series and language. */
export class UpdateProgramDto extends PartialType(OmitType(CreateProgramDto, ['unitId', 'seriesId', 'language'] as const)) {}

export class RejectProgramDto {
  /** What the author should change, shown to them next to the program. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @IsNotEmpty() @MaxLength(1000)
  reason: string;
}

export class ListProgramsQuery {
  @IsOptional() @IsIn(['draft', 'submitted', 'approved', 'retired'])
  status?: string;
  /** Words of the title (accents and case ignored). */
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;
  @IsOptional() @IsUUID()
  seriesId?: string;
  @IsOptional() @IsString() @Matches(TAG_PATTERN)
  tag?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000)
  offset?: number;
}
