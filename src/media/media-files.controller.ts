import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { stat } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { DeviceAccess } from '../auth/decorators';
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
  async download(@Param('sha256') sha256: string, @Res() res: Response): Promise<void> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw AppError.notFound({ vi: 'tệp media', en: 'media file' });
    const [row] = await this.db.query(`SELECT mime FROM media_assets WHERE sha256 = $1 AND status = 'ready' LIMIT 1`, [sha256]);
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
}
