import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { CreateProgramDto, ListProgramsQuery, RejectProgramDto, UpdateProgramDto } from './dto/program.dto';
import { ProgramsService } from './programs.service';

@ApiTags('programs')
@ApiBearerAuth()
@Controller('api/v1/programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Get()
  @ApiOperation({ operationId: 'listPrograms' })
  list(@CurrentActor() actor: Actor, @Query() q: ListProgramsQuery) {
    return this.programs.list(actor, q);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getProgram' })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    const { unitPath: _, ...program } = await this.programs.get(actor, id);
    return program;
  }

  @Post()
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'createProgram' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateProgramDto) {
    return this.programs.create(actor, dto);
  }

  @Patch(':id')
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'updateProgram', summary: 'Sửa chương trình nháp' })
  update(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: UpdateProgramDto) {
    return this.programs.update(actor, id, dto);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles('admin', 'editor', 'operator')
  @ApiOperation({ operationId: 'submitProgram', summary: 'Gửi duyệt' })
  submit(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.programs.submit(actor, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'approveProgram', summary: 'Duyệt (người duyệt khác người tạo)' })
  approve(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.programs.approve(actor, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'rejectProgram', summary: 'Trả lại để sửa' })
  reject(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: RejectProgramDto) {
    return this.programs.reject(actor, id, dto.reason);
  }

  @Post(':id/retire')
  @HttpCode(200)
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'retireProgram', summary: 'Ngừng phát' })
  retire(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.programs.retire(actor, id);
  }
}
