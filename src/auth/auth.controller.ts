import { Body, Controller, Get, HttpCode, Patch, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from './actor';
import { AuthService } from './auth.service';
import { CurrentActor, Public } from './decorators';
import { ChangePasswordDto, LoginDto } from './dto/login.dto';
import { AuditService } from '../audit/audit.service';
import { UpdateProfileDto } from '../users/dto/user.dto';
import { User } from './user.entity';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService, @InjectDataSource() private readonly db: DataSource, private readonly audit: AuditService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'login', summary: 'Đăng nhập, nhận mã truy cập (Bearer)' })
  login(@Body() dto: LoginDto, @Req() req: Request) {
    return this.auth.login(dto.username, dto.password, req.ip ?? 'unknown');
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'getCurrentUser' })
  async me(@CurrentActor() actor: Actor) {
    const user = await this.db.getRepository(User).findOneByOrFail({ id: actor.id });
    return { ...user, scope: { unitId: actor.unitId, national: actor.isNational } };
  }

  @Patch('me')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'updateProfile', summary: 'Sửa tên hiển thị và chức vụ của chính mình (in trên báo cáo do mình lập)' })
  async updateProfile(@CurrentActor() actor: Actor, @Body() dto: UpdateProfileDto) {
    return this.db.transaction(async (tx) => {
      const before = await tx.findOneByOrFail(User, { id: actor.id });
      await tx.update(User, { id: actor.id }, {
        displayName: dto.displayName?.trim() ?? before.displayName,
        jobTitle: dto.jobTitle !== undefined ? dto.jobTitle?.trim() || null : before.jobTitle,
      });
      const after = await tx.findOneByOrFail(User, { id: actor.id });
      await this.audit.record(tx, actor, { action: 'user.profile', entityType: 'user', entityId: actor.id, unitPath: actor.unitPath, changes: { before: { displayName: before.displayName, jobTitle: before.jobTitle }, after: { displayName: after.displayName, jobTitle: after.jobTitle } } });
      return { ...after, scope: { unitId: actor.unitId, national: actor.isNational } };
    });
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'logout', summary: 'Đăng xuất: mọi phiên của người dùng này hết hiệu lực' })
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.auth.logout(actor);
  }

  @Post('password')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'changePassword', summary: 'Đổi mật khẩu; các phiên cũ bị thu hồi' })
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto) {
    return this.auth.changePassword(actor, dto.currentPassword, dto.newPassword);
  }
}
