import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { CreateUserDto, ListUsersQuery, UpdateUserDto } from './dto/user.dto';
import { UsersService } from './users.service';


@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ operationId: 'listUsers' })
  list(@CurrentActor() actor: Actor, @Query() q: ListUsersQuery) {
    return this.users.list(actor, q);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getUser' })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return (await this.users.get(actor, id)).user;
  }

  @Post()
  @ApiOperation({ operationId: 'createUser' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateUser', summary: 'Đổi vai trò, đơn vị, khóa tài khoản hoặc đặt lại mật khẩu' })
  update(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(actor, id, dto);
  }
}
