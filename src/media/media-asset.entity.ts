import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type MediaKind = 'audio' | 'image' | 'clip' | 'slide';
export type MediaStatus = 'processing' | 'ready' | 'rejected';

/** An uploaded file and the delivery file made from it (content-addressed by sha256). */
@Entity('media_assets')
export class MediaAsset {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Owner unit: who may see and use it. */
  @Column({ type: 'uuid' })
  unitId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: MediaKind;

  @Column({ type: 'varchar', length: 16 })
  status: MediaStatus;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  originalName: string;

  @Column({ type: 'bigint' })
  originalBytes: string;

  @Column({ type: 'text', nullable: true })
  originalFormat: string | null;

  @Column({ type: 'text', nullable: true })
  originalCodec: string | null;

  @Column({ type: 'integer', nullable: true })
  originalDurationMs: number | null;

  /** The upload while it waits for processing; removed afterwards. Never returned by the API. */
  @Column({ type: 'text', nullable: true, select: false })
  uploadPath: string | null;

  /** Percent of processing done, for a progress bar. */
  @Column({ type: 'smallint', default: 0 })
  progress: number;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256: string | null;

  @Column({ type: 'bigint', nullable: true })
  bytes: string | null;

  @Column({ type: 'text', nullable: true })
  mime: string | null;

  @Column({ type: 'integer', nullable: true })
  durationMs: number | null;

  @Column({ type: 'text', nullable: true })
  codec: string | null;

  @Column({ type: 'integer', nullable: true })
  sampleRate: number | null;

  @Column({ type: 'smallint', nullable: true })
  channels: number | null;

  @Column({ type: 'real', nullable: true })
  loudnessBeforeLufs: number | null;

  @Column({ type: 'real', nullable: true })
  loudnessAfterLufs: number | null;

  @Column({ type: 'real', nullable: true })
  truePeakAfterDb: number | null;

  @Column({ type: 'real', nullable: true })
  gainDb: number | null;

  /** Board content: the size it was rendered for, and how long one showing lasts. */
  @Column({ type: 'smallint', nullable: true })
  width: number | null;

  @Column({ type: 'smallint', nullable: true })
  height: number | null;

  @Column({ type: 'integer', nullable: true })
  displayMs: number | null;

  /** Text slide: title, body, ticker and colours (the player scrolls the ticker). */
  @Column({ type: 'jsonb', nullable: true })
  slide: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  rejectCode: string | null;

  @Column({ type: 'text', nullable: true })
  rejectReason: string | null;

  @Column({ type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
