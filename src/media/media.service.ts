import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { returnedRows } from '../infrastructure/database/returned-rows';
import { MediaTools } from '../infrastructure/ffmpeg/media-tools';
import { AppError } from '../infrastructure/http/app-error';
import { JobQueue } from '../infrastructure/jobs/job-queue';
import { MediaStore } from '../infrastructure/storage/media-store';
import { UnitsService } from '../units/units.service';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkAudio } from './audio-check';
import { SPEECH_SYNTHESIZER, SpeechSynthesizer } from './speech/speech-synthesizer';
import { MediaAsset } from './media-asset.entity';

export const MEDIA_QUEUE = 'media.normalise-audio';
export const MEDIA_NOT_FOUND = { vi: 'tệp media', en: 'media asset' };

export interface UploadedAudio {
  path: string;
  originalName: string;
  size: number;
}

/** Uploads: checked at once with ffprobe (a 4xx for anything that is not usable audio), then
 *  recorded together with a durable processing job. */
@Injectable()
export class MediaService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tools: MediaTools,
    private readonly store: MediaStore,
    private readonly jobs: JobQueue,
    private readonly units: UnitsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SPEECH_SYNTHESIZER) private readonly speech: SpeechSynthesizer,
  ) {}

  /** Takes ownership of the uploaded file: it is either recorded or deleted. */
  async uploadAudio(actor: Actor, file: UploadedAudio, opts: { unitId?: string; title?: string; idempotencyKey?: string }): Promise<{ asset: MediaAsset; created: boolean }> {
    let handedOver = false;
    try {
      const unitId = opts.unitId ?? actor.unitId;
      if (!unitId) throw AppError.field('unitId', 'isDefined', 'là bắt buộc', 'is required');
      const unit = await this.units.get(actor, unitId);
      if (opts.idempotencyKey) {
        const existing = await this.db.getRepository(MediaAsset).findOneBy({ createdBy: actor.id, idempotencyKey: opts.idempotencyKey });
        if (existing) {
          // the same key for another file is a client's mistake, not a retry (compared by size and name)
          const name = file.originalName.slice(0, 300);
          if (existing.originalBytes !== String(file.size) || existing.originalName !== name) {
            throw new AppError('IDEMPOTENCY_KEY_REUSED', { was: `${existing.originalName}, ${existing.originalBytes} bytes` });
          }
          return { asset: existing, created: false };
        }
      }
      if (file.size === 0) throw new AppError('MEDIA_EMPTY');
      const info = await this.tools.probe(file.path).catch(() => null);
      if (!info) throw new AppError('MEDIA_UNDECODABLE');
      const rejection = checkAudio(info, this.config.MEDIA_MAX_DURATION_S * 1000);
      if (rejection) throw new AppError(rejection.code, rejection.params);

      const asset = await this.db.transaction(async (tx) => {
        const row = tx.create(MediaAsset, {
          unitId: unit.id,
          kind: 'audio',
          status: 'processing',
          title: (opts.title ?? file.originalName.replace(/\.[^.]+$/, '')).slice(0, 300) || 'Không tên',
          originalName: file.originalName.slice(0, 300),
          originalBytes: String(file.size),
          originalFormat: info.formatName,
          originalCodec: info.audio?.codec ?? null,
          originalDurationMs: info.durationMs,
          uploadPath: file.path,
          progress: 0,
          idempotencyKey: opts.idempotencyKey ?? null,
          createdBy: actor.id,
        });
        const saved = await tx.save(MediaAsset, row);
        await this.jobs.enqueue(tx, MEDIA_QUEUE, { assetId: saved.id, uploadPath: file.path }, { singletonKey: saved.id, maxAttempts: 3 });
        await this.audit.record(tx, actor, { action: 'media.upload', entityType: 'media', entityId: saved.id, unitPath: unit.path, changes: { originalName: row.originalName, bytes: file.size, durationMs: info.durationMs } });
        return saved;
      });
      handedOver = true;
      return { asset: await this.get(actor, asset.id), created: true };
    } finally {
      if (!handedOver) await this.store.remove(file.path);
    }
  }

  /** An asset the actor may read: of their subtree or of a unit above them (`write`: subtree only). */
  /** A text bulletin spoken by the configured synthesizer, then treated exactly like an upload. */
  async speak(actor: Actor, text: string, opts: { voice?: string; unitId?: string; title?: string }): Promise<MediaAsset> {
    const voice = opts.voice ?? this.speech.voices[0];
    if (!this.speech.voices.includes(voice)) {
      throw AppError.field('voice', 'isIn', `phải là một trong các giá trị: ${this.speech.voices.join(', ')}`, `must be one of: ${this.speech.voices.join(', ')}`);
    }
    const unitId = opts.unitId ?? actor.unitId;
    if (unitId) await this.units.get(actor, unitId); // scope first: nothing is synthesized for a unit out of reach
    const path = join(this.store.incomingDir, randomUUID());
    try {
      await this.speech.synthesize(text, voice, path);
    } catch (err) {
      await this.store.remove(path);
      throw new AppError('SPEECH_FAILED', { reason: err instanceof Error ? err.message.slice(0, 200) : String(err) });
    }
    const { size } = await stat(path);
    const title = opts.title ?? text.replace(/\s+/g, ' ').slice(0, 80);
    return (await this.uploadAudio(actor, { path, originalName: `${title}.wav`, size }, { unitId: opts.unitId, title })).asset;
  }

  async get(actor: Actor, id: string, access: 'read' | 'write' = 'read'): Promise<MediaAsset> {
    const readable = actor.readableUnitsSql('u');
    const rows = await this.db
      .getRepository(MediaAsset)
      .createQueryBuilder('m')
      .innerJoin('units', 'u', 'u.id = m.unitId')
      .where('m.id = :id', { id })
      .andWhere(access === 'write' ? 'u.path LIKE :scopePrefix' : readable.sql, readable.params)
      .getOne();
    if (!rows) throw AppError.notFound(MEDIA_NOT_FOUND);
    return rows;
  }

  async list(actor: Actor, q: { status?: string; kind?: string; limit?: number; offset?: number }): Promise<{ items: MediaAsset[]; total: number }> {
    const readable = actor.readableUnitsSql('u');
    const qb = this.db
      .getRepository(MediaAsset)
      .createQueryBuilder('m')
      .innerJoin('units', 'u', 'u.id = m.unitId')
      .where(readable.sql, readable.params)
      .orderBy('m.createdAt', 'DESC')
      .take(q.limit ?? 50)
      .skip(q.offset ?? 0);
    if (q.status) qb.andWhere('m.status = :status', { status: q.status });
    if (q.kind) qb.andWhere('m.kind IN (:...kinds)', { kinds: q.kind.split(',') });
    const [items, total] = await qb.getManyAndCount();
    return { items, total };
  }

  /** Cancels processing or deletes an asset no program uses. The worker notices and cleans up. */
  async remove(actor: Actor, id: string): Promise<void> {
    const asset = await this.get(actor, id, 'write');
    await this.db.transaction(async (tx) => {
      const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM programs WHERE audio_asset_id = $1', [id]);
      if (n > 0) throw new AppError('UNIT_IN_USE', { what: { vi: 'chương trình dùng tệp này', en: 'programs using it' } });
      const [row] = await tx.query('SELECT upload_path FROM media_assets WHERE id = $1 FOR UPDATE', [id]);
      await tx.delete(MediaAsset, { id });
      const cancelled = await tx.query(
        `UPDATE jobs SET status = 'failed', last_error = 'cancelled', updated_at = now() WHERE queue = $1 AND singleton_key = $2 AND status = 'queued' RETURNING id`,
        [MEDIA_QUEUE, id],
      );
      const jobWasWaiting = returnedRows(cancelled).length > 0;
      const unit = await this.units.get(actor, asset.unitId, tx);
      await this.audit.record(tx, actor, { action: asset.status === 'processing' ? 'media.cancel' : 'media.delete', entityType: 'media', entityId: id, unitPath: unit.path, changes: { before: asset } });
      // A waiting job's upload is removed here; a running job removes its own files when it sees the row gone.
      if (row?.upload_path && (asset.status !== 'processing' || jobWasWaiting)) await this.store.remove(row.upload_path);
    });
    if (asset.sha256) await this.removeFileIfUnused(asset.sha256);
  }

  /** Final state of a job that cannot succeed: the reason is kept, the upload removed. */
  async markRejected(assetId: string, code: string, reason: string): Promise<void> {
    const [row] = await this.db.query(`SELECT upload_path FROM media_assets WHERE id = $1`, [assetId]);
    await this.db.query(
      `UPDATE media_assets SET status = 'rejected', reject_code = $2, reject_reason = $3, upload_path = NULL, updated_at = now() WHERE id = $1 AND status = 'processing'`,
      [assetId, code, reason],
    );
    await this.store.remove(row?.upload_path);
  }

  async removeFileIfUnused(sha256: string): Promise<void> {
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM media_assets WHERE sha256 = $1', [sha256]);
    if (n === 0) await this.store.remove(this.store.pathOf(sha256));
  }
}
