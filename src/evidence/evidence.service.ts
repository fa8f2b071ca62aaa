import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdvisoryLock } from '../infrastructure/database/advisory-locks';
import { returnedRows } from '../infrastructure/database/returned-rows';
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

  /** Stores a batch; events seen before (same device, id and time) are counted, not stored again. */
  async record(events: PlayEvent[]): Promise<{ accepted: number; duplicates: number }> {
    if (!events.length) return { accepted: 0, duplicates: 0 };
    return this.db.transaction(async (tx) => {
      const inserted = returnedRows<{ entry_id: string | null; channel_id: string; type: string; at: Date }>(
        await tx.query(
          `INSERT INTO play_events (device_id, event_id, at, type, channel_id, entry_id, playlist_version, detail)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::uuid[], $6::uuid[], $7::int[], $8::jsonb[])
           ON CONFLICT DO NOTHING
           RETURNING entry_id, channel_id, type, at`,
          [
            events.map((e) => e.deviceId),
            events.map((e) => e.eventId),
            events.map((e) => e.at),
            events.map((e) => e.type),
            events.map((e) => e.channelId),
            events.map((e) => e.entryId ?? null),
            events.map((e) => e.playlistVersion ?? null),
            events.map((e) => (e.detail ? JSON.stringify(e.detail) : null)),
          ],
        ),
      );
      const completed = inserted.filter((r) => r.type === 'play.completed' && r.entry_id);
      if (completed.length) {
        // Only an entry of the reporting device's own channel can be evidenced by it.
        await tx.query(
          `UPDATE schedule_entries e SET evidenced_at = LEAST(COALESCE(e.evidenced_at, c.at), c.at), updated_at = now()
             FROM (SELECT entry_id, channel_id, min(at) AS at FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS x(entry_id, channel_id, at) GROUP BY 1, 2) c
            WHERE e.id = c.entry_id AND e.channel_id = c.channel_id`,
          [completed.map((r) => r.entry_id), completed.map((r) => r.channel_id), completed.map((r) => r.at)],
        );
      }
      return { accepted: inserted.length, duplicates: events.length - inserted.length };
    });
  }
}
