import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Actor } from './actor';
import type { Role } from './role';

export const PUBLIC_KEY = 'bcast:public';
export const ROLES_KEY = 'bcast:roles';

/** No token needed (login, health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const DEVICE_KEY = 'bcast:device';

/** Devices may call it with `Authorization: Bearer <device token>` (people still may with theirs,
 *  unless `devicesOnly`). */
export const DeviceAccess = (devicesOnly = false) => SetMetadata(DEVICE_KEY, devicesOnly ? 'only' : 'also');

/** The device a request acts for, when it authenticated with a device token. */
export interface DevicePrincipal {
  id: string;
  channelId: string;
}

export const CurrentDevice = createParamDecorator((_: unknown, ctx: ExecutionContext): DevicePrincipal | undefined => {
  return ctx.switchToHttp().getRequest().device;
});

/** Only these roles may call the handler; scope is still checked by the service. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The signed-in actor of the request. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest().actor;
});
