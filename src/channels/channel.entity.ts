import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ChannelWindow } from '../schedule/planner/planner';

/** What plays one thing at a time: a commune's radio channel or a group of LED boards. A merged
 *  commune may own several. Windows are local times of the unit's time zone. */
@Entity('channels')
export class Channel {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  unitId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: 'audio' | 'display';

  @Column({ type: 'jsonb', default: () => "'[]'" })
  windows: ChannelWindow[];

  @Column({ type: 'date', array: true, default: () => "'{}'" })
  daysOff: string[];

  @Column({ type: 'integer', nullable: true })
  maxSessionMinutes: number | null;

  @Column({ type: 'integer', nullable: true })
  maxDailyMinutes: number | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
