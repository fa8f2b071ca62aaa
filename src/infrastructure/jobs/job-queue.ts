import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../database/returned-rows';
import { Job } from './job.entity';

export interface JobContext {
  job: Job;
  /** Aborted when the lease is lost or the service shuts down. */
  signal: AbortSignal;
  /** Whether this is the final attempt (failures after it are permanent). */
  lastAttempt: boolean;
}

export interface WorkerOptions {
  concurrency?: number;
  /** Seconds a claimed job stays ours without a heartbeat. */
  leaseSeconds?: number;
  pollMs?: number;
  /** Called once when a job has failed its last attempt. */
  onFinalFailure?: (job: Job, error: unknown) => Promise<void>;
}

/** Thrown by a handler for an error that retrying cannot fix. */
export class PermanentJobError extends Error {}

/**
 * A Postgres-backed job queue: jobs are rows, claimed with FOR UPDATE SKIP LOCKED, so each runs
 * once across any number of instances; a lease with heartbeats hands a dead instance's job to
 * another; failures retry with backoff, then end as `failed`.
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('jobs');
  private readonly workerId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly stops: Array<() => Promise<void>> = [];

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Enqueues inside the caller's transaction, so the job exists exactly when the data does. */
  async enqueue(manager: EntityManager, queue: string, payload: Record<string, unknown>, opts: { singletonKey?: string; maxAttempts?: number } = {}): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO jobs (queue, payload, status, max_attempts, run_at, singleton_key)
       VALUES ($1, $2, 'queued', $3, now(), $4) RETURNING id`,
      [queue, JSON.stringify(payload), opts.maxAttempts ?? 3, opts.singletonKey ?? null],
    );
    await manager.query(`SELECT pg_notify('bcast_jobs', $1)`, [queue]);
    return rows[0].id;
  }

  work(queue: string, handler: (ctx: JobContext) => Promise<void>, opts: WorkerOptions = {}): void {
    const concurrency = opts.concurrency ?? 1;
    const leaseSeconds = opts.leaseSeconds ?? 60;
    const pollMs = opts.pollMs ?? 1000;
    let stopping = false;
    const running = new Set<Promise<void>>();
    const shutdown = new AbortController();

    const loop = async () => {
      while (!stopping) {
        if (running.size >= concurrency) {
          await Promise.race(running);
          continue;
        }
        const job = await this.claim(queue, leaseSeconds).catch((err) => {
          if (!stopping) this.logger.warn({ msg: 'claim failed', queue, error: String(err) });
          return null;
        });
        if (!job) {
          await sleep(pollMs, shutdown.signal);
          continue;
        }
        const p = this.execute(job, handler, leaseSeconds, shutdown.signal, opts).finally(() => running.delete(p));
        running.add(p);
      }
    };
    const looping = loop();
    this.stops.push(async () => {
      stopping = true;
      shutdown.abort();
      await looping;
      await Promise.allSettled([...running]);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.stops.splice(0).map((stop) => stop()));
  }

  private async claim(queue: string, leaseSeconds: number): Promise<Job | null> {
    const rows = await updateReturning(this.db, 
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $2,
              locked_until = now() + make_interval(secs => $3), updated_at = now()
        WHERE id = (
          SELECT id FROM jobs
           WHERE queue = $1
             AND ((status = 'queued' AND run_at <= now()) OR (status = 'running' AND locked_until < now()))
           ORDER BY run_at, id
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [queue, this.workerId, leaseSeconds],
    );
    return rows[0] ? this.db.getRepository(Job).create(camel(rows[0])) : null;
  }

  private async execute(job: Job, handler: (ctx: JobContext) => Promise<void>, leaseSeconds: number, shutdown: AbortSignal, opts: WorkerOptions): Promise<void> {
    const lease = new AbortController();
    const onShutdown = () => lease.abort();
    shutdown.addEventListener('abort', onShutdown, { once: true });
    const heartbeat = setInterval(() => {
      updateReturning(this.db, `UPDATE jobs SET locked_until = now() + make_interval(secs => $3), updated_at = now() WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`, [job.id, this.workerId, leaseSeconds])
        .then((rows) => {
          if (!rows.length) lease.abort();
        })
        .catch(() => undefined);
    }, Math.max(500, (leaseSeconds * 1000) / 3));
    try {
      await handler({ job, signal: lease.signal, lastAttempt: job.attempts >= job.maxAttempts });
      await this.db.query(`UPDATE jobs SET status = 'done', locked_by = NULL, locked_until = NULL, updated_at = now() WHERE id = $1 AND locked_by = $2`, [job.id, this.workerId]);
    } catch (err) {
      if (shutdown.aborted) {
        // Shutting down: give the job back at once rather than waiting for the lease to expire.
        await this.db.query(`UPDATE jobs SET status = 'queued', attempts = attempts - 1, locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2`, [job.id, this.workerId]).catch(() => undefined);
        return;
      }
      const permanent = err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn({ msg: 'job failed', queue: job.queue, jobId: job.id, attempt: job.attempts, permanent, error: message });
      await this.db.query(
        `UPDATE jobs SET status = $3, last_error = $4, locked_by = NULL, locked_until = NULL,
                run_at = now() + make_interval(secs => $5), updated_at = now()
          WHERE id = $1 AND locked_by = $2`,
        [job.id, this.workerId, permanent ? 'failed' : 'queued', message.slice(0, 2000), 2 ** job.attempts],
      );
      if (permanent) await opts.onFinalFailure?.(job, err).catch((e) => this.logger.error({ msg: 'onFinalFailure failed', jobId: job.id, error: String(e) }));
    } finally {
      clearInterval(heartbeat);
      shutdown.removeEventListener('abort', onShutdown);
    }
  }
}

async function updateReturning(db: DataSource, sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
  return returnedRows(await db.query(sql, params));
}

function camel(row: Record<string, unknown>): Partial<Job> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) as Partial<Job>;
}

/** Waits, or stops waiting at shutdown; the listener goes with the wait (a poll loop would
 *  otherwise pile one up per idle second). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
