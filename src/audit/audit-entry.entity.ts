import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who changed what, when. Append-only: the database refuses UPDATE and DELETE. */
@Entity('audit_log')
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text' })
  actorName: string;

  /** e.g. unit.create, user.update, unit.import */
  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text' })
  entityType: string;

  @Column({ type: 'text', nullable: true })
  entityId: string | null;

  /** Path of the unit the change belongs to at the time (scopes who may read the entry). */
  @Column({ type: 'text', nullable: true })
  unitPath: string | null;

  @Column({ type: 'jsonb', nullable: true })
  changes: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  requestId: string | null;
}
