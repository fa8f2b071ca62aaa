import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../auth/actor';
import { JobContext, JobQueue } from '../infrastructure/jobs/job-queue';
import { addDays, localDate } from './planner/local-time';
import { PlanningService } from './planning.service';
import { REPLAN_QUEUE } from './replan-requests';

/** Plans a unit again from today to the end of next month (local time), with nothing but what
 *  is still missing added. Runs once across instances (job queue). */
@Injectable()
export class ReplanWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('replan');

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly jobs: JobQueue, private readonly planning: PlanningService) {}

  onApplicationBootstrap(): void {
    this.jobs.work(REPLAN_QUEUE, (ctx) => this.replan(ctx), { concurrency: 1, leaseSeconds: 120, pollMs: 300 });
  }

  async replan({ job }: JobContext, now = new Date()): Promise<void> {
    const unitId = String(job.payload.unitId);
    const [unit] = await this.db.query(`SELECT timezone FROM units WHERE id = $1`, [unitId]);
    if (!unit) return;
    const today = localDate(now, unit.timezone);
    const [y, m] = today.split('-').map(Number);
    const endOfNextMonth = addDays(`${new Date(Date.UTC(y, m + 1, 1)).toISOString().slice(0, 10)}`, -1);
    const report = await this.planning.plan(SYSTEM_ACTOR, unitId, today, endOfNextMonth, false, now);
    this.logger.log({ msg: 'replanned', unitId, reason: job.payload.reason, created: report.created, shortfalls: report.shortfalls.length });
  }
}
