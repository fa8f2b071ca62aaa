import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PriorityLevel } from '../programs/program.entity';

export type EntryKind = 'airing' | 'relay' | 'slides' | 'announcement' | 'emergency';
export type EntryStatus = 'scheduled' | 'aired' | 'missed' | 'cancelled' | 'voided';

/** Everything a channel plays, in one table; overlaps at one priority are refused by the database. */
@Entity('schedule_entries')
export class ScheduleEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  channelId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: EntryKind;

  @Column({ type: 'varchar', length: 16, default: 'normal' })
  priority: PriorityLevel;

  @Column({ type: 'varchar', length: 16, default: 'scheduled' })
  status: EntryStatus;

  @Column({ type: 'varchar', length: 16 })
  source: 'planner' | 'manual';

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'uuid', nullable: true })
  programId: string | null;

  @Column({ type: 'uuid', nullable: true })
  mediaAssetId: string | null;

  /** Slides shown in rotation (a planned slides entry); mediaAssetId is the first of them. */
  @Column({ type: 'uuid', array: true, nullable: true })
  mediaAssetIds: string[] | null;

  @Column({ type: 'uuid', nullable: true })
  ruleId: string | null;

  /** The rule period this airing serves, e.g. 2026-12 or 2024-W49. */
  @Column({ type: 'text', nullable: true })
  period: string | null;

  @Column({ type: 'text', nullable: true })
  streamUrl: string | null;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  /** Operator confirmation (evidence for wired/FM stations, countersignature of device reports). */
  @Column({ type: 'uuid', nullable: true })
  confirmedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  missedReason: string | null;

  /** First play.completed a device reported for this entry (device evidence). */
  @Column({ type: 'timestamptz', nullable: true })
  evidencedAt: Date | null;

  /**
   * What the channel's monitor heard of it (acoustic_checks, best of them): heard (verified
   * acoustically), not-heard (only the room, or something else), silent; null without a monitor.
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  acoustic: 'heard' | 'not-heard' | 'silent' | null;

  /** The best match score of those checks, 0–1 (HEARD_THRESHOLD and up is heard). */
  @Column({ type: 'real', nullable: true })
  acousticScore: number | null;

  /** The missed airing this planned airing makes up for. */
  @Column({ type: 'uuid', nullable: true })
  makesUpEntryId: string | null;

  /** An aired or reported entry found wrong is voided with a reason (kept, shown in reports), never deleted. */
  @Column({ type: 'text', nullable: true })
  voidReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  voidedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  voidedAt: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  statusBeforeVoid: EntryStatus | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
