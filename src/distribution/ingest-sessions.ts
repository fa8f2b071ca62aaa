import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { returnedRows } from '../infrastructure/database/returned-rows';

/** How long a lease lasts without renewal, and how often holders renew and look for work. */
export const LEASE_TTL_S = 5;
export const LEASE_TICK_MS = 1000;

/**
 * The persistent MQTT sessions that take in device events on an external broker belong to the
 * deployment, not to an instance: `count` sessions named after the shared-subscription group and
 * the topic prefix, each held by whichever live instance holds its lease in PostgreSQL. An
 * instance that dies stops renewing; within LEASE_TTL_S another takes its sessions over and
 * receives what the broker queued for them. Live instances share the sessions evenly.
 */
export function ingestSessionIds(group: string, prefix: string, count: number): string[] {
  const deployment = createHash('sha256').update(prefix).digest('hex').slice(0, 8);
  return Array.from({ length: count }, (_, k) => `bcast-ingest-${group}-${deployment}-${k}`.slice(0, 128));
}

/** Sessions an instance should hold: an even share of `total` among `members` live instances. */
export function fairShare(total: number, members: number): number {
  return Math.ceil(total / Math.max(1, members));
}

/** The lease table's side of it (ingest_leases, ingest_members): one statement per step, all on the database clock. */
export class IngestLeases {
  constructor(private readonly db: DataSource, readonly holder: string, readonly sessions: string[]) {}

  async seed(): Promise<void> {
    await this.db.query(`INSERT INTO ingest_leases (session) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [this.sessions]);
  }

  /** Says this instance is alive; returns how many instances are. */
  async heartbeat(): Promise<number> {
    const [{ n }] = await this.db.query(
      `WITH me AS (
         INSERT INTO ingest_members (holder, seen_at) VALUES ($1, now())
         ON CONFLICT (holder) DO UPDATE SET seen_at = now() RETURNING holder
       )
       SELECT (SELECT count(*) FROM ingest_members WHERE seen_at > now() - make_interval(secs => $2) AND holder <> $1)::int + 1 AS n`,
      [this.holder, LEASE_TTL_S],
    );
    return n;
  }

  /** Renews the leases held; returns those still ours (a lease can be lost after a long pause). */
  async renew(held: string[]): Promise<string[]> {
    if (!held.length) return [];
    const rows = await this.db.query(
      `UPDATE ingest_leases SET expires_at = now() + make_interval(secs => $3)
        WHERE session = ANY($1::text[]) AND holder = $2 AND expires_at > now() RETURNING session`,
      [held, this.holder, LEASE_TTL_S],
    );
    return returnedRows<{ session: string }>(rows).map((r) => r.session);
  }

  /**
   * Claims up to `want` sessions besides `held`: those nobody holds, whose holder stopped renewing,
   * or that this holder held before it restarted.
   */
  async claim(want: number, held: string[]): Promise<string[]> {
    if (want <= 0) return [];
    const rows = await this.db.query(
      `UPDATE ingest_leases l SET holder = $1, expires_at = now() + make_interval(secs => $3)
         FROM (SELECT session FROM ingest_leases
                WHERE session = ANY($4::text[]) AND session <> ALL($5::text[]) AND (holder IS NULL OR expires_at <= now() OR holder = $1)
                ORDER BY session LIMIT $2 FOR UPDATE SKIP LOCKED) free
        WHERE l.session = free.session RETURNING l.session`,
      [this.holder, want, LEASE_TTL_S, this.sessions, held],
    );
    return returnedRows<{ session: string }>(rows).map((r) => r.session);
  }

  async release(sessions: string[]): Promise<void> {
    if (!sessions.length) return;
    await this.db.query(`UPDATE ingest_leases SET holder = NULL, expires_at = now() WHERE session = ANY($1::text[]) AND holder = $2`, [sessions, this.holder]);
  }

  async leave(): Promise<void> {
    await this.db.query(`DELETE FROM ingest_members WHERE holder = $1`, [this.holder]);
  }
}
