import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { writeFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../infrastructure/config/app-config';
import { APP_CONFIG } from '../../infrastructure/config/config.module';
import { returnedRows } from '../../infrastructure/database/returned-rows';
import { clipToBoardArgs, imageToBoardArgs, slideArgs, SlideDrawing } from '../../infrastructure/ffmpeg/display-args';
import { MediaTools } from '../../infrastructure/ffmpeg/media-tools';
import { JobContext, JobQueue } from '../../infrastructure/jobs/job-queue';
import { MediaStore } from '../../infrastructure/storage/media-store';
import { assetProgressReporter } from '../asset-progress';
import { MediaService } from '../media.service';
import { DISPLAY_QUEUE } from './display-media.service';
import { SLIDE_FONTS, slideFontMetrics } from './font-metrics';
import { layoutSlide, SlideSpec } from './slide-layout';

/** DejaVu Sans (npm dejavu-fonts-ttf): full Vietnamese coverage, and no system fonts needed. */
export { SLIDE_FONTS } from './font-metrics';

/** The job that renders board content to the board's size and stores it by content address. */
@Injectable()
export class DisplayRenderer implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tools: MediaTools,
    private readonly store: MediaStore,
    private readonly jobs: JobQueue,
    private readonly media: MediaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.MEDIA_WORKERS === 0) return;
    this.jobs.work(DISPLAY_QUEUE, (ctx) => this.render(ctx), {
      concurrency: this.config.MEDIA_WORKERS,
      leaseSeconds: this.config.MEDIA_JOB_LEASE_S,
      pollMs: 500,
      onFinalFailure: (job, err) =>
        this.media.markRejected(String(job.payload.assetId), 'MEDIA_PROCESSING_FAILED', `Không dựng được nội dung bảng LED: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`),
    });
  }

  async render({ job, signal }: JobContext): Promise<void> {
    const assetId = String(job.payload.assetId);
    const [row] = await this.db.query(
      `SELECT kind, upload_path, width, height, display_ms, slide, original_duration_ms FROM media_assets WHERE id = $1 AND status = 'processing'`,
      [assetId],
    );
    if (!row) {
      if (typeof job.payload.uploadPath === 'string') await this.store.remove(job.payload.uploadPath);
      return;
    }
    const cancel = new AbortController();
    signal.addEventListener('abort', () => cancel.abort(), { once: true });
    const progress = assetProgressReporter(this.db, assetId, cancel);
    const ext = row.kind === 'clip' ? '.mp4' : '.png';
    const tmp = this.store.tmpPath(ext, assetId);
    const textFiles: string[] = [];
    try {
      await this.store.remove(tmp);
      let args: string[];
      if (row.kind === 'image') args = imageToBoardArgs(row.upload_path, row.width, row.height, tmp);
      else if (row.kind === 'clip') args = clipToBoardArgs(row.upload_path, row.width, row.height, tmp);
      else args = slideArgs(await this.drawing(row.slide as SlideSpec, assetId, textFiles), tmp);
      const durationMs = row.kind === 'clip' ? row.original_duration_ms || 1 : 1;
      const file = await this.tools.renderToFile(args, tmp, { signal: cancel.signal, onProgress: (ms) => progress(ms / durationMs) });
      await this.store.commit(tmp, file.sha256);
      const clip = row.kind === 'clip' ? await this.tools.probeVisual(this.store.pathOf(file.sha256)) : null;
      const done = await this.db.query(
        `UPDATE media_assets SET status = 'ready', progress = 100, sha256 = $2, bytes = $3, mime = $4, duration_ms = $5,
                codec = $6, upload_path = NULL, updated_at = now()
          WHERE id = $1 AND status = 'processing' RETURNING id`,
        [assetId, file.sha256, file.bytes, row.kind === 'clip' ? 'video/mp4' : 'image/png', clip ? clip.durationMs : row.display_ms, clip ? clip.codec : 'png'],
      );
      if (!returnedRows(done).length) await this.media.removeFileIfUnused(file.sha256);
      await this.store.remove(row.upload_path);
    } catch (err) {
      await this.store.remove(tmp);
      if (cancel.signal.aborted && !signal.aborted) {
        await this.store.remove(row.upload_path);
        return;
      }
      throw err;
    } finally {
      for (const f of textFiles) await this.store.remove(f);
    }
  }

  /** Turns the slide's layout into boxes and texts; each text goes through a file. */
  private async drawing(spec: SlideSpec, assetId: string, textFiles: string[]): Promise<SlideDrawing> {
    const layout = layoutSlide(spec, slideFontMetrics);
    const text = async (content: string) => {
      const file = this.store.tmpPath('.txt', `${assetId}-${textFiles.length}`);
      await writeFile(file, content, 'utf8');
      textFiles.push(file);
      return file;
    };
    const pad = layout.pad;
    const drawing: SlideDrawing = { width: spec.width, height: spec.height, background: spec.background, boxes: [], texts: [] };
    if (layout.titleBand.height) {
      drawing.boxes.push({ x: 0, y: 0, w: spec.width, h: layout.titleBand.height, color: spec.titleBackground });
      for (const [i, line] of layout.titleBand.lines.entries()) {
        drawing.texts.push({ file: await text(line), font: SLIDE_FONTS.bold, size: layout.titleBand.fontSize, color: spec.titleColor, x: 'center', y: layout.titleBand.top + i * layout.titleBand.lineHeight });
      }
    }
    for (const [i, line] of layout.body.lines.entries()) {
      drawing.texts.push({ file: await text(line), font: SLIDE_FONTS.regular, size: layout.body.fontSize, color: spec.textColor, x: pad, y: layout.body.y + i * layout.body.lineHeight });
    }
    if (layout.tickerBand) {
      // The band only: the player scrolls the ticker text across it.
      drawing.boxes.push({ x: 0, y: layout.tickerBand.y, w: spec.width, h: layout.tickerBand.height, color: spec.titleBackground });
    }
    return drawing;
  }
}
