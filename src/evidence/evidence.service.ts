import { eventsDuplicate, eventsRefused, eventsStored } from '../infrastructure/metrics/metrics';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdvisoryLock } from '../infrastructure/database/advisory-locks';
import { PeriodicJobs } from '../infrastructure/jobs/periodic-jobs';
import { pruneTicks } from '../infrastructure/jobs/periodic-tick';
import type { PlayEvent } from './play-event';

/**
 * Stores device events exactly once, in batches, and turns the first `play.completed` of an entry
 * into evidence on that entry. Ingestion (MQTT and HTTP) is the distribution module's; this is
 * where the events land.
 */
@Injectable()
export class EvidenceService implements OnApplicationBootstrap {
  private readonly logger = new Logger('evidence');

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly periodic: PeriodicJobs) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensurePartitions();
  }

  /** Daily, on one instance of the deployment; old job ticks are pruned on the way. */
  @Cron('0 15 3 * * *')
  async partitionsTick(now = new Date()): Promise<boolean> {
    return this.periodic.run('evidence.partitions', 86_400_000, async () => {
      await this.ensurePartitions();
      await pruneTicks(this.db);
      // an event older than the 35 days accepted can never come again: its id need not be kept
      await this.db.query(`DELETE FROM device_event_ids WHERE at < now() - interval '36 days'`);
    }, now);
  }

  /**
   * Monthly partitions from two months back to 14 months ahead (events are accepted from 35 days back
   * to 5 minutes ahead, so none lands in the default partition); idempotent, one instance at a time.
   */
  async ensurePartitions(): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [AdvisoryLock.EvidencePartitions]);
      if (locked) await tx.query(`SELECT ensure_play_event_partitions((now() - interval '2 months')::date, 16)`);
    }).catch((err) => this.logger.warn({ msg: 'partition upkeep failed', error: String(err) }));
  }

  /**
   * Stores a batch; events seen before (same device, id and time) are counted, not stored again.
   * A play.completed inside its airing (is_evidence_time) from a device of the airing's channel marks
   * the entry evidenced, and the senders' last-seen time moves on. Events of unknown devices are dropped.
   *
   * An event the database refuses never sinks the others: the batch is split until the refused
   * events stand alone, and those are kept in device_event_rejects with the database's reason. When
   * the database is unreachable the error is thrown (nothing is stored, so nothing may be acknowledged).
   */
  async record(events: PlayEvent[], source: RejectSource = 'mqtt'): Promise<RecordResult> {
    if (!events.length) return { accepted: 0, duplicates: 0, rejected: 0 };
    try {
      const accepted = await this.insert(events);
      eventsStored.inc({ source }, accepted);
      if (events.length > accepted) eventsDuplicate.inc({ source }, events.length - accepted);
      return { accepted, duplicates: events.length - accepted, rejected: 0 };
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (events.length === 1) {
        await this.reject([{ deviceId: events[0].deviceId, reason: String((err as Error).message ?? err), payload: events[0] }], source, 'database');
        this.logger.warn({ msg: 'event refused by the database', deviceId: events[0].deviceId, eventId: events[0].eventId, error: String(err) });
        return { accepted: 0, duplicates: 0, rejected: 1 };
      }
      const half = Math.ceil(events.length / 2);
      const a = await this.record(events.slice(0, half), source);
      const b = await this.record(events.slice(half), source);
      return { accepted: a.accepted + b.accepted, duplicates: a.duplicates + b.duplicates, rejected: a.rejected + b.rejected };
    }
  }

  /**
   * Keeps refused events with their reason (what administrators read at GET /api/v1/device-events/rejected)
   * and counts them on their device (the `eventsRefused` flag of presence).
   */
  async reject(items: Array<{ deviceId: string; reason: string; payload: unknown }>, source: RejectSource, stage: 'validation' | 'database'): Promise<void> {
    if (!items.length) return;
    eventsRefused.inc({ source, stage }, items.length);
    await this.db.query(
      `WITH kept AS (
         INSERT INTO device_event_rejects (device_id, source, stage, reason, payload)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
         RETURNING device_id, reason
       )
       UPDATE devices d SET events_refused = d.events_refused + k.n, events_refused_at = now(), events_refused_reason = k.reason
         FROM (SELECT device_id, count(*)::int AS n, (array_agg(reason))[1] AS reason FROM kept GROUP BY 1) k
        WHERE d.id = k.device_id`,
      [items.map((i) => i.deviceId), items.map(() => source), items.map(() => stage), items.map((i) => clip(i.reason, 1000)), items.map((i) => clip(safeJson(i.payload), 8192))],
    );
  }

  /** Counts events of a device refused without being kept (over its rate), with why. */
  async noteRefused(deviceId: string, count: number, reason: string): Promise<void> {
    await this.db.query(`UPDATE devices SET events_refused = events_refused + $2, events_refused_at = now(), events_refused_reason = $3 WHERE id = $1`, [deviceId, count, clip(reason, 500)]);
  }

  private async insert(events: PlayEvent[]): Promise<number> {
    const [{ accepted, checks }] = await this.db.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::uuid[], $6::uuid[], $7::int[], $8::jsonb[])
                    AS x(device_id, event_id, at, type, channel_id, entry_id, playlist_version, detail)
       ), known AS (
         -- events of registered devices, once per (device, eventId) within the batch
         SELECT DISTINCT ON (i.device_id, i.event_id) i.*, COALESCE(i.channel_id, d.channel_id) AS channel
           FROM input i LEFT JOIN devices d ON d.id = i.device_id
          WHERE COALESCE(i.channel_id, d.channel_id) IS NOT NULL
          ORDER BY i.device_id, i.event_id, i.at
       ), fresh AS (
         -- the idempotency key is the device's eventId (PROTOCOL.md), whatever time comes with it
         INSERT INTO device_event_ids (device_id, event_id, at) SELECT device_id, event_id, at FROM known
         ON CONFLICT DO NOTHING
         RETURNING device_id, event_id
       ), ins AS (
         INSERT INTO play_events (device_id, event_id, at, type, channel_id, entry_id, playlist_version, detail)
         SELECT k.device_id, k.event_id, k.at, k.type, k.channel, k.entry_id, k.playlist_version, k.detail
           FROM known k JOIN fresh f ON f.device_id = k.device_id AND f.event_id = k.event_id
         ON CONFLICT DO NOTHING
         RETURNING device_id, event_id, entry_id, channel_id, type, at, detail
       ), checks AS (
         -- what a monitor heard of an airing of its own channel, to be graded (AcousticVerifier)
         INSERT INTO acoustic_checks (device_id, event_id, at, entry_id, channel_id, windows)
         SELECT i.device_id, i.event_id, i.at, i.entry_id, i.channel_id, i.detail->'windows'
           FROM ins i JOIN schedule_entries s ON s.id = i.entry_id AND s.channel_id = i.channel_id
          WHERE i.type = 'play.monitored' AND is_evidence_time(i.at, s.starts_at, s.ends_at)
         ON CONFLICT DO NOTHING
         RETURNING device_id
       ), evidenced AS (
         -- only an entry of the reporting device's own channel, and only inside the airing: the first
         -- play.completed evidences it; on an LED board, the first play.started of a slides entry says
         -- from when it was shown (shown_at, what the display reports count minutes from)
         UPDATE schedule_entries e
            SET evidenced_at = CASE WHEN c.completed IS NOT NULL THEN LEAST(COALESCE(e.evidenced_at, c.completed), c.completed) ELSE e.evidenced_at END,
                shown_at = CASE WHEN c.started IS NOT NULL THEN LEAST(COALESCE(e.shown_at, c.started), c.started) ELSE e.shown_at END,
                updated_at = now()
           FROM (SELECT i.entry_id, min(i.at) FILTER (WHERE i.type = 'play.completed') AS completed,
                        min(i.at) FILTER (WHERE i.type = 'play.started' AND s.kind = 'slides') AS started
                   FROM ins i JOIN schedule_entries s ON s.id = i.entry_id AND s.channel_id = i.channel_id
                  WHERE i.type IN ('play.completed', 'play.started') AND is_evidence_time(i.at, s.starts_at, s.ends_at)
                  GROUP BY 1) c
          WHERE e.id = c.entry_id AND e.status NOT IN ('cancelled', 'voided')
            AND ((c.completed IS NOT NULL AND (e.evidenced_at IS NULL OR e.evidenced_at > c.completed))
              OR (c.started IS NOT NULL AND (e.shown_at IS NULL OR e.shown_at > c.started)))
         RETURNING 1
       ), seen AS (
         -- a device sending a backlog is not rewritten for every batch: "last seen" to the 10 seconds;
         -- one UPDATE of devices per statement (a row updated twice in one statement keeps one of them)
         UPDATE devices SET last_seen_at = now(),
                monitor_seen_at = CASE WHEN id IN (SELECT device_id FROM checks) THEN now() ELSE monitor_seen_at END
          WHERE id IN (SELECT DISTINCT device_id FROM input)
            AND (last_seen_at IS NULL OR last_seen_at < now() - interval '10 seconds' OR id IN (SELECT device_id FROM checks))
         RETURNING 1
       )
       SELECT count(*)::int AS accepted, (SELECT count(*)::int FROM checks) AS checks FROM ins`,
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
    if (checks > 0) await this.db.query(`SELECT pg_notify('bcast_acoustic', '')`).catch(() => undefined); // (the verifier also polls)
    return accepted;
  }
}

export type RejectSource = 'mqtt' | 'http';
export interface RecordResult {
  accepted: number;
  duplicates: number;
  /** Refused by the database and kept in device_event_rejects. */
  rejected: number;
}

/**
 * Whether PostgreSQL refused the data itself (SQLSTATE classes 22 data exception, 23 integrity,
 * 54 limits) — then retrying cannot help. Anything else (connection lost, shutdown, timeouts) is
 * the database being unavailable: retry, and acknowledge nothing meanwhile.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}

function safeJson(value: unknown): string {
  try {
    // JSON escapes NUL as \u0000, which a text column stores
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
