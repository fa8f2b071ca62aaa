import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBurst } from './support/event-burst';
import { freePort } from './support/free-port';
import { eventually } from './support/mqtt-device';
import { baseEnv, Service, storedIds } from './support/service-instance';
import { createTestDatabase } from './support/test-database';

const DEVICES = 50;

/**
 * A province's deployment: two instances of the service on one PostgreSQL and the run's broker
 * (Mosquitto on CI, with shared subscriptions), as the shipped configuration runs them. Ingest
 * sessions belong to the deployment and are leased to live instances: an instance that crashes,
 * leaves for good or restarts strands nothing.
 */
describe('two instances on the run’s broker', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: Service;
  let b: Service;
  let dir: string;
  let devices: Array<{ id: string; token: string }>;
  const bursts: EventBurst[] = [];

  const burst = (eventsPerDevice: number) => {
    const x = new EventBurst({ brokerUrl: process.env.MQTT_URL!, prefix: a.env.MQTT_TOPIC_PREFIX, devices, eventsPerDevice, perMessage: 50, intervalMs: 150, authenticate: false });
    bursts.push(x);
    return x;
  };
  /** Every event acknowledged so far is stored, once. */
  const allStored = async (timeoutMs: number) => {
    const acked = bursts.reduce((n, x) => n + x.acknowledged.size, 0);
    const started = Date.now();
    const stored = await eventually(async () => {
      const s = await storedIds(db.url);
      return s.size >= acked && s;
    }, timeoutMs, `${acked} events stored`).catch(async (err) => {
      const { Client } = await import('pg');
      const c = new Client({ connectionString: db.url });
      await c.connect();
      const leases = (await c.query(`SELECT session, holder, expires_at > now() AS live FROM ingest_leases ORDER BY session`)).rows;
      const members = (await c.query(`SELECT * FROM ingest_members`)).rows;
      await c.end();
      throw new Error(`${err.message}; leases ${JSON.stringify(leases)}; members ${JSON.stringify(members)}; a: ${(a.proc!.stdout() + a.proc!.stderr()).split('\n').filter((l) => !l.includes('"context":"http"')).join('\n').slice(-6000)}`);
    });
    for (const x of bursts) expect([...x.acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBe(acked);
    return Date.now() - started;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'bcast-two-'));
    const shared = {
      MQTT_URL: process.env.MQTT_URL!,
      MQTT_TOPIC_PREFIX: `i${randomBytes(4).toString('hex')}/v1`,
      MQTT_SHARED_GROUP: `g${randomBytes(3).toString('hex')}`,
      DATA_DIR: dir,
      ...(process.env.BCAST_TEST_BROKER_SHARED === 'false' ? { MQTT_SHARED_SUBSCRIPTIONS: 'false' } : {}),
    };
    a = new Service(baseEnv(db.url, { ...shared, PORT: String(await freePort()), INSTANCE_ID: 'instance-a' }));
    b = new Service(baseEnv(db.url, { ...shared, PORT: String(await freePort()), INSTANCE_ID: 'instance-b' }));
    await a.start();
    await b.start();
    devices = await a.registerDevices(DEVICES);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(bursts.map((x) => x.stop()));
    await a?.stop();
    await b?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one instance killed mid-burst: every acknowledged event is stored once it is back', async () => {
    const x = burst(200);
    const running = x.run(120_000);
    await eventually(async () => x.acknowledged.size >= 3000, 60_000, '3,000 acknowledged');
    await a.kill();
    await running;
    await a.start();
    await allStored(30_000);
  }, 180_000);

  it('one instance gone for good: the survivor takes its sessions over and stores everything within 30 s', async () => {
    const x = burst(200);
    const running = x.run(120_000);
    await eventually(async () => x.acknowledged.size >= 3000, 60_000, '3,000 acknowledged');
    await b.kill(); // never comes back in this test
    await running;
    const took = await allStored(30_000);
    process.stdout.write(`two instances: one killed for good, the survivor stored everything ${took} ms after the burst ended\n`);
  }, 180_000);

  it('an instance restarted while messages wait for it: none lost', async () => {
    await b.start();
    const x = burst(200);
    const running = x.run(120_000);
    await eventually(async () => x.acknowledged.size >= 3000, 60_000, '3,000 acknowledged');
    await b.stop(); // SIGTERM: hands its sessions over
    await b.start();
    await running;
    await allStored(30_000);
  }, 180_000);
});
