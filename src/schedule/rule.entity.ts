import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RuleDefinition } from './planner/rule-definition';

/** A rebroadcast rule: declarative data (see RuleDefinition), binding the channels of a subtree. */
@Entity('rules')
export class Rule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  seriesId: string | null;

  /** Owner (who may change it). */
  @Column({ type: 'uuid' })
  unitId: string;

  /** Every channel of this unit's subtree is bound (R2: a province's rule reaches every commune). */
  @Column({ type: 'uuid' })
  targetUnitId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb' })
  definition: RuleDefinition;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
