import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { UnitsService } from '../units/units.service';

/** A Status of the protocol, as far as it could be read. */
export interface DeviceStatus {
  online: boolean;
  agentVersion?: string;
  playlistVersion?: number;
  nowPlaying?: string | null;
  volume?: number;
  diskFreeBytes?: number;
  uptimeS?: number;
  /** The protocol the device speaks ("bcast/v1.1") and its optional features (added within v1). */
  protocol?: string;
  features?: string[];
}

/** Reads a Status payload leniently: known fields of the right type are kept, the rest ignored. */
export function parseStatus(text: string): DeviceStatus | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || typeof (raw as { online?: unknown }).online !== 'boolean') return null;
  const r = raw as Record<string, unknown>;
  const int = (v: unknown, max = Number.MAX_SAFE_INTEGER) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max ? (v as number) : undefined);
  return {
    online: r.online as boolean,
    agentVersion: typeof r.agentVersion === 'string' ? r.agentVersion.slice(0, 64) : undefined,
    playlistVersion: int(r.playlistVersion),
    nowPlaying: typeof r.nowPlaying === 'string' ? r.nowPlaying.slice(0, 64) : r.nowPlaying === null ? null : undefined,
    volume: int(r.volume, 100),
    diskFreeBytes: int(r.diskFreeBytes),
    uptimeS: int(r.uptimeS),
    protocol: typeof r.protocol === 'string' && /^bcast\/v1(\.\d+)?$/.test(r.protocol) ? r.protocol : undefined,
    features: Array.isArray(r.features) ? r.features.filter((f): f is string => typeof f === 'string' && /^[\w.-]{1,32}$/.test(f)).slice(0, 16) : undefined,
  };
}

export type PresenceFlag = 'offline' | 'oldPlaylist' | 'eventsRefused' | 'silent';

export interface DevicePresence {
  id: string;
  channelId: string;
  name: string;
  kind: string;
  village: string | null;
  agentVersion: string | null;
  online: boolean;
  lastSeenAt: Date | null;
  playlistVersion: number | null;
  currentVersion: number | null;
  nowPlaying: string | null;
  volume: number | null;
  diskFreeBytes: number | null;
  /** Events of this device refused (over its rate, too large, unreadable), and the last reason. */
  eventsRefused: number;
  eventsRefusedReason: string | null;
  /** What the device announced: the protocol it speaks and its optional features (null: an older device). */
  protocol: string | null;
  features: string[];
  flags: PresenceFlag[];
  /**
   * "Không có âm thanh": its monitor heard nothing of an airing it played (silence, or only the
   * room) — since that airing, until one is heard again; the airing is silentEntryId.
   */
  silentSince: Date | null;
  silentEntryId: string | null;
  lat: number | null;
  lng: number | null;
  unitId: string;
  unitName: string;
  channelName: string;
  /** How the map colours it: offline first, then an old playlist, then silent, then playing or idle. */
  state: 'playing' | 'idle' | 'offline' | 'oldPlaylist' | 'silent';
  /** Since when the fault (offline, old playlist, silent) lasts; null when none. */
  faultSince: Date | null;
}

const FLUSH_MS = 200;

/**
 * Device presence from status messages and last wills: stored coalesced (the latest status per
 * device, one statement per flush), and read with the flags the console and the province need:
 * offline (will received, or silent longer than DEVICE_OFFLINE_AFTER_S) and oldPlaylist (still not
 * on the current version PLAYLIST_STALE_AFTER_S after it was published).
 */
