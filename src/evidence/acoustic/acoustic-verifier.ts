import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DatabaseNotifications } from '../../infrastructure/database/notifications';
import { acousticChecks } from '../../infrastructure/metrics/metrics';
import { returnedRows } from '../../infrastructure/database/returned-rows';
import { AcousticReferences } from './acoustic-references';
import { gradeAiring, Verdict } from './acoustic-verdict';
import type { MonitoredDetail } from './monitored-detail';

/** Checks read per round. */
const BATCH = 50;
/** Pending checks are also looked for this often (a notification may be missed). */
const POLL_MS = 5000;

interface PendingCheck {
  device_id: string;
  event_id: string;
  at: Date;
  entry_id: string;
  windows: MonitoredDetail['windows'];
  sha256: string | null;
}

/**
 * Grades the checks that `play.monitored` events create (EvidenceService stores them with the event):
 * compares the heard windows with the delivered file of the airing, records the verdict and score on
 * the check, the best verdict on the airing, and the flag "không có âm thanh" on the device while
 * its monitor hears nothing of what it plays (cleared by the next airing heard).
 */
@Injectable()
export class AcousticVerifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('acoustic');
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly references: AcousticReferences, private readonly notifications: DatabaseNotifications) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.listen('bcast_acoustic', () => this.kick()).catch(() => false);
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Grades what is pending now (and again if more came meanwhile). */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        while (!this.stopped && (await this.round().catch((err) => (this.logger.warn({ msg: 'acoustic checks not graded', error: String(err) }), 0))) === BATCH);
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = null));
    return this.running;
  }

  /**
   * One batch: the files' references are made first (decoding may take seconds, no transaction is
   * held meanwhile), then each check is written in its own transaction, only if still pending
   * (another instance may have graded it meanwhile). The number of checks read.
   */
  private async round(): Promise<number> {
    const checks: PendingCheck[] = await this.db.query(
      `SELECT c.device_id, c.event_id, c.at, c.entry_id, c.windows, a.sha256
         FROM acoustic_checks c
         JOIN schedule_entries e ON e.id = c.entry_id
         LEFT JOIN programs p ON p.id = e.program_id
         LEFT JOIN media_assets a ON a.id = COALESCE(e.media_asset_id, p.audio_asset_id) AND a.status = 'ready'
        WHERE c.verdict = 'pending'
        ORDER BY c.received_at LIMIT ${BATCH}`,
    );
    for (const c of checks) {
      const verdict = await this.verdictOf(c);
      await this.db.transaction((tx) => this.record(tx, c, verdict));
    }
    return checks.length;
  }

  private async verdictOf(c: PendingCheck): Promise<Verdict> {
    if (!c.sha256) return { verdict: 'unverifiable', reason: 'no-file', score: null, lagMs: null, levelDb: null };
    const ref = await this.references.of(c.sha256).catch((err) => {
      this.logger.warn({ msg: 'reference not computed', sha256: c.sha256, error: String(err) });
      return null;
    });
    return ref ? gradeAiring(ref, c.windows) : { verdict: 'unverifiable', reason: 'file-unreadable', score: null, lagMs: null, levelDb: null };
  }

  private async record(tx: EntityManager, c: PendingCheck, verdict: Verdict): Promise<void> {
    const updated = await tx.query(
      `UPDATE acoustic_checks SET verdict = $3, score = $4, lag_ms = $5, level_db = $6, reason = $7, checked_at = now()
        WHERE device_id = $1 AND event_id = $2 AND verdict = 'pending' RETURNING 1`,
      [c.device_id, c.event_id, verdict.verdict, verdict.score, verdict.lagMs, verdict.levelDb, verdict.reason],
    );
    if (!returnedRows(updated).length) return; // graded elsewhere meanwhile
    acousticChecks.inc({ verdict: verdict.verdict });
    if (verdict.verdict === 'unverifiable') return;
    // the airing keeps its best verdict (a second monitor of the channel may have heard it)
    await tx.query(
      `UPDATE schedule_entries SET acoustic = $2, acoustic_score = GREATEST(acoustic_score, $3), updated_at = now()
        WHERE id = $1 AND (acoustic IS NULL OR array_position(ARRAY['silent', 'not-heard', 'heard'], acoustic::text) < array_position(ARRAY['silent', 'not-heard', 'heard'], $2::text))`,
      [c.entry_id, verdict.verdict, verdict.score],
    );
    // the flag follows the device's latest airing heard or not (an older check arriving late does not clear it)
    if (verdict.verdict === 'heard') {
      await tx.query(`UPDATE devices SET silent_since = NULL, silent_entry_id = NULL WHERE id = $1 AND silent_since IS NOT NULL AND silent_since <= $2`, [c.device_id, c.at]);
    } else {
      await tx.query(`UPDATE devices SET silent_since = COALESCE(silent_since, $2), silent_entry_id = $3 WHERE id = $1`, [c.device_id, c.at, c.entry_id]);
    }
  }
}
