import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../auth/actor';
import { AuditService } from '../../audit/audit.service';
import type { AppConfig } from '../../infrastructure/config/app-config';
import { APP_CONFIG } from '../../infrastructure/config/config.module';
import { MediaTools } from '../../infrastructure/ffmpeg/media-tools';
import { AppError } from '../../infrastructure/http/app-error';
import { JobQueue } from '../../infrastructure/jobs/job-queue';
import { MediaStore } from '../../infrastructure/storage/media-store';
import { UnitsService } from '../../units/units.service';
import { MediaAsset, MediaKind } from '../media-asset.entity';
import { MediaService, UploadedAudio } from '../media.service';
import { slideFontMetrics } from './font-metrics';
import { layoutSlide, MIN_FONT_PX, SlideSpec, SlideTooLong } from './slide-layout';

export const DISPLAY_QUEUE = 'media.render-display';

export interface BoardSize {
  width: number;
  height: number;
  displayMs: number;
}

/** LED/LCD content: an image or clip fitted to a board's size, or a text slide drawn for it. */
@Injectable()
export class DisplayMediaService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tools: MediaTools,
    private readonly store: MediaStore,
    private readonly jobs: JobQueue,
    private readonly units: UnitsService,
    private readonly audit: AuditService,
    private readonly media: MediaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Takes ownership of the uploaded file: it is either recorded or deleted. */
  async upload(actor: Actor, file: UploadedAudio, board: BoardSize, opts: { unitId?: string; title?: string }): Promise<MediaAsset> {
    let handedOver = false;
    try {
      const unit = await this.units.get(actor, this.unitOf(actor, opts.unitId));
      if (file.size === 0) throw new AppError('MEDIA_EMPTY');
      const info = await this.tools.probeVisual(file.path);
      if (!info) throw new AppError('MEDIA_NOT_VISUAL');
      if (info.kind === 'clip' && info.durationMs <= 0) throw new AppError('MEDIA_ZERO_DURATION');
      if (info.kind === 'clip' && info.durationMs > this.config.MEDIA_MAX_DURATION_S * 1000) {
        throw new AppError('MEDIA_TOO_LONG', { minutes: Math.round(info.durationMs / 60_000), limit: Math.round(this.config.MEDIA_MAX_DURATION_S / 60) });
      }
      const asset = await this.record(actor, unit, info.kind, board, {
        title: opts.title ?? file.originalName.replace(/\.[^.]+$/, ''),
        originalName: file.originalName,
        originalBytes: file.size,
        originalFormat: info.codec,
        originalDurationMs: info.kind === 'clip' ? info.durationMs : null,
        uploadPath: file.path,
      });
      handedOver = true;
      return asset;
    } finally {
      if (!handedOver) await this.store.remove(file.path);
    }
  }

  async createSlide(actor: Actor, spec: SlideSpec, board: BoardSize, opts: { unitId?: string; title?: string }): Promise<MediaAsset> {
    const unit = await this.units.get(actor, this.unitOf(actor, opts.unitId));
    // refused now, with the field named, rather than drawn cut off later
    try {
      layoutSlide(spec, slideFontMetrics);
    } catch (err) {
      if (!(err instanceof SlideTooLong)) throw err;
      const [vi, en] = err.field === 'heading' ? ['tiêu đề', 'heading'] : ['nội dung', 'body'];
      throw new AppError('SLIDE_TEXT_TOO_LONG', { what: vi, whatEn: en, size: err.boardSize }, [
        { field: err.field, codes: ['fits'], message: `${err.field}: quá dài cho bảng ${err.boardSize}, kể cả ở cỡ chữ nhỏ nhất còn đọc được (${MIN_FONT_PX} px)`, messageEn: `${err.field}: too long for a ${err.boardSize} board, even at the smallest legible size (${MIN_FONT_PX} px)` },
      ]);
    }
    const json = JSON.stringify(spec);
    return this.record(actor, unit, 'slide', board, {
      title: opts.title ?? (spec.title || spec.body).slice(0, 80),
      originalName: 'slide.json',
      originalBytes: Buffer.byteLength(json),
      originalFormat: 'slide',
      originalDurationMs: null,
      uploadPath: null,
      slide: spec as unknown as Record<string, unknown>,
    });
  }

  private unitOf(actor: Actor, unitId?: string): string {
    const id = unitId ?? actor.unitId;
    if (!id) throw AppError.field('unitId', 'isDefined', 'là bắt buộc', 'is required');
    return id;
  }

  private async record(
    actor: Actor,
    unit: { id: string; path: string },
    kind: MediaKind,
    board: BoardSize,
    data: { title: string; originalName: string; originalBytes: number; originalFormat: string; originalDurationMs: number | null; uploadPath: string | null; slide?: Record<string, unknown> },
  ): Promise<MediaAsset> {
    const id = await this.db.transaction(async (tx) => {
      const saved = await tx.save(MediaAsset, tx.create(MediaAsset, {
        unitId: unit.id,
        kind,
        status: 'processing',
        title: data.title.slice(0, 300) || 'Không tên',
        originalName: data.originalName.slice(0, 300),
        originalBytes: String(data.originalBytes),
        originalFormat: data.originalFormat,
        originalDurationMs: data.originalDurationMs,
        uploadPath: data.uploadPath,
        width: board.width,
        height: board.height,
        displayMs: board.displayMs,
        slide: data.slide ?? null,
        createdBy: actor.id,
      }));
      await this.jobs.enqueue(tx, DISPLAY_QUEUE, { assetId: saved.id, uploadPath: data.uploadPath }, { singletonKey: saved.id });
      await this.audit.record(tx, actor, { action: `media.${kind}`, entityType: 'media', entityId: saved.id, unitPath: unit.path, changes: { kind, ...board, title: saved.title } });
      return saved.id;
    });
    return this.media.get(actor, id);
  }
}
