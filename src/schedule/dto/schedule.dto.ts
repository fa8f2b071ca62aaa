import { IsCalendarDate } from '../../infrastructure/http/calendar-date';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUrl, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { StrictBoolean } from '../../infrastructure/http/strict-boolean';
import type { RuleDefinition } from '../planner/rule-definition';


export class CreateSeriesDto {
  @IsUUID()
  unitId: string;
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;
  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;
}

export class CreateRuleDto {
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  /** The series the rule belongs to (its unit owns the rule); or give unitId for a tag rule. */
  @IsOptional() @IsUUID()
  seriesId?: string;

  @IsOptional() @IsUUID()
  unitId?: string;

  /** Whose channels it binds (a whole subtree); default: the owner unit. */
  @IsOptional() @IsUUID()
  targetUnitId?: string;

  /** See RuleDefinition: match, period, from/to, minPrograms, maxPrograms, minAiringsPerProgram, maxAiringsPerDay, minSpacingHours, allowedWindows. */
  @IsObject()
  definition: RuleDefinition;
}

export class UpdateRuleDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;
  @IsOptional() @IsObject()
  definition?: RuleDefinition;
  @IsOptional() @IsBoolean()
  active?: boolean;
}

export class CreateEntryDto {
  @IsIn(['airing', 'relay', 'slides', 'announcement', 'emergency'])
  kind: 'airing' | 'relay' | 'slides' | 'announcement' | 'emergency';

  @IsISO8601({ strict: true })
  startsAt: string;

  @IsISO8601({ strict: true })
  endsAt: string;

  @IsOptional() @IsIn(['normal', 'priority', 'emergency'])
  priority?: 'normal' | 'priority' | 'emergency';

  /** For airings: an approved program with ready audio. */
  @IsOptional() @IsUUID()
  programId?: string;

  /** For slides and announcements. */
  @IsOptional() @IsUUID()
  mediaAssetId?: string;

  /** For relays of a higher station (R3), e.g. the provincial radio's live stream. */
  @IsOptional() @IsUrl({ protocols: ['http', 'https', 'rtmp', 'rtsp', 'icecast'], require_tld: false })
  streamUrl?: string;

  @IsOptional() @IsString() @MaxLength(300)
  title?: string;
}

/** Moves an entry to another time (same channel). */
export class MoveEntryDto {
  @IsISO8601({ strict: true })
  startsAt: string;

  @IsISO8601({ strict: true })
  endsAt: string;
}

export class EntriesQuery {
  @IsISO8601({ strict: true })
  from: string;
  @IsISO8601({ strict: true })
  to: string;
}

export class UnconfirmedQuery {
  /** How far back an operator catches up: days before now (default 7, at most 31). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(31)
  days?: number;
}

export class PlanDto {
  /** Plan the channels of this unit's subtree. */
  @IsUUID()
  unitId: string;

  /** Local dates, inclusive. */
  @IsCalendarDate()
  from: string;

  @IsCalendarDate()
  to: string;

  /** Report what would be planned without writing it. */
  @IsOptional() @StrictBoolean() @IsBoolean()
  dryRun?: boolean;
}

export class ComplianceQuery {
  @IsUUID()
  unitId: string;

  /** Local dates, inclusive: e.g. a half-year 2026-01-01..2026-06-30. */
  @IsCalendarDate()
  from: string;

  @IsCalendarDate()
  to: string;
}

export class ConfirmEntryDto {
  /** aired: it was broadcast; missed: it was not (reason required). */
  @IsIn(['aired', 'missed'])
  outcome: 'aired' | 'missed';

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  reason?: string;
}

export class VoidEntryDto {
  /** Why the record of this airing is wrong (kept with it, shown in reports). */
  @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;
}
