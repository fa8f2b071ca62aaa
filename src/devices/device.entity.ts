import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A player: a Raspberry Pi loudspeaker cluster or LED board, or a vendor's device; one channel. */
@Entity('devices')
export class Device {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  channelId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: 'speaker' | 'led' | 'integration';

  /** sha256 of the device token; the token itself is shown once and never stored. */
  @Column({ type: 'char', length: 64, select: false })
  tokenHash: string;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'double precision', nullable: true })
  lat: number | null;

  @Column({ type: 'double precision', nullable: true })
  lng: number | null;

  @Column({ type: 'text', nullable: true })
  village: string | null;

  @Column({ type: 'text', nullable: true })
  agentVersion: string | null;

  /** The token as a Mosquitto password hash, for the exported password file. */
  @Column({ type: 'text', nullable: true, select: false })
  mosquittoHash: string | null;

  /** Playlist version last published to the device's retained topic. */
  @Column({ type: 'bigint', nullable: true, transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) } })
  publishedVersion: number | null;

  // Presence, from the device's status messages and its last will.
  @Column({ type: 'boolean', default: false })
  online: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  statusAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) } })
  ackedPlaylistVersion: number | null;

  @Column({ type: 'text', nullable: true })
  nowPlaying: string | null;

  @Column({ type: 'smallint', nullable: true })
  volume: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) } })
  diskFreeBytes: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) } })
  uptimeS: number | null;

  /** When its monitor input last reported what it heard (a cluster with a monitor). */
  @Column({ type: 'timestamptz', nullable: true })
  monitorSeenAt: Date | null;

  /** "Không có âm thanh": since the airing its monitor heard nothing of (cleared when one is heard). */
  @Column({ type: 'timestamptz', nullable: true })
  silentSince: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
