import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumberString, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { AuditService } from './audit.service';

export class AuditQueryDto {
  @IsOptional() @IsIn(['unit', 'user', 'schedule', 'rule', 'series', 'device', 'program', 'channel', 'media', 'campaign'])
  entityType?: string;
  @IsOptional() @IsString() @MaxLength(100)
  entityId?: string;
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;
  /** Page backwards: entries with an id lower than this. */
  @IsOptional() @IsNumberString({ no_symbols: true }) @MaxLength(18)
  before?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'editor', 'viewer')
  @ApiOperation({ operationId: 'listAuditEntries', summary: 'Nhật ký thay đổi trong phạm vi của người dùng' })
  list(@CurrentActor() actor: Actor, @Query() q: AuditQueryDto) {
    return this.audit.list(actor, {
      entityType: q.entityType,
      entityId: q.entityId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      before: q.before,
      limit: q.limit ?? 100,
    });
  }
}
