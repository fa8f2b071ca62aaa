import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { AppError } from '../infrastructure/http/app-error';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { CreateUnitDto, ListUnitsQuery, SubtreeQuery, UpdateUnitDto } from './dto/unit.dto';
import { UnitImportService } from './unit-import.service';
import { UnitsService } from './units.service';

export const UNIT_CSV_LIMIT_BYTES = 5 * 1024 * 1024;


@ApiTags('units')
@ApiBearerAuth()
@Controller('api/v1/units')
export class UnitsController {
  constructor(private readonly units: UnitsService, private readonly importer: UnitImportService) {}

  @Get()
  @ApiOperation({ operationId: 'listUnits', summary: 'Danh sách đơn vị trong phạm vi của người dùng' })
  list(@CurrentActor() actor: Actor, @Query() q: ListUnitsQuery) {
    return this.units.list(actor, q);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getUnit' })
  get(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.units.get(actor, id);
  }

  @Get(':id/subtree')
  @ApiOperation({ operationId: 'getUnitSubtree', summary: 'Đơn vị và toàn bộ đơn vị cấp dưới' })
  subtree(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Query() q: SubtreeQuery) {
    return this.units.subtree(actor, id, q.depth);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ operationId: 'createUnit' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUnitDto) {
    return this.units.create(actor, dto);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ operationId: 'updateUnit', summary: 'Đổi tên, cấp, múi giờ hoặc chuyển đơn vị sang cấp trên khác' })
  update(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: UpdateUnitDto) {
    return this.units.update(actor, id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteUnit' })
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    await this.units.remove(actor, id);
  }

  @Post('import')
  @Roles('admin')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: UNIT_CSV_LIMIT_BYTES, files: 1 } }))
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  @ApiOperation({ operationId: 'importUnits', summary: 'Nhập đơn vị từ CSV (code, name, kind, parent_code[, timezone])' })
  import(
    @CurrentActor() actor: Actor,
    @UploadedFile() file: { buffer: Buffer } | undefined,
    @Req() req: Request,
    @Query('dryRun') dryRun?: string,
  ) {
    const text = file ? file.buffer.toString('utf8') : typeof req.body === 'string' ? req.body : undefined;
    if (text === undefined) throw new AppError('FILE_REQUIRED', { field: 'file' });
    if (dryRun !== undefined && !['true', 'false', '1', '0'].includes(dryRun)) throw AppError.field('dryRun', 'isBoolean', 'phải là true hoặc false', 'must be true or false');
    return this.importer.import(actor, text, dryRun === 'true' || dryRun === '1');
  }
}
