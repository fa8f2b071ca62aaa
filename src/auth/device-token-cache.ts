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
  /** Devices evicted while the cache is being filled at startup (their rows read may be older). */
  private evictedWhileWarming: Set<string> | null = null;
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly notifications: DatabaseNotifications) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.listen(DEVICE_CHANGES_CHANNEL, (deviceId) => deviceId && this.evict(deviceId), () => this.clear());
    void this.warm().catch(() => undefined);
  }

  /**
   * Fills the cache with every active device, in one query in the background at startup: after a
   * restart, a fleet's polls take the fast path from their first request instead of each costing a
   * trip through the full pipeline and the database. A device evicted meanwhile (rotated, revoked) is
   * left out, since the row read may predate the change. Returns how many were cached.
   */
  async warm(): Promise<number> {
    const room = MAX_ENTRIES - this.byHash.size;
    if (!this.notifications.listening || this.evictedWhileWarming || room <= 0) return 0;
    const evicted = (this.evictedWhileWarming = new Set<string>());
    try {
      const rows: Array<{ id: string; channel_id: string; token_hash: string }> = await this.db.query(
        `SELECT id, channel_id, token_hash FROM devices WHERE revoked_at IS NULL AND token_hash IS NOT NULL LIMIT ${room}`,
      );
      if (this.evictedWhileWarming !== evicted) return 0; // cleared meanwhile (notifications reconnected)
      const at = Date.now();
      let cached = 0;
      for (const r of rows) {
        if (evicted.has(r.id) || this.hashById.has(r.id)) continue;
        this.byHash.set(r.token_hash, { id: r.id, channelId: r.channel_id, at });
        this.hashById.set(r.id, r.token_hash);
        cached++;
      }
      return cached;
    } finally {
      if (this.evictedWhileWarming === evicted) this.evictedWhileWarming = null;
    }
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
    this.evictedWhileWarming?.add(deviceId);
    const hash = this.hashById.get(deviceId);
    if (hash) this.byHash.delete(hash);
    this.hashById.delete(deviceId);
  }

  private clear(): void {
    this.evictedWhileWarming = null;
    this.byHash.clear();
    this.hashById.clear();
  }
}
