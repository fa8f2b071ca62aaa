import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ProgramStatus = 'draft' | 'submitted' | 'approved' | 'retired';
export type PriorityLevel = 'normal' | 'priority' | 'emergency';

/** One audio item (episode), usually of a series; approved by someone other than its creator. */
@Entity('programs')
export class Program {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  unitId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Series (chuyên mục); the series table arrives with the schedule module. */
  @Column({ type: 'uuid', nullable: true })
  seriesId: string | null;

  /** The period the program is made for (e.g. the month of a monthly column), local dates. */
  @Column({ type: 'date', nullable: true })
  periodStart: string | null;

  @Column({ type: 'date', nullable: true })
  periodEnd: string | null;

  /** Campaign / task / key-message tags (R4, R8), e.g. "thong-diep:1", "chien-dich:10-10". */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'varchar', length: 16, default: 'vi' })
  language: string;

  @Column({ type: 'varchar', length: 16, default: 'normal' })
  priority: PriorityLevel;

  @Column({ type: 'uuid' })
  audioAssetId: string;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: ProgramStatus;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'uuid', nullable: true })
  submittedBy: string | null;

  @Column({ type: 'uuid', nullable: true })
  approvedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  retiredAt: Date | null;

  /** Why the last reviewer sent it back; cleared when it is submitted again. */
  @Column({ type: 'text', nullable: true })
  reviewNote: string | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
