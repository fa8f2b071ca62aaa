import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { returnedRows } from '../infrastructure/database/returned-rows';
import { AudioDeliveryProfile } from '../infrastructure/ffmpeg/ffmpeg-args';
import { FfmpegError, MediaTools } from '../infrastructure/ffmpeg/media-tools';
import { JobContext, JobQueue, PermanentJobError } from '../infrastructure/jobs/job-queue';
import { Job } from '../infrastructure/jobs/job.entity';
import { MediaStore } from '../infrastructure/storage/media-store';
import { normaliseAudio, SilentAudioError } from './audio-pipeline';
import { assetProgressReporter } from './asset-progress';
import { AUDIO_PROFILE } from './media.providers';
import { MEDIA_QUEUE, MediaService } from './media.service';

/** The processing job around normaliseAudio: progress in the database, cancellation when the
 *  asset is deleted, the result stored by content address, files cleaned whatever happens. */
@Injectable()
export class MediaProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('media');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tools: MediaTools,
    private readonly store: MediaStore,
    private readonly jobs: JobQueue,
    private readonly media: MediaService,
    @Inject(AUDIO_PROFILE) private readonly profile: AudioDeliveryProfile,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.MEDIA_WORKERS === 0) return;
    this.jobs.work(MEDIA_QUEUE, (ctx) => this.process(ctx), {
      concurrency: this.config.MEDIA_WORKERS,
      leaseSeconds: this.config.MEDIA_JOB_LEASE_S,
      pollMs: 500,
      onFinalFailure: (job, err) => this.reject(job, err),
    });
  }

  async process({ job, signal }: JobContext): Promise<void> {
    const assetId = String(job.payload.assetId);
    const [row] = await this.db.query(`SELECT upload_path, original_duration_ms FROM media_assets WHERE id = $1 AND status = 'processing'`, [assetId]);
    if (!row) {
      // Cancelled before we started: the upload is ours to remove.
      if (typeof job.payload.uploadPath === 'string') await this.store.remove(job.payload.uploadPath);
      return;
    }
    const input: string = row.upload_path;
    const durationMs: number = row.original_duration_ms || 1;
    const cancel = new AbortController();
    signal.addEventListener('abort', () => cancel.abort(), { once: true });
    const progress = assetProgressReporter(this.db, assetId, cancel);
    const tmp = this.store.tmpPath('.mp3', assetId);
    try {
      const { before, gainDb: gain, file } = await normaliseAudio(this.tools, input, tmp, durationMs, this.profile, {
        signal: cancel.signal,
        onProgress: progress,
        removeFile: (p) => this.store.remove(p),
      });
      // the limit on what was decoded, not on what the container's header claimed (an MP3 without a
      // Xing header can announce 1 minute and hold 6 hours)
      const decodedMs = (await this.tools.probe(tmp)).durationMs;
      const limitMs = this.config.MEDIA_MAX_DURATION_S * 1000;
      if (decodedMs > limitMs) throw new PermanentJobError(`MEDIA_TOO_LONG: ${Math.round(decodedMs / 60_000)}/${Math.round(limitMs / 60_000)}`);
      await this.store.commit(tmp, file.sha256);
      const info = await this.tools.probe(this.store.pathOf(file.sha256));
      const done = await this.db.query(
        `UPDATE media_assets SET status = 'ready', progress = 100, sha256 = $2, bytes = $3, mime = 'audio/mpeg',
                duration_ms = $4, codec = $5, sample_rate = $6, channels = $7, loudness_before_lufs = $8,
                loudness_after_lufs = $9, true_peak_after_db = $10, gain_db = $11, upload_path = NULL, updated_at = now()
          WHERE id = $1 AND status = 'processing' RETURNING id`,
        [assetId, file.sha256, file.bytes, info.durationMs, info.audio?.codec ?? 'mp3', info.audio?.sampleRate ?? this.profile.sampleRate, info.audio?.channels ?? 1,
          before.integratedLufs, file.delivered.integratedLufs, file.delivered.truePeakDb, gain],
      );
      if (!returnedRows(done).length) await this.media.removeFileIfUnused(file.sha256); // cancelled at the last moment
      await this.store.remove(input);
      this.logger.log({ msg: 'audio ready', assetId, sha256: file.sha256, lufsBefore: before.integratedLufs, lufsAfter: file.delivered.integratedLufs, truePeak: file.delivered.truePeakDb });
    } catch (err) {
      await this.store.remove(tmp);
      if (cancel.signal.aborted && !signal.aborted) {
        await this.store.remove(input); // the asset was deleted while we worked
        return;
      }
      if (err instanceof SilentAudioError) throw new PermanentJobError('MEDIA_SILENT');
      if (err instanceof FfmpegError && /Invalid data|could not find codec|Error while decoding/i.test(err.stderrTail)) {
        throw new PermanentJobError(`MEDIA_UNDECODABLE: ${err.stderrTail.slice(-300)}`);
      }
      throw err;
    }
  }

  private async reject(job: Job, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    const code = message.startsWith('MEDIA_SILENT') ? 'MEDIA_SILENT' : message.startsWith('MEDIA_UNDECODABLE') ? 'MEDIA_UNDECODABLE' : message.startsWith('MEDIA_TOO_LONG') ? 'MEDIA_TOO_LONG' : 'MEDIA_PROCESSING_FAILED';
    const [decoded, limit] = (/MEDIA_TOO_LONG: (\d+)\/(\d+)/.exec(message) ?? []).slice(1);
    const reason = {
      MEDIA_SILENT: 'Tệp chỉ có im lặng, không chuẩn hóa được âm lượng',
      MEDIA_UNDECODABLE: 'Tệp hỏng ở giữa, không giải mã được toàn bộ',
      MEDIA_TOO_LONG: `Giải mã ra ${decoded} phút âm thanh, vượt giới hạn ${limit} phút (phần đầu tệp khai báo ngắn hơn)`,
      MEDIA_PROCESSING_FAILED: `Xử lý thất bại sau ${job.attempts} lần thử: ${message.slice(0, 300)}`,
    }[code];
    await this.media.markRejected(String(job.payload.assetId), code, reason);
  }

}
