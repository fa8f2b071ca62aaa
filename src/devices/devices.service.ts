import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { DEVICE_CHANGES_CHANNEL, DeviceTokenCache } from '../auth/device-token-cache';
import { AuditService } from '../audit/audit.service';
import { ChannelsService } from '../channels/channels.service';
import { AppError } from '../infrastructure/http/app-error';
import { MqttConnection } from '../infrastructure/mqtt/mqtt-connection';
import { Topics } from '../infrastructure/mqtt/topics';
import { BrokerSync } from './broker-sync';
import { DeviceSessions } from './device-sessions';
import { Device } from './device.entity';
import { mosquittoPasswordHash, newDeviceToken } from './device-token';

export const DEVICE_NOT_FOUND = { vi: 'thiết bị', en: 'device' };

export interface RegisterDevice {
  name: string;
  kind: 'speaker' | 'led' | 'integration';
  lat?: number;
  lng?: number;
  village?: string;
}

/** The device registry: a token is returned once, only its hash is kept; rotate and revoke. */
@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly mqtt: MqttConnection,
    private readonly topics: Topics,
    private readonly tokenCache: DeviceTokenCache,
    private readonly sessions: DeviceSessions,
    private readonly brokerSync: BrokerSync,
  ) {}

  async register(actor: Actor, channelId: string, dto: RegisterDevice): Promise<{ device: Device; token: string }> {
    const channel = await this.channels.get(actor, channelId);
    // a cluster or an integration box (wired / FM station) plays a loudspeaker channel; a player shows an LED board's
    if ((dto.kind === 'led') !== (channel.kind === 'display')) {
      throw AppError.wrongKind('kind', channel.kind === 'display' ? 'kênh bảng LED chỉ nhận thiết bị led' : 'kênh truyền thanh nhận cụm loa (speaker) hoặc thiết bị tích hợp đài hữu tuyến / FM (integration)', channel.kind === 'display' ? 'an LED board channel takes led devices' : 'a loudspeaker channel takes speaker or integration devices');
    }
    const { token, hash } = newDeviceToken();
    const device = await this.db.transaction(async (tx) => {
      const saved = await tx.save(Device, tx.create(Device, { channelId: channel.id, name: dto.name.trim(), kind: dto.kind, tokenHash: hash, mosquittoHash: mosquittoPasswordHash(token), lat: dto.lat ?? null, lng: dto.lng ?? null, village: dto.village ?? null }));
      const { tokenHash: _, mosquittoHash: __, ...plain } = saved;
      // its playlist is published as soon as the distributor sees the channel marked
      await tx.query(`SELECT mark_playlists_changed(ARRAY[$1]::uuid[])`, [channel.id]);
      await this.brokerSync.queue(tx, saved.id, token);
      await this.audit.record(tx, actor, { action: 'device.register', entityType: 'device', entityId: saved.id, unitPath: channel.unitPath, changes: { after: plain } });
      return tx.findOneByOrFail(Device, { id: saved.id });
    });
    this.brokerSync.kick();
    return { device, token };
  }

  async get(actor: Actor, id: string): Promise<Device & { unitPath: string }> {
    const device = await this.db.getRepository(Device).findOneBy({ id });
    if (!device) throw AppError.notFound(DEVICE_NOT_FOUND);
    const channel = await this.channels.get(actor, device.channelId).catch(() => {
      throw AppError.notFound(DEVICE_NOT_FOUND);
    });
    return Object.assign(device, { unitPath: channel.unitPath });
  }

  /**
   * The channel whose data a device route serves: the calling device's own (only for its own id), or,
   * for a person of the device's subtree, the device's channel.
   */
  async channelForRoute(device: { id: string; channelId: string } | undefined, actor: Actor | undefined, id: string): Promise<string> {
    if (device) {
      if (device.id !== id) throw new AppError('NOT_YOUR_DEVICE');
      return device.channelId;
    }
    return (await this.get(actor!, id)).channelId;
  }

  async list(actor: Actor, channelId: string): Promise<Device[]> {
    const channel = await this.channels.get(actor, channelId);
    return this.db.getRepository(Device).find({ where: { channelId: channel.id }, order: { name: 'ASC' } });
  }

  /**
   * A new token; the old one stops working at once (broker and HTTP) and a session opened with it
   * is ended. A revoked device stays revoked: bringing it back is `reinstate`, its own audited action.
   */
  async rotate(actor: Actor, id: string): Promise<{ device: Device; token: string }> {
    return this.newToken(actor, await this.get(actor, id), 'device.rotate');
  }

  /** Brings a revoked device back, with a new token (the old one never works again). */
  async reinstate(actor: Actor, id: string): Promise<{ device: Device; token: string }> {
    return this.newToken(actor, await this.get(actor, id), 'device.reinstate');
  }

  /** A cluster's page: what it reported lately (newest first), and its channel's airings of the last day and the next. */
  async activity(actor: Actor, id: string, limit = 50, now = new Date()) {
    const device = await this.get(actor, id);
    const events = await this.db.query(
      `SELECT pe.type, pe.at, pe.entry_id AS "entryId", COALESCE(e.title, p.title) AS title, pe.detail
         FROM play_events pe LEFT JOIN schedule_entries e ON e.id = pe.entry_id LEFT JOIN programs p ON p.id = e.program_id
        WHERE pe.device_id = $1 ORDER BY pe.at DESC LIMIT $2`,
      [device.id, limit],
    );
    const airings = await this.db.query(
      `SELECT e.id, e.kind, e.priority, e.status, COALESCE(e.title, p.title) AS title, e.starts_at AS "startsAt", e.ends_at AS "endsAt", e.evidenced_at AS "evidencedAt", e.acoustic
         FROM schedule_entries e LEFT JOIN programs p ON p.id = e.program_id
        WHERE e.channel_id = $1 AND e.status <> 'cancelled' AND e.starts_at >= $2 AND e.starts_at < $3 ORDER BY e.starts_at`,
      [device.channelId, new Date(now.getTime() - 86_400_000), new Date(now.getTime() + 86_400_000)],
    );
    return { device: { id: device.id, name: device.name, kind: device.kind, channelId: device.channelId, lat: device.lat, lng: device.lng, village: device.village, monitorSeenAt: device.monitorSeenAt, silentSince: device.silentSince }, events, airings };
  }

  private async newToken(actor: Actor, device: Device & { unitPath: string }, action: 'device.rotate' | 'device.reinstate'): Promise<{ device: Device; token: string }> {
    const id = device.id;
    const { token, hash } = newDeviceToken();
    await this.db.transaction(async (tx) => {
      // checked under the row lock: a concurrent revoke cannot slip between the check and the new token
      const [{ revoked_at: revokedAt }] = await tx.query(`SELECT revoked_at FROM devices WHERE id = $1 FOR UPDATE`, [id]);
      if (action === 'device.rotate' && revokedAt) throw new AppError('DEVICE_REVOKED');
      if (action === 'device.reinstate' && !revokedAt) throw new AppError('DEVICE_NOT_REVOKED');
      await tx.update(Device, { id }, { tokenHash: hash, mosquittoHash: mosquittoPasswordHash(token), revokedAt: null, publishedVersion: null });
      await tx.query(`SELECT mark_playlists_changed(ARRAY[$1]::uuid[])`, [device.channelId]);
      await this.brokerSync.queue(tx, id, token);
      await tx.query(`SELECT pg_notify($1, $2)`, [DEVICE_CHANGES_CHANNEL, id]); // every instance forgets the old token, ends its session
      await this.audit.record(tx, actor, { action, entityType: 'device', entityId: id, unitPath: device.unitPath, changes: action === 'device.rotate' ? { tokenRotated: true } : { reinstated: true, tokenRotated: true } });
    });
    this.tokenCache.evict(id);
    this.sessions.end(id);
    this.brokerSync.kick();
    return { device: await this.db.getRepository(Device).findOneByOrFail({ id }), token };
  }

  async revoke(actor: Actor, id: string): Promise<Device> {
    const device = await this.get(actor, id);
    await this.db.transaction(async (tx) => {
      await tx.update(Device, { id }, { revokedAt: new Date(), publishedVersion: null });
      await this.brokerSync.queue(tx, id, null);
      await tx.query(`SELECT pg_notify($1, $2)`, [DEVICE_CHANGES_CHANNEL, id]);
      await this.audit.record(tx, actor, { action: 'device.revoke', entityType: 'device', entityId: id, unitPath: device.unitPath, changes: { revoked: true } });
    });
    this.tokenCache.evict(id);
    this.sessions.end(id);
    this.brokerSync.kick();
    // Its retained playlist goes too: a revoked device has nothing left to read.
    await this.mqtt.client.publishAsync(this.topics.playlist(id), '', { qos: 1, retain: true }).catch(() => undefined);
    return this.db.getRepository(Device).findOneByOrFail({ id });
  }
}
