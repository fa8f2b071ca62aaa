import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseNotifications } from '../infrastructure/database/notifications';
import type { DevicePrincipal } from './decorators';

/** Rotation and revocation evict at once (NOTIFY); the TTL only bounds a missed notification. */
const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 250_000;
export const DEVICE_CHANGES_CHANNEL = 'bcast_devices';

/**
 * Device tokens already checked, by hash, so a playlist poll costs no database round trip.
 * Rotating or revoking a token evicts it here at once and, through NOTIFY, on every other
 * instance; entries also expire after ten minutes in case a notification was missed.
 */
@Injectable()
export class DeviceTokenCache implements OnApplicationBootstrap {
  private readonly byHash = new Map<string, DevicePrincipal & { at: number }>();
  private readonly hashById = new Map<string, string>();
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly notifications: DatabaseNotifications) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.listen(DEVICE_CHANGES_CHANNEL, (deviceId) => deviceId && this.evict(deviceId), () => this.clear());
  }

  /** The cached principal, without asking the database (null: not cached, or stale). */
  peek(hash: string): DevicePrincipal | null {
    const hit = this.byHash.get(hash);
    return hit && this.notifications.listening && Date.now() - hit.at < TTL_MS ? { id: hit.id, channelId: hit.channelId } : null;
  }

  async lookup(hash: string): Promise<DevicePrincipal | null> {
    const hit = this.peek(hash);
    if (hit) return hit;
    const [row] = await this.db.query(`SELECT id, channel_id FROM devices WHERE token_hash = $1 AND revoked_at IS NULL`, [hash]);
    if (!row) return null;
    if (this.notifications.listening) {
      if (this.byHash.size >= MAX_ENTRIES) this.clear();
      this.byHash.set(hash, { id: row.id, channelId: row.channel_id, at: Date.now() });
      this.hashById.set(row.id, hash);
    }
    return { id: row.id, channelId: row.channel_id };
  }

  evict(deviceId: string): void {
    const hash = this.hashById.get(deviceId);
    if (hash) this.byHash.delete(hash);
    this.hashById.delete(deviceId);
  }

  private clear(): void {
    this.byHash.clear();
    this.hashById.clear();
  }
}
