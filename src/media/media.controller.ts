import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { Response } from 'express';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { AppError } from '../infrastructure/http/app-error';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { DisplayMediaService } from './display/display-media.service';
import { BoardSizeDto, CreateSlideDto } from './display/display.dto';
import { MediaService } from './media.service';
import { SPEECH_TEXT_LIMIT } from './speech/speech-synthesizer';
import { UploadCleanupInterceptor } from './upload-cleanup.interceptor';

export class UploadAudioDto {
  /** Owner unit; defaults to the uploader's unit. */
  @IsOptional() @IsUUID()
  unitId?: string;

  @IsOptional() @IsString() @MaxLength(300)
  title?: string;
}

export class SpeakDto {
  /** The bulletin to be read out, Vietnamese by default. */
  @IsString() @MinLength(1) @MaxLength(SPEECH_TEXT_LIMIT)
  text: string;

  /** Voice of the configured provider (espeak: vi, vi-vn-x-central, vi-vn-x-south, en). */
  @IsOptional() @IsString() @MaxLength(64)
  voice?: string;

  @IsOptional() @IsUUID()
  unitId?: string;

  @IsOptional() @IsString() @MaxLength(300)
  title?: string;
}

export class ListMediaQuery {
  @IsOptional() @IsIn(['processing', 'ready', 'rejected'])
  status?: string;
  /** audio, or what an LED board shows: image, clip, slide (comma-separated for several). */
  @IsOptional() @Matches(/^(audio|image|clip|slide)(,(audio|image|clip|slide))*$/)
  kind?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000)
  offset?: number;
}

@ApiTags('media')
@ApiBearerAuth()
@Controller('api/v1/media-assets')
export class MediaController {
  constructor(private readonly media: MediaService, private readonly display: DisplayMediaService) {}

  @Post('audio')
  @HttpCode(202)
  @Roles('admin', 'editor', 'operator')
  @UseInterceptors(
    // Streamed to disk by the multer options of MediaModule (size limit from MEDIA_UPLOAD_LIMIT_MB).
    FileInterceptor('file'),
    UploadCleanupInterceptor,
  )
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, unitId: { type: 'string' }, title: { type: 'string' } } } })
  @ApiOperation({
    operationId: 'uploadAudio',
    summary: 'Tải lên âm thanh: kiểm tra ngay, chuẩn hóa âm lượng ở nền (202); Idempotency-Key cho phép gửi lại an toàn',
  })
  async upload(
    @CurrentActor() actor: Actor,
    @UploadedFile() file: { path: string; originalname: string; size: number } | undefined,
    @Body() dto: UploadAudioDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!file) throw new AppError('FILE_REQUIRED', { field: 'file' });
    if (idempotencyKey !== undefined && !/^[\w.:-]{8,128}$/.test(idempotencyKey)) {
      throw AppError.field('Idempotency-Key', 'matches', '8–128 ký tự chữ, số, . _ : -', '8–128 letters, digits, . _ : -');
    }
    const { asset, created } = await this.media.uploadAudio(actor, { path: file.path, originalName: Buffer.from(file.originalname, 'latin1').toString('utf8'), size: file.size }, { ...dto, idempotencyKey });
    if (!created) res.status(200); // the same Idempotency-Key again: the first upload's asset
    return asset;
  }

  @Post('speech')
  @HttpCode(202)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'speakBulletin', summary: 'Chuyển văn bản thành giọng nói rồi xử lý như tệp tải lên (202)' })
  speak(@CurrentActor() actor: Actor, @Body() dto: SpeakDto) {
    return this.media.speak(actor, dto.text, dto);
  }

  @Post('display')
  @HttpCode(202)
  @Roles('admin', 'editor')
  @UseInterceptors(FileInterceptor('file'), UploadCleanupInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file', 'width', 'height'], properties: { file: { type: 'string', format: 'binary' }, width: { type: 'integer' }, height: { type: 'integer' }, displayMs: { type: 'integer' }, unitId: { type: 'string' }, title: { type: 'string' } } } })
  @ApiOperation({ operationId: 'uploadDisplayMedia', summary: 'Ảnh (PNG, JPEG, WebP) hoặc video cho bảng LED, dựng theo kích thước bảng (202)' })
  async uploadDisplay(@CurrentActor() actor: Actor, @UploadedFile() file: { path: string; originalname: string; size: number } | undefined, @Body() dto: BoardSizeDto) {
    if (!file) throw new AppError('FILE_REQUIRED', { field: 'file' });
    if (dto.width % 2 || dto.height % 2) throw AppError.field('width', 'even', 'width và height phải là số chẵn', 'width and height must be even');
    const board = { width: dto.width, height: dto.height, displayMs: dto.displayMs ?? 10_000 };
    return this.display.upload(actor, { path: file.path, originalName: Buffer.from(file.originalname, 'latin1').toString('utf8'), size: file.size }, board, dto);
  }

  @Post('slide')
  @HttpCode(202)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'createSlide', summary: 'Trang chữ cho bảng LED: dải tiêu đề, nội dung, dòng chữ chạy (202)' })
  createSlide(@CurrentActor() actor: Actor, @Body() dto: CreateSlideDto) {
    const spec = {
      title: dto.heading,
      body: dto.body,
      ticker: dto.ticker,
      width: dto.width,
      height: dto.height,
      background: dto.background ?? '#000000',
      titleBackground: dto.titleBackground ?? '#c00000',
      titleColor: dto.titleColor ?? '#ffff00',
      textColor: dto.textColor ?? '#ffffff',
    };
    return this.display.createSlide(actor, spec, { width: dto.width, height: dto.height, displayMs: dto.displayMs ?? 10_000 }, dto);
  }

  @Get()
  @ApiOperation({ operationId: 'listMediaAssets' })
  list(@CurrentActor() actor: Actor, @Query() q: ListMediaQuery) {
    return this.media.list(actor, q);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getMediaAsset', summary: 'Trạng thái, tiến độ xử lý (%) và kết quả đo âm lượng' })
  get(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.media.get(actor, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'deleteMediaAsset', summary: 'Hủy xử lý hoặc xóa tệp chưa được chương trình nào dùng' })
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    await this.media.remove(actor, id);
  }
}
