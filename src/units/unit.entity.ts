import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { UnitKind } from './unit-kind';

/** A node of the organisation tree (province, district, commune, village, at any depth). */
@Entity('units')
export class Unit {
  @PrimaryColumn('uuid')
  id: string;

  /** Official administrative code (mã đơn vị hành chính). */
  @Column({ type: 'varchar', length: 32, unique: true })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: UnitKind;

  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  /** Materialised path of ids from the root, each followed by '/': a subtree is `path LIKE p || '%'`. */
  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'smallint' })
  depth: number;

  @Column({ type: 'text' })
  timezone: string;

  /** Set when the commune merged into another (from `mergedOn`); kept for the history it carries. */
  @Column({ type: 'uuid', nullable: true })
  mergedInto: string | null;

  @Column({ type: 'date', nullable: true })
  mergedOn: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
