import { Inject, Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { returnedRows } from '../infrastructure/database/returned-rows';
import { PeriodicJobs } from '../infrastructure/jobs/periodic-jobs';
import { ReplanRequests } from './replan-requests';

interface Changed {
  id: string;
  unit_id: string;
  unit_path: string;
  reason: string;
}

/**
 * Finds airings that did not air, as the devices tell it, and has them made up like an operator's
 * "missed": an airing of a channel with devices is missed once it has ended with a `play.failed`
 * and no `play.completed`, or once EVIDENCE_GRACE_S have passed after its end with no report and no
 * confirmation. A later report that it did play (a device's backlog) puts it back and withdraws its
 * make-up if that has not started. Runs every minute, once across instances.
 */
@Injectable()
export class MissedAirings {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly periodic: PeriodicJobs,
    private readonly replan: ReplanRequests,
    private readonly audit: AuditService,
  ) {}

  @Cron('30 * * * * *')
  async tick(now = new Date()): Promise<boolean> {
    return this.periodic.run('schedule.missed', 60_000, () => this.sweep(now), now);
  }

  /** One pass; returns the airings marked missed and those put back. */
  async sweep(now = new Date()): Promise<{ missed: string[]; restored: string[] }> {
    return this.db.transaction(async (tx) => {
      const missed = returnedRows<Changed>(
        await tx.query(
          `WITH due AS (
             SELECT e.id, f.reason AS failed
               FROM schedule_entries e
               LEFT JOIN LATERAL (
                 SELECT COALESCE(pe.detail->>'reason', 'play.failed') AS reason FROM play_events pe
                  WHERE pe.entry_id = e.id AND pe.channel_id = e.channel_id AND pe.type = 'play.failed'
                    AND is_evidence_time(pe.at, e.starts_at, e.ends_at)
                  ORDER BY pe.at LIMIT 1) f ON true
              WHERE e.status = 'scheduled' AND e.kind = 'airing' AND e.evidenced_at IS NULL AND e.confirmed_at IS NULL
                -- airings that ended in the last three days only (the index's range: never the future)
                AND e.ends_at > $1::timestamptz - interval '3 days' AND e.ends_at <= $1
                AND (e.ends_at <= $1::timestamptz - make_interval(secs => $2) OR f.reason IS NOT NULL)
                AND EXISTS (SELECT 1 FROM devices d WHERE d.channel_id = e.channel_id AND d.revoked_at IS NULL)
              FOR UPDATE OF e SKIP LOCKED
           )
           UPDATE schedule_entries e SET status = 'missed', confirmed_at = $1, updated_at = now(),
                  missed_reason = CASE WHEN due.failed IS NOT NULL THEN 'thiết bị báo không phát được: ' || due.failed
                                       ELSE 'không thiết bị nào báo đã phát' END
             FROM due, channels c, units u
            WHERE e.id = due.id AND c.id = e.channel_id AND u.id = c.unit_id
           RETURNING e.id, u.id AS unit_id, u.path AS unit_path, e.missed_reason AS reason`,
          [now, this.config.EVIDENCE_GRACE_S],
        ),
      );
      // a device's late report (its backlog after an outage) shows the airing did play
      const restored = returnedRows<Changed>(
        await tx.query(
          `UPDATE schedule_entries e SET status = 'scheduled', confirmed_at = NULL, missed_reason = NULL, updated_at = now()
             FROM channels c, units u
            WHERE e.status = 'missed' AND e.confirmed_by IS NULL AND e.evidenced_at IS NOT NULL
              AND c.id = e.channel_id AND u.id = c.unit_id
           RETURNING e.id, u.id AS unit_id, u.path AS unit_path, 'reported played late' AS reason`,
        ),
      );
      for (const m of missed) {
        await this.audit.record(tx, SYSTEM_ACTOR, { action: 'schedule.missed.reported', entityType: 'schedule', entityId: m.id, unitPath: m.unit_path, changes: { reason: m.reason } });
      }
      for (const unitId of new Set(missed.map((m) => m.unit_id))) await this.replan.request(tx, unitId, 'airing missed');
      for (const r of restored) {
        const withdrawn = await withdrawMakeUps(tx, r.id, now);
        await this.audit.record(tx, SYSTEM_ACTOR, { action: 'schedule.missed.withdrawn', entityType: 'schedule', entityId: r.id, unitPath: r.unit_path, changes: { reason: r.reason, makeUpsCancelled: withdrawn } });
      }
      return { missed: missed.map((m) => m.id), restored: restored.map((r) => r.id) };
    });
  }
}

/** Cancels the make-ups of an airing that turned out to have aired, as long as they have not started. */
export async function withdrawMakeUps(tx: EntityManager, entryId: string, now: Date): Promise<string[]> {
  const rows = returnedRows<{ id: string }>(
    await tx.query(
      `UPDATE schedule_entries SET status = 'cancelled', updated_at = now()
        WHERE makes_up_entry_id = $1 AND status = 'scheduled' AND starts_at > $2 RETURNING id`,
      [entryId, now],
    ),
  );
  return rows.map((r) => r.id);
}
