import { Global, Injectable, Module } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobQueue } from '../infrastructure/jobs/job-queue';

export const REPLAN_QUEUE = 'schedule.replan';

/**
 * Asks for a unit's schedule to be planned again (a program withdrawn, an emergency took a slot,
 * windows changed, an airing was missed). Requests for one unit coalesce into one waiting job,
 * written in the caller's transaction, so the request exists exactly when the change does.
 */
@Injectable()
export class ReplanRequests {
  constructor(private readonly jobs: JobQueue) {}

  async request(tx: EntityManager, unitId: string, reason: string): Promise<void> {
    // One waiting request per unit is enough; a request while a replan *runs* must still queue
    // one, since the running one may have read the state before this change. Two racing requests
    // may both queue: planning twice is harmless (it only adds what is missing).
    const [waiting] = await tx.query(`SELECT 1 FROM jobs WHERE queue = $1 AND status = 'queued' AND payload->>'unitId' = $2 LIMIT 1`, [REPLAN_QUEUE, unitId]);
    if (waiting) return;
    await this.jobs.enqueue(tx, REPLAN_QUEUE, { unitId, reason }, { maxAttempts: 5 });
  }
}

@Global()
@Module({ providers: [ReplanRequests], exports: [ReplanRequests] })
export class ReplanRequestsModule {}
