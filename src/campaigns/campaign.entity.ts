import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A local time window, HH:MM–HH:MM. */
export class CampaignWindow {
  start: string;
  end: string;
}

/** What a campaign asks of loudspeakers: each program aired at least N times on each of them.
 *  (Classes, not interfaces: the OpenAPI document describes them.) */
export class CampaignAudio {
  programIds: string[];
  minAiringsPerProgram: number;
  maxAiringsPerDay?: number;
  allowedWindows?: CampaignWindow[];
}

/** What a campaign asks of LED boards: its slides shown in these windows every day — whole, or N showings of M minutes. */
export class CampaignDisplay {
  mediaAssetIds: string[];
  dailyWindows: CampaignWindow[];
  showingsPerDay?: number;
  showingMinutes?: number;
  minSpacingMinutes?: number;
}

/**
 * A campaign (e.g. Ngày Chuyển đổi số quốc gia 10/10): one name, one date range, one target subtree,
 * what loudspeakers and LED boards must do. Each medium is carried by a rule the campaign owns, so
 * the planner and compliance see it as they see any rule.
 */
@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  unitId: string;

  @Column({ type: 'uuid' })
  targetUnitId: string;

  @Column({ type: 'text' })
  name: string;

  /** Local dates, inclusive. */
  @Column({ type: 'date' })
  startsOn: string;

  @Column({ type: 'date' })
  endsOn: string;

  @Column({ type: 'jsonb', nullable: true })
  audio: CampaignAudio | null;

  @Column({ type: 'jsonb', nullable: true })
  display: CampaignDisplay | null;

  @Column({ type: 'uuid', nullable: true })
  audioRuleId: string | null;

  @Column({ type: 'uuid', nullable: true })
  displayRuleId: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: 'active' | 'cancelled';

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
