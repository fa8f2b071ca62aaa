import { IsCalendarDate } from '../../infrastructure/http/calendar-date';
import { Nullable } from '../../infrastructure/http/input-text.pipe';
import { PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsInt, IsObject, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { StrictBoolean } from '../../infrastructure/http/strict-boolean';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class CampaignWindowDto {
  @Matches(TIME, { message: 'start: phải là giờ dạng HH:MM' })
  start: string;
  @Matches(TIME, { message: 'end: phải là giờ dạng HH:MM' })
  end: string;
}

export class CampaignAudioDto {
  /** The campaign's programs; each is aired at least minAiringsPerProgram times on every loudspeaker of the target. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true })
  programIds: string[];

  @IsInt() @Min(1) @Max(200)
  minAiringsPerProgram: number;

  @IsOptional() @IsInt() @Min(1) @Max(48)
  maxAiringsPerDay?: number;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(8) @ValidateNested({ each: true }) @Type(() => CampaignWindowDto)
  allowedWindows?: CampaignWindowDto[];
}

export class CampaignDisplayDto {
  /** Images, clips or text slides, shown in rotation. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true })
  mediaAssetIds: string[];

  /** Local windows the slides are shown in, every day of the campaign. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(8) @ValidateNested({ each: true }) @Type(() => CampaignWindowDto)
  dailyWindows: CampaignWindowDto[];

  /** Instead of filling the windows: at least this many showings a day (with showingMinutes), spread over the windows. */
  @IsOptional() @IsInt() @Min(1) @Max(96)
  showingsPerDay?: number;

  /** Length of each showing, minutes. */
  @IsOptional() @IsInt() @Min(1) @Max(720)
  showingMinutes?: number;

  /** Least time between the starts of two showings the same day, minutes. */
  @IsOptional() @IsInt() @Min(0) @Max(1440)
  minSpacingMinutes?: number;
}

export class CreateCampaignDto {
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  /** The owner unit (who may change it). */
  @IsUUID()
  unitId: string;

  /** Whose loudspeakers and LED boards it binds (a whole subtree); default: the owner. */
  @IsOptional() @IsUUID()
  targetUnitId?: string;

  /** Local dates, inclusive (at most 366 days). */
  @IsCalendarDate()
  startsOn: string;

  @IsCalendarDate()
  endsOn: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => CampaignAudioDto)
  audio?: CampaignAudioDto;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => CampaignDisplayDto)
  display?: CampaignDisplayDto;
}

/** Any field may change; `audio: null` or `display: null` drops that medium. */
@Nullable('audio', 'display')
export class UpdateCampaignDto extends PartialType(CreateCampaignDto) {}

export class PlanCampaignDto {
  /** Report what would be planned (and why not) without writing it. */
  @IsOptional() @StrictBoolean() @IsBoolean()
  dryRun?: boolean;
}
