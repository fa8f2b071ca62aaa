import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { oncePerTick, tickOf } from './periodic-tick';

/**
 * What a cron tick calls: the tick's work runs on exactly one instance across the deployment
 * (a row in job_ticks per job and tick), however many instances' crons fire.
 */
@Injectable()
export class PeriodicJobs {
  private readonly logger = new Logger('periodic');
  private readonly instance: string;
  /** Ticks this instance ran, per job (health and tests). */
  readonly ran = new Map<string, number>();

  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    this.instance = config.INSTANCE_ID ?? hostname();
  }

  /** Runs `work` if this instance is the first to claim the tick of `now`; false if another did. */
  async run(job: string, periodMs: number, work: () => Promise<unknown>, now = new Date()): Promise<boolean> {
    try {
      const { ran } = await oncePerTick(this.db, job, tickOf(now, periodMs), this.instance, work);
      if (ran) this.ran.set(job, (this.ran.get(job) ?? 0) + 1);
      return ran;
    } catch (err) {
      this.logger.warn({ msg: 'periodic job failed', job, error: String(err) });
      return false;
    }
  }
}
