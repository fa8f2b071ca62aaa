import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdvisoryLock } from '../infrastructure/database/advisory-locks';
import type { PlayEvent } from './play-event';

/**
 * Stores device events exactly once, in batches, and turns the first `play.completed` of an entry
 * into evidence on that entry. Ingestion (MQTT and HTTP) is the distribution module's; this is
 * where the events land.
 */
@Injectable()
export class EvidenceService implements OnApplicationBootstrap {
  private readonly logger = new Logger('evidence');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensurePartitions();
  }

  /** Monthly partitions a year ahead; one instance does it (advisory lock), the SQL is idempotent. */
  @Cron('0 15 3 * * *')
  async ensurePartitions(): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [AdvisoryLock.EvidencePartitions]);
      if (locked) await tx.query(`SELECT ensure_play_event_partitions((now() - interval '1 month')::date, 14)`);
    }).catch((err) => this.logger.warn({ msg: 'partition upkeep failed', error: String(err) }));
  }

  /**
   * Stores a batch in one statement; events seen before (same device, id and time) are counted,
   * not stored again. The first play.completed of an entry marks it evidenced, and the senders'
   * last-seen time moves on. Events of unknown devices (no channel given or registered) are dropped.
   */
  async record(events: PlayEvent[]): Promise<{ accepted: number; duplicates: number }> {
    if (!events.length) return { accepted: 0, duplicates: 0 };
    const [{ accepted }] = await this.db.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::uuid[], $6::uuid[], $7::int[], $8::jsonb[])
                    AS x(device_id, event_id, at, type, channel_id, entry_id, playlist_version, detail)
       ), ins AS (
         INSERT INTO play_events (device_id, event_id, at, type, channel_id, entry_id, playlist_version, detail)
         SELECT i.device_id, i.event_id, i.at, i.type, COALESCE(i.channel_id, d.channel_id), i.entry_id, i.playlist_version, i.detail
           FROM input i LEFT JOIN devices d ON d.id = i.device_id
          WHERE COALESCE(i.channel_id, d.channel_id) IS NOT NULL
         ON CONFLICT DO NOTHING
         RETURNING entry_id, channel_id, type, at
       ), evidenced AS (
         -- only an entry of the reporting device's own channel can be evidenced by it
         UPDATE schedule_entries e SET evidenced_at = LEAST(COALESCE(e.evidenced_at, c.at), c.at), updated_at = now()
           FROM (SELECT entry_id, channel_id, min(at) AS at FROM ins WHERE type = 'play.completed' AND entry_id IS NOT NULL GROUP BY 1, 2) c
          WHERE e.id = c.entry_id AND e.channel_id = c.channel_id AND (e.evidenced_at IS NULL OR e.evidenced_at > c.at)
         RETURNING 1
       ), seen AS (
         -- a device sending a backlog is not rewritten for every batch: "last seen" to the 10 seconds
         UPDATE devices SET last_seen_at = now()
          WHERE id IN (SELECT DISTINCT device_id FROM input) AND (last_seen_at IS NULL OR last_seen_at < now() - interval '10 seconds')
         RETURNING 1
       )
       SELECT count(*)::int AS accepted FROM ins`,
      [
        events.map((e) => e.deviceId),
        events.map((e) => e.eventId),
        events.map((e) => e.at),
        events.map((e) => e.type),
        events.map((e) => e.channelId ?? null),
        events.map((e) => e.entryId ?? null),
        events.map((e) => e.playlistVersion ?? null),
        events.map((e) => (e.detail ? JSON.stringify(e.detail) : null)),
      ],
    );
    return { accepted, duplicates: events.length - accepted };
  }
}
