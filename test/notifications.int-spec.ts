import { DataSource } from 'typeorm';
import { DatabaseNotifications } from '../src/infrastructure/database/notifications';
import { eventually } from './support/mqtt-device';
import { startTestApp, TestApp } from './support/test-app';

/** The instance's LISTEN connection survives a database outage: it reconnects and listens again. */
describe('database notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('reconnects after its connection is killed, LISTENs again, and tells the caches to forget', async () => {
    const notifications = t.app.get(DatabaseNotifications);
    const db = t.app.get(DataSource);
    const received: string[] = [];
    let forgotten = 0;
    await notifications.listen('bcast_test_channel', (p) => received.push(p), () => forgotten++);
    await db.query(`SELECT pg_notify('bcast_test_channel', 'before')`);
    await eventually(async () => received.includes('before'), 5000, 'notification before the outage');
    const connects = notifications.connects;
    // what an outage or a failover does to the connection
    const [{ n }] = await db.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
    expect(n).toBe(1);
    await eventually(async () => notifications.connects > connects && notifications.listening, 10_000, 'LISTEN connection back');
    expect(forgotten).toBeGreaterThanOrEqual(2); // once on the loss, once on the way back
    await db.query(`SELECT pg_notify('bcast_test_channel', 'after')`);
    await eventually(async () => received.includes('after'), 5000, 'notification after the outage');
  });
});
