import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { diskStorage } from 'multer';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { MediaStore } from '../infrastructure/storage/media-store';
import { UnitsModule } from '../units/units.module';
import { DisplayMediaService } from './display/display-media.service';
import { DisplayRenderer } from './display/display-renderer';
import { MediaFilesController } from './media-files.controller';
import { MediaProcessor } from './media-processor';
import { MediaController } from './media.controller';
import { mediaProviders } from './media.providers';
import { MediaTools } from '../infrastructure/ffmpeg/media-tools';
import { MediaService } from './media.service';

@Module({
  imports: [
    UnitsModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => ({
        storage: diskStorage({ destination: new MediaStore(c.mediaDir).incomingDir, filename: (_req, _file, cb) => cb(null, randomUUID()) }),
        limits: { fileSize: c.MEDIA_UPLOAD_LIMIT_MB * 1024 * 1024, files: 1, fields: 10 },
      }),
    }),
  ],
  controllers: [MediaController, MediaFilesController],
  providers: [...mediaProviders, MediaService, MediaProcessor, DisplayMediaService, DisplayRenderer],
  exports: [MediaService, MediaTools, MediaStore],
})
export class MediaModule {}