@Injectable()
export class PresenceService implements OnApplicationShutdown {
  private readonly logger = new Logger('presence');
  private latest = new Map<string, DeviceStatus>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(APP_CONFIG) private readonly config: AppConfig, private readonly units: UnitsService) {}

  update(deviceId: string, status: DeviceStatus): void {
    this.latest.set(deviceId, status);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.latest];
    this.latest = new Map();
    if (!batch.length) return this.flushing;
    const col = <T>(f: (s: DeviceStatus) => T) => batch.map(([, s]) => f(s) ?? null);
    this.flushing = this.flushing.then(() =>
      this.db
        .query(
          `UPDATE devices d SET
              online = x.online,
              last_seen_at = CASE WHEN x.online THEN now() ELSE d.last_seen_at END,
              status_at = now(),
              agent_version = COALESCE(x.agent_version, d.agent_version),
              acked_playlist_version = COALESCE(x.playlist_version, d.acked_playlist_version),
              now_playing = CASE WHEN x.online THEN x.now_playing END,
              volume = COALESCE(x.volume, d.volume),
              disk_free_bytes = COALESCE(x.disk_free_bytes, d.disk_free_bytes),
              uptime_s = COALESCE(x.uptime_s, d.uptime_s),
              protocol = COALESCE(x.protocol, d.protocol),
              features = COALESCE(x.features::text[], d.features)
             FROM unnest($1::uuid[], $2::boolean[], $3::text[], $4::bigint[], $5::text[], $6::smallint[], $7::bigint[], $8::bigint[], $9::text[], $10::text[])
                  AS x(id, online, agent_version, playlist_version, now_playing, volume, disk_free_bytes, uptime_s, protocol, features)
            WHERE d.id = x.id`,
          [batch.map(([id]) => id), col((s) => s.online), col((s) => s.agentVersion), col((s) => s.playlistVersion), col((s) => s.nowPlaying), col((s) => s.volume), col((s) => s.diskFreeBytes), col((s) => s.uptimeS), col((s) => s.protocol), col((s) => (s.features ? `{${s.features.join(',')}}` : undefined))],
        )
        .then(() => undefined)
        .catch((err) => this.logger.warn({ msg: 'presence not stored', devices: batch.length, error: String(err) })),
    );
    return this.flushing;
  }

  /** Devices in the actor's subtree (or a unit of it, or one channel), with presence and flags. */
  async list(actor: Actor, filter: { unitId?: string; channelId?: string; flagged?: boolean } = {}, now = new Date()): Promise<DevicePresence[]> {
    const prefix = filter.unitId ? (await this.units.get(actor, filter.unitId)).path : actor.pathPrefix;
    const rows = await this.db.query(
      `SELECT * FROM (
         SELECT d.id, d.channel_id, d.name, d.kind, d.village, d.agent_version, d.online, d.last_seen_at, d.acked_playlist_version,
                d.lat, d.lng, u.id AS unit_id, u.name AS unit_name, c.name AS channel_name, d.created_at, cp.generated_at,
                d.now_playing, d.volume, d.disk_free_bytes, cp.version AS current_version, d.events_refused, d.events_refused_reason,
                d.silent_since, d.silent_entry_id, d.protocol, d.features,
                (d.events_refused_at > $2::timestamptz - interval '1 hour') AS refusing,
                (NOT d.online OR d.last_seen_at IS NULL OR d.last_seen_at < $2::timestamptz - make_interval(secs => $3)) AS offline,
                (cp.version IS NOT NULL AND COALESCE(d.acked_playlist_version, 0) < cp.version
                   AND cp.generated_at < $2::timestamptz - make_interval(secs => $4)) AS old_playlist
           FROM devices d JOIN channels c ON c.id = d.channel_id JOIN units u ON u.id = c.unit_id
           LEFT JOIN channel_playlists cp ON cp.channel_id = d.channel_id
          WHERE d.revoked_at IS NULL AND u.path LIKE $1 AND ($5::uuid IS NULL OR d.channel_id = $5)
       ) x WHERE NOT $6 OR offline OR old_playlist OR refusing OR silent_since IS NOT NULL
       ORDER BY name, id LIMIT 5000`,
      [`${prefix}%`, now, this.config.DEVICE_OFFLINE_AFTER_S, this.config.PLAYLIST_STALE_AFTER_S, filter.channelId ?? null, filter.flagged ?? false],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id,
      channelId: r.channel_id,
      name: r.name,
      kind: r.kind,
      village: r.village,
      agentVersion: r.agent_version,
      online: r.online && !r.offline,
      lastSeenAt: r.last_seen_at,
      playlistVersion: r.acked_playlist_version === null ? null : Number(r.acked_playlist_version),
      currentVersion: r.current_version === null ? null : Number(r.current_version),
      nowPlaying: r.now_playing,
      volume: r.volume,
      diskFreeBytes: r.disk_free_bytes === null ? null : Number(r.disk_free_bytes),
      eventsRefused: Number(r.events_refused),
      eventsRefusedReason: r.events_refused_reason,
      protocol: r.protocol as string | null,
      features: (r.features as string[] | null) ?? [],
      flags: [...(r.offline ? ['offline'] : []), ...(r.old_playlist ? ['oldPlaylist'] : []), ...(r.refusing ? ['eventsRefused'] : []), ...(r.silent_since ? ['silent'] : [])] as PresenceFlag[],
      silentSince: r.silent_since as Date | null,
      silentEntryId: r.silent_entry_id as string | null,
      lat: r.lat as number | null,
      lng: r.lng as number | null,
      unitId: r.unit_id as string,
      unitName: r.unit_name as string,
      channelName: r.channel_name as string,
      state: r.offline ? 'offline' : r.old_playlist ? 'oldPlaylist' : r.silent_since ? 'silent' : r.now_playing ? 'playing' : 'idle',
      // offline since it was last heard (or registered, if never); an old playlist since the new one was published
      faultSince: r.offline ? ((r.last_seen_at ?? r.created_at) as Date) : r.old_playlist ? (r.generated_at as Date) : ((r.silent_since as Date | null) ?? null),
    }) as DevicePresence);
  }

  /** The map of a subtree: every placed device coloured by its state, and the faults with how long each has lasted. */
  async map(actor: Actor, unitId: string | undefined, now = new Date()) {
    const devices = await this.list(actor, { unitId }, now);
    const faults = devices
      .filter((d) => d.faultSince)
      .map((d) => ({ deviceId: d.id, name: d.name, unitName: d.unitName, channelName: d.channelName, state: d.state, since: d.faultSince, seconds: Math.max(0, Math.round((now.getTime() - new Date(d.faultSince!).getTime()) / 1000)) }))
      .sort((a, b) => b.seconds - a.seconds);
    return { tileUrl: this.config.MAP_TILE_URL ?? null, devices: devices.filter((d) => d.lat !== null && d.lng !== null), unplaced: devices.filter((d) => d.lat === null || d.lng === null).length, faults };
  }
}
