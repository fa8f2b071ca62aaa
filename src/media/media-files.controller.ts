import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { stat } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { DeviceAccess, DevicePrincipal } from '../auth/decorators';
import { MediaAsset } from './media-asset.entity';
import { AppError } from '../infrastructure/http/app-error';
import { MediaStore } from '../infrastructure/storage/media-store';

/** `GET /api/v1/media/{sha256}` of the device protocol: the delivery file, with Range and ETag. */
@ApiTags('media')
@ApiBearerAuth()
@Controller('api/v1/media')
export class MediaFilesController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly store: MediaStore) {}

  @Get(':sha256')
  @DeviceAccess()
  @ApiOperation({ operationId: 'downloadMedia', summary: 'Tệp đã xử lý theo sha256 (hỗ trợ Range, ETag)' })
  async download(@Param('sha256') sha256: string, @Req() req: Request & { actor?: Actor; device?: DevicePrincipal }, @Res() res: Response): Promise<void> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw AppError.notFound({ vi: 'tệp media', en: 'media file' });
    const [row] = await this.readable(sha256, req);
    if (!row || !(await this.store.has(sha256))) throw AppError.notFound({ vi: 'tệp media', en: 'media file' });
    res.setHeader('ETag', `"${sha256}"`);
    res.setHeader('Content-Type', row.mime);
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    const path = this.store.pathOf(sha256);
    await new Promise<void>((resolve, reject) =>
      res.sendFile(path, { etag: false, lastModified: false, acceptRanges: true, dotfiles: 'deny' }, (err) => (err && !res.headersSent ? reject(err) : resolve())),
    ).catch(async (err: { status?: number }) => {
      if (err.status !== 416) throw err;
      // a Range past the end (e.g. a player resuming a download it already has whole)
      res.setHeader('Content-Range', `bytes */${(await stat(path)).size}`);
      // the answer is the JSON error, not the file
      for (const h of ['Content-Type', 'Cache-Control']) res.removeHeader(h);
      throw new AppError('RANGE_NOT_SATISFIABLE');
    });
  }

  /**
   * A person gets a file of an asset of their subtree or of a unit above them; a device only a file
   * its channel's playlist or one of its channel's alerts refers to. Anything else is not found.
   */
  private readable(sha256: string, req: { actor?: Actor; device?: DevicePrincipal }): Promise<Array<{ mime: string }>> {
    if (req.device) {
      return this.db.query(
        `SELECT m.mime FROM media_assets m WHERE m.sha256 = $1 AND m.status = 'ready'
            AND (EXISTS (SELECT 1 FROM channel_playlists p WHERE p.channel_id = $2 AND strpos(p.entries::text, $1) > 0)
              OR EXISTS (SELECT 1 FROM alert_channels ac JOIN alerts a ON a.id = ac.alert_id
                           LEFT JOIN programs pr ON pr.id = a.program_id
                          WHERE ac.channel_id = $2 AND m.id IN (a.media_asset_id, pr.audio_asset_id)))
          LIMIT 1`,
        [sha256, req.device.channelId],
      );
    }
    const r = req.actor!.readableUnitsSql('u');
    return this.db
      .getRepository(MediaAsset)
      .createQueryBuilder('m')
      .innerJoin('units', 'u', 'u.id = m.unitId')
      .select('m.mime', 'mime')
      .where('m.sha256 = :sha256', { sha256 })
      .andWhere(`m.status = 'ready'`)
      .andWhere(r.sql, r.params)
      .limit(1)
      .getRawMany();
  }
}
