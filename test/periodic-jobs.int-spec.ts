import { DataSource } from 'typeorm';
import { AlertsService } from '../src/distribution/alerts.service';
import { PlaylistDistributor } from '../src/distribution/playlist-distributor';
import { PeriodicJobs } from '../src/infrastructure/jobs/periodic-jobs';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Periodic jobs run once per tick across instances: two instances of one deployment (one database)
 * whose crons fire at the same moments, observed for ten ticks.
 */
describe('periodic jobs on two instances', () => {
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    one = await startTestApp({ INSTANCE_ID: 'one' });
    two = await startTestApp({ INSTANCE_ID: 'two' }, {}, { databaseUrl: one.databaseUrl });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('the alert reconcile runs 10 times in 10 ticks, however the instances race', async () => {
    const start = Math.ceil(Date.now() / 60_000) * 60_000;
    const runs: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      // each instance's cron fires within a few hundred milliseconds of the minute
      const tick = start + i * 60_000;
      const [a, b] = await Promise.all([
        one.app.get(AlertsService).reconcileTick(new Date(tick + 37)),
        two.app.get(AlertsService).reconcileTick(new Date(tick + 412)),
      ]);
      runs.push(a, b);
      expect([a, b].filter(Boolean)).toHaveLength(1);
    }
    expect(runs.filter(Boolean)).toHaveLength(10);
    const ran = (app: TestApp) => app.app.get(PeriodicJobs).ran.get('alerts.reconcile') ?? 0;
    expect(ran(one) + ran(two)).toBe(10);
    const rows = await one.app.get(DataSource).query(`SELECT count(*)::int AS n, count(DISTINCT tick)::int AS ticks FROM job_ticks WHERE job = 'alerts.reconcile'`);
    expect(rows).toEqual([{ n: 10, ticks: 10 }]);
  });

  it('a late cron on the other instance does not run a tick again', async () => {
    const tick = Math.ceil(Date.now() / 600_000) * 600_000 + 3_600_000;
    expect(await one.app.get(PlaylistDistributor).rollHorizonTick(new Date(tick))).toBe(true);
    // the other instance's cron fires 40 s late (a long GC pause), after the first has finished
    expect(await two.app.get(PlaylistDistributor).rollHorizonTick(new Date(tick + 40_000))).toBe(false);
    expect(await two.app.get(PlaylistDistributor).rollHorizonTick(new Date(tick + 600_000))).toBe(true); // the next tick
  });
});
