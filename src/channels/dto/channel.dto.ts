import { IsCalendarDate } from '../../infrastructure/http/calendar-date';
import { OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class WindowDto {
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(7) @IsInt({ each: true }) @Min(1, { each: true }) @Max(7, { each: true })
  days: number[];

  /** Local time HH:MM */
  @Matches(HHMM)
  start: string;

  @Matches(HHMM)
  end: string;
}

export class CreateChannelDto {
  @IsUUID()
  unitId: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @IsIn(['audio', 'display'])
  kind: 'audio' | 'display';

  /** Broadcast windows, e.g. 05:30–06:30 and 17:00–18:00 every day. */
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => WindowDto)
  windows: WindowDto[];

  @IsOptional() @IsArray() @ArrayMaxSize(400) @IsCalendarDate({ each: true })
  daysOff?: string[];

  @IsOptional() @IsInt() @Min(1) @Max(1440)
  maxSessionMinutes?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1440)
  maxDailyMinutes?: number;
}

/** Windows, days off, limits and name may change; the unit and kind of a channel may not. */
export class UpdateChannelDto extends PartialType(OmitType(CreateChannelDto, ['unitId', 'kind'] as const)) {
  @IsOptional() @IsBoolean()
  active?: boolean;
}
