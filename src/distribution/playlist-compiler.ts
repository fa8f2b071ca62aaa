import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { DatabaseNotifications } from '../infrastructure/database/notifications';
import { ChannelPlaylist, compileEntries, contentHash, EntryRow, PlaylistEntry } from './playlist';

export interface CompiledChannel {
  playlist: ChannelPlaylist;
  /** The entries as JSON, serialised once for all the channel's devices. */
  entriesJson: string;
  /** Whether this compile produced a new version. */
  changed: boolean;
}

interface ChannelWindow {
  id: string;
  timezone: string;
  valid_from: Date;
  valid_until: Date;
}

/**
 * Builds channels' playlists from their schedule entries and stores a new version only when the
 * content differs from the stored one (window, time zone, entries). Works on many channels at once:
 * one query for the windows, one for the entries, one upsert.
 */
/** How long a channel's version is trusted: long while version notifications arrive, else a second. */
const VERSION_TTL_MS = { notified: 60_000, polled: 1000 };
export const VERSION_CHANNEL = 'bcast_playlist_versions';

@Injectable()
export class PlaylistCompiler implements OnApplicationBootstrap {
  private readonly versions = new Map<string, { version: number; at: number }>();
  /** When each channel's version was last forgotten (a newer one compiled), for warmVersions. */
  private readonly forgotten = new Map<string, number>();
  /** Where compile time goes, for benchmarks. */
  readonly stats = { windowsMs: 0, entriesMs: 0, buildMs: 0, storeMs: 0 };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: DatabaseNotifications,
  ) {}

  /** Every instance forgets a channel's cached version when any instance compiles a new one. */
  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.listen(VERSION_CHANNEL, (ids) => this.forget(ids.split(',')), () => this.versions.clear());
    void this.warmVersions().catch(() => undefined);
  }

  /** Caches every channel's current version at startup (in the background), so a fleet's first polls after a restart take the fast path. */
  async warmVersions(): Promise<number> {
    if (!this.notifications.listening) return 0;
    const started = Date.now();
    const rows: Array<{ channel_id: string; version: string }> = await this.db.query(`SELECT channel_id, version FROM channel_playlists LIMIT 100000`);
    let cached = 0;
    for (const r of rows) {
      const known = this.versions.get(r.channel_id);
      // a version forgotten or cached since the query began is newer than what was read
      if (known && known.at >= started) continue;
      if (this.forgottenSince(r.channel_id, started)) continue;
      this.versions.set(r.channel_id, { version: Number(r.version), at: started });
      cached++;
    }
    return cached;
  }

  async compile(channelIds: string[], now = new Date(), manager: EntityManager = this.db.manager): Promise<Map<string, CompiledChannel>> {
    const out = new Map<string, CompiledChannel>();
    if (!channelIds.length) return out;
    let t = performance.now();
    const lap = (key: keyof PlaylistCompiler['stats']) => {
      const n = performance.now();
      this.stats[key] += n - t;
      t = n;
    };
    // The window starts at local midnight today in the unit's time zone.
    const windows: ChannelWindow[] = await manager.query(
      `SELECT c.id, u.timezone,
              date_trunc('day', $2::timestamptz AT TIME ZONE u.timezone) AT TIME ZONE u.timezone AS valid_from,
              (date_trunc('day', $2::timestamptz AT TIME ZONE u.timezone) + make_interval(days => $3)) AT TIME ZONE u.timezone AS valid_until
         FROM channels c JOIN units u ON u.id = c.unit_id
        WHERE c.id = ANY($1::uuid[])`,
      [channelIds, now, this.config.PLAYLIST_HORIZON_DAYS],
    );
    lap('windowsMs');
    if (!windows.length) return out;
    const from = new Date(Math.min(...windows.map((w) => w.valid_from.getTime())));
    const until = new Date(Math.max(...windows.map((w) => w.valid_until.getTime())));
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT e.channel_id, e.id, e.kind, e.priority, COALESCE(e.title, p.title) AS title, e.stream_url, e.starts_at, e.ends_at,
              a.sha256, a.bytes, a.mime, a.duration_ms, a.display_ms,
              -- a planned slides entry rotates several slides (only those ready, in order)
              (SELECT json_agg(json_build_object('sha256', s.sha256, 'bytes', s.bytes, 'mime', s.mime, 'durationMs', s.duration_ms, 'displayMs', s.display_ms) ORDER BY x.ord)
                 FROM unnest(e.media_asset_ids) WITH ORDINALITY AS x(id, ord) JOIN media_assets s ON s.id = x.id AND s.status = 'ready' AND s.sha256 IS NOT NULL) AS slides
         FROM schedule_entries e
         LEFT JOIN programs p ON p.id = e.program_id
         LEFT JOIN media_assets a ON a.id = COALESCE(e.media_asset_id, p.audio_asset_id) AND a.status = 'ready' AND a.sha256 IS NOT NULL
        WHERE e.channel_id = ANY($1::uuid[]) AND e.status NOT IN ('cancelled', 'voided') AND e.ends_at > $2 AND e.starts_at < $3`,
      [windows.map((w) => w.id), from, until],
    );
    lap('entriesMs');
    const byChannel = new Map<string, EntryRow[]>();
    for (const r of rows) {
      const list = byChannel.get(r.channel_id as string) ?? [];
      list.push({
        id: r.id as string,
        kind: r.kind as EntryRow['kind'],
        priority: r.priority as EntryRow['priority'],
        title: r.title as string | null,
        streamUrl: r.stream_url as string | null,
        startsAt: r.starts_at as Date,
        endsAt: r.ends_at as Date,
        media: r.sha256 ? { sha256: r.sha256 as string, bytes: Number(r.bytes), mime: r.mime as string, durationMs: r.duration_ms as number | null, displayMs: r.display_ms as number | null } : null,
        ...(r.slides ? { slides: (r.slides as NonNullable<EntryRow['slides']>).map((m) => ({ ...m, bytes: Number(m.bytes) })) } : {}),
      });
      byChannel.set(r.channel_id as string, list);
    }
    const built = windows.map((w) => {
      const entries = compileEntries(byChannel.get(w.id) ?? [], w.valid_from, w.valid_until);
      return { w, entries, entriesJson: JSON.stringify(entries), hash: contentHash(w.timezone, w.valid_from, w.valid_until, entries) };
    });
    lap('buildMs');
    // New version only where the hash differs; either way read back what is stored now.
    const stored: Array<{ channel_id: string; version: string; generated_at: Date; content_hash: string; changed: boolean }> = await manager.query(
      `WITH input AS (
         -- the entries travel as one JSON array (no array-literal escaping of megabytes of JSON);
         -- json (not jsonb) keeps each element's text as compiled
         SELECT x.channel_id, x.content_hash, x.timezone, x.valid_from, x.valid_until, e.entries
           FROM unnest($1::uuid[], $2::char(64)[], $3::text[], $4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS x(channel_id, content_hash, timezone, valid_from, valid_until, i)
           JOIN json_array_elements($6::json) WITH ORDINALITY AS e(entries, i) ON e.i = x.i
       ), upserted AS (
         INSERT INTO channel_playlists AS cp (channel_id, version, content_hash, timezone, valid_from, valid_until, entries, generated_at)
         SELECT channel_id, nextval('playlist_version_seq'), content_hash, timezone, valid_from, valid_until, entries, now() FROM input
         ON CONFLICT (channel_id) DO UPDATE
           SET version = nextval('playlist_version_seq'), content_hash = EXCLUDED.content_hash, timezone = EXCLUDED.timezone,
               valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until, entries = EXCLUDED.entries, generated_at = now()
           WHERE cp.content_hash <> EXCLUDED.content_hash
         RETURNING cp.channel_id, cp.version, cp.generated_at, cp.content_hash
       )
       SELECT channel_id, version, generated_at, content_hash, true AS changed FROM upserted
       UNION ALL
       SELECT cp.channel_id, cp.version, cp.generated_at, cp.content_hash, false FROM channel_playlists cp
        WHERE cp.channel_id IN (SELECT channel_id FROM input) AND cp.channel_id NOT IN (SELECT channel_id FROM upserted)`,
      [built.map((b) => b.w.id), built.map((b) => b.hash), built.map((b) => b.w.timezone), built.map((b) => b.w.valid_from), built.map((b) => b.w.valid_until), `[${built.map((b) => b.entriesJson).join(',')}]`],
    );
    lap('storeMs');
    const byId = new Map(built.map((b) => [b.w.id, b]));
    const changed = stored.filter((s) => s.changed).map((s) => s.channel_id);
    this.forget(changed);
    // every instance forgets the old versions of these channels (onApplicationBootstrap)
    // (a notification carries at most 8,000 bytes: 150 ids each)
    if (changed.length) {
      await manager.query(
        `SELECT pg_notify($1, string_agg(id, ',')) FROM (SELECT id, (row_number() OVER () - 1) / 150 AS g FROM unnest($2::text[]) AS id) x GROUP BY g`,
        [VERSION_CHANNEL, changed],
      );
    }
    for (const s of stored) {
      const b = byId.get(s.channel_id)!;
      // A concurrent compile may have stored other content meanwhile: then this one is not current.
      if (s.content_hash !== b.hash) continue;
      out.set(s.channel_id, {
        playlist: { channelId: s.channel_id, version: Number(s.version), timezone: b.w.timezone, validFrom: b.w.valid_from, validUntil: b.w.valid_until, generatedAt: s.generated_at, entries: b.entries },
        entriesJson: b.entriesJson,
        changed: s.changed,
      });
    }
    return out;
  }

  /**
   * Only the version: all a device that is up to date needs (304). Kept for a second, so a fleet
   * polling at once costs one query per channel per second; a newer version compiled here is
   * seen at once, one compiled by another instance within that second.
   */
  async version(channelId: string): Promise<number | null> {
    const hit = this.peekVersion(channelId);
    if (hit !== null) return hit;
    const [row] = await this.db.query(`SELECT version FROM channel_playlists WHERE channel_id = $1`, [channelId]);
    if (!row) return null;
    if (this.versions.size > 100_000) this.versions.clear();
    this.versions.set(channelId, { version: Number(row.version), at: Date.now() });
    return Number(row.version);
  }

  forget(channelIds: string[]): void {
    const at = Date.now();
    for (const id of channelIds) {
      this.versions.delete(id);
      this.forgotten.set(id, at);
    }
    if (this.forgotten.size > 10_000) this.forgotten.clear();
  }

  private forgottenSince(channelId: string, since: number): boolean {
    return (this.forgotten.get(channelId) ?? 0) >= since;
  }

  /** The cached version, without asking the database (null: not cached, or older than a second). */
  peekVersion(channelId: string): number | null {
    const hit = this.versions.get(channelId);
    return hit && Date.now() - hit.at < (this.notifications.listening ? VERSION_TTL_MS.notified : VERSION_TTL_MS.polled) ? hit.version : null;
  }

  /** The stored playlist of a channel, with its entries as the JSON text that was compiled. */
  async current(channelId: string): Promise<{ playlist: ChannelPlaylist; entriesJson: string } | null> {
    const [row] = await this.db.query(`SELECT channel_id, version, timezone, valid_from, valid_until, generated_at, entries::text AS entries FROM channel_playlists WHERE channel_id = $1`, [channelId]);
    if (!row) return null;
    const playlist: ChannelPlaylist = { channelId: row.channel_id, version: Number(row.version), timezone: row.timezone, validFrom: row.valid_from, validUntil: row.valid_until, generatedAt: row.generated_at, entries: [] as PlaylistEntry[] };
    return { playlist, entriesJson: row.entries };
  }
}
