import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DEVICE_CHANGES_CHANNEL } from '../auth/device-token-cache';
import { DatabaseNotifications } from '../infrastructure/database/notifications';
import type { Runtime } from '../infrastructure/runtime';
import { RUNTIME } from '../infrastructure/runtime.module';

/**
 * Ends the live MQTT session of a device whose token was rotated or that was revoked, on the
 * embedded broker of whichever instance holds it (NOTIFY reaches every instance). The device may
 * reconnect only with a token that is valid now. External brokers: see docs/protocol.md.
 */
@Injectable()
export class DeviceSessions implements OnApplicationBootstrap {
  private readonly logger = new Logger('devices');

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime, private readonly notifications: DatabaseNotifications) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.runtime.embedded.broker) await this.notifications.listen(DEVICE_CHANGES_CHANNEL, (deviceId) => deviceId && this.end(deviceId));
  }

  end(deviceId: string): void {
    if (this.runtime.embedded.broker?.disconnect(deviceId)) this.logger.log({ msg: 'device session ended', deviceId });
  }
}
