import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from './role';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  @Column({ type: 'text' })
  displayName: string;

  /** Chức vụ, as the reports this person prepares name them. */
  @Column({ type: 'text', nullable: true })
  jobTitle: string | null;

  /** argon2id PHC string; never returned by the API. */
  @Column({ type: 'text', select: false })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** The root of this user's scope; null only for national administrators. */
  @Column({ type: 'uuid', nullable: true })
  unitId: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Raised to invalidate every token issued before (password change, role change, disable). */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
