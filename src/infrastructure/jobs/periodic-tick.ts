import { DataSource } from 'typeorm';

/**
 * A periodic job's tick, the same on every instance: the cron's due time rounded to its period, so
 * instances whose clocks differ by less than half a period agree on it.
 */
export function tickOf(now: Date, periodMs: number): Date {
  return new Date(Math.round(now.getTime() / periodMs) * periodMs);
}

/**
 * Runs `work` for this tick of `job` on exactly one instance: the first to record the tick in
 * job_ticks runs it, the others see the row and skip. Unlike a transaction-scoped advisory lock,
 * the record outlives the transaction, so an instance whose cron fires late cannot run it again.
 * Returns whether this instance ran it. If `work` fails, the tick is released for a retry.
 */
export async function oncePerTick<T>(db: DataSource, job: string, tick: Date, instance: string, work: () => Promise<T>): Promise<{ ran: boolean; result?: T }> {
  const claimed = await db.query(`INSERT INTO job_ticks (job, tick, instance) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`, [job, tick, instance]);
  if (!claimed.length) return { ran: false };
  try {
    return { ran: true, result: await work() };
  } catch (err) {
    await db.query(`DELETE FROM job_ticks WHERE job = $1 AND tick = $2`, [job, tick]).catch(() => undefined);
    throw err;
  }
}

/** Forgets ticks older than a week (kept that long to answer "did it run?"). */
export async function pruneTicks(db: DataSource): Promise<void> {
  await db.query(`DELETE FROM job_ticks WHERE tick < now() - interval '7 days'`);
}
