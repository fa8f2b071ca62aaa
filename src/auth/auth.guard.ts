import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { AppError } from '../infrastructure/http/app-error';
import { Actor } from './actor';
import { hashDeviceToken } from '../devices/device-token';
import { DEVICE_KEY, DevicePrincipal, PUBLIC_KEY, ROLES_KEY } from './decorators';
import type { Role } from './role';
import { DeviceTokenCache } from './device-token-cache';
import { TokenService } from './token.service';

/** Global guard: every route needs a valid bearer token unless marked @Public(); @Roles limits who. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly deviceTokens: DeviceTokenCache,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { actor?: Actor; device?: DevicePrincipal }>();
    const header = req.headers.authorization;
    if (!header) throw new AppError('UNAUTHENTICATED');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const deviceAccess = this.reflector.getAllAndOverride<'only' | 'also' | undefined>(DEVICE_KEY, targets);
    // A device token has no dots; a person's token is a JWT.
    if (deviceAccess && match && !match[1].includes('.')) {
      const device = await this.deviceTokens.lookup(hashDeviceToken(match[1]));
      if (!device) throw new AppError('INVALID_TOKEN');
      req.device = device;
      return true;
    }
    if (deviceAccess === 'only') throw new AppError('DEVICE_ONLY');
    const claims = match ? this.tokens.verify(match[1]) : null;
    if (!claims) throw new AppError('INVALID_TOKEN');

    const rows: Array<{ id: string; username: string; role: Role; unit_id: string | null; path: string | null; active: boolean; token_version: number }> =
      await this.db.query(
        `SELECT u.id, u.username, u.role, u.unit_id, un.path, u.active, u.token_version
           FROM users u LEFT JOIN units un ON un.id = u.unit_id WHERE u.id = $1`,
        [claims.sub],
      );
    const user = rows[0];
    if (!user || !user.active || user.token_version !== claims.tv) throw new AppError('INVALID_TOKEN');
    const actor = new Actor(user.id, user.username, user.role, user.unit_id, user.unit_id ? user.path : null);
    req.actor = actor;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(actor.role)) throw new AppError('FORBIDDEN_ROLE');
    return true;
  }
}
