import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ComplianceQuery } from '../../schedule/dto/schedule.dto';

export const BULLETIN_LEVELS = ['normal', 'priority', 'emergency'] as const;
export const BULLETIN_SOURCES = ['central', 'province', 'district'] as const;
export type BulletinLevel = (typeof BULLETIN_LEVELS)[number];
export type BulletinSource = (typeof BULLETIN_SOURCES)[number];

/** A bulletin sent down to the loudspeakers of a unit's subtree (Circular 39/2020/TT-BTTTT). */
export class SendBulletinDto {
  /** Whose commune stations receive it: every loudspeaker channel of this unit's subtree. */
  @IsUUID()
  targetUnitId: string;

  /** normal: offered, the operator chooses; priority: first in the next session; emergency: an alert, at once. */
  @IsIn(BULLETIN_LEVELS)
  level: BulletinLevel;

  /** Where it comes from; default: the sender's level (a province relaying a central bulletin says central). */
  @IsOptional() @IsIn(BULLETIN_SOURCES)
  source?: BulletinSource;

  @IsString() @IsNotEmpty() @MaxLength(200)
  title: string;

  /** A ready audio file (recorded, uploaded or spoken). */
  @IsUUID()
  mediaAssetId: string;

  /** Default: now. */
  @IsOptional() @IsISO8601({ strict: true })
  validFrom?: string;

  @IsISO8601({ strict: true })
  validUntil: string;
}

export class PlaceBulletinDto {
  /** When the commune airs it (inside the bulletin's validity, not in the past). */
  @IsISO8601({ strict: true })
  startsAt: string;
}

export class DeclineBulletinDto {
  @IsString() @IsNotEmpty() @MaxLength(500)
  reason: string;
}

export class OrderBulletinsDto {
  /** The channel's priority bulletins for its next session, in the order the operator wants them aired. */
  @ArrayMinSize(1) @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true })
  bulletinIds: string[];
}

export class BulletinReportQuery extends ComplianceQuery {}
