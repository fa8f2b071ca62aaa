import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { ChannelsService } from './channels.service';
import { CreateChannelDto, UpdateChannelDto } from './dto/channel.dto';

class ListChannelsQuery {
  @IsOptional() @IsUUID()
  unitId?: string;
}

@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @ApiOperation({ operationId: 'listChannels' })
  list(@CurrentActor() actor: Actor, @Query() q: ListChannelsQuery) {
    return this.channels.list(actor, q.unitId);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getChannel' })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    const { unitPath: _, ...channel } = await this.channels.get(actor, id);
    return channel;
  }

  @Post()
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'createChannel', summary: 'Kênh phát với khung giờ phát theo giờ địa phương' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateChannelDto) {
    return this.channels.create(actor, dto);
  }

  @Patch(':id')
  @Roles('admin', 'editor')
  @ApiOperation({ operationId: 'updateChannel' })
  update(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string, @Body() dto: UpdateChannelDto) {
    return this.channels.update(actor, id, dto);
  }
}
