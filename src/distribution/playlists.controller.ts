import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../auth/actor';
import { CurrentActor, CurrentDevice, DeviceAccess, DevicePrincipal } from '../auth/decorators';
import { DevicesService } from '../devices/devices.service';
import { AppError } from '../infrastructure/http/app-error';
import { ParseId } from '../infrastructure/http/uuid.pipe';
import { renderPlaylist } from './playlist';
import { PlaylistCompiler } from './playlist-compiler';

/** True when an If-None-Match header names this ETag (or is `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** HTTP pull of a device's playlist: the fallback when MQTT is down, and what players fetch at start. */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/devices')
export class PlaylistsController {
  constructor(private readonly compiler: PlaylistCompiler, private readonly devices: DevicesService) {}

  @Get(':id/playlist')
  @DeviceAccess()
  @ApiOperation({ operationId: 'getDevicePlaylist', summary: 'Danh sách phát của thiết bị; ETag là phiên bản, If-None-Match cho 304' })
  async get(@CurrentDevice() device: DevicePrincipal | undefined, @CurrentActor() actor: Actor | undefined, @Param('id', ParseId) id: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: Response): Promise<void> {
    const channelId = await this.devices.channelForRoute(device, actor, id);
    const version = await this.compiler.version(channelId);
    if (version !== null && etagMatches(ifNoneMatch, `"${version}"`)) {
      res.setHeader('ETag', `"${version}"`);
      res.setHeader('Cache-Control', 'no-cache');
      res.status(304).end();
      return;
    }
    let current = await this.compiler.current(channelId);
    if (!current) {
      // First contact before the distributor got to it: compile now (it stores the same version).
      await this.compiler.compile([channelId]);
      current = await this.compiler.current(channelId);
      if (!current) throw new AppError('PLAYLIST_NOT_READY');
    }
    const etag = `"${current.playlist.version}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (etagMatches(ifNoneMatch, etag)) {
      res.status(304).end();
      return;
    }
    res.status(200).type('application/json; charset=utf-8').send(renderPlaylist(current.playlist, id, current.entriesJson));
  }
}
