import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue';
import { PeriodicJobs } from './periodic-jobs';

@Global()
@Module({ providers: [JobQueue, PeriodicJobs], exports: [JobQueue, PeriodicJobs] })
export class JobsModule {}
