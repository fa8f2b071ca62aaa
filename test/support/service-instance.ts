import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startServiceProcess, ServiceProcess } from './service-process';

const ADMIN_PASSWORD = 'admin-password-for-fault-tests';

/** The service as its own process, as `npm start` runs it, restartable with the same environment. */
export class Service {
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

export async function storedIds(databaseUrl: string): Promise<Set<string>> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return new Set((await c.query(`SELECT event_id FROM play_events`)).rows.map((r: { event_id: string }) => r.event_id));
  } finally {
    await c.end();
  }
}

export function baseEnv(databaseUrl: string, extra: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    ADMIN_PASSWORD,
    TOKEN_SECRET: 'fault-test-secret-fault-test-secret-0123',
    LOG_LEVEL: process.env.BCAST_FAULT_LOG_LEVEL ?? 'warn',
    INSTANCE_ID: `fault-${randomBytes(3).toString('hex')}`,
    MQTT_TOPIC_PREFIX: `f${randomBytes(4).toString('hex')}/v1`,
    MEDIA_WORKERS: '0',
    ...extra,
  };
}


/** The broker part of a service's environment: its own embedded broker, or the run's broker. */
export async function brokerEnv(embedded: boolean, freePort: () => Promise<number>): Promise<Record<string, string>> {
  return embedded
    ? { EMBEDDED_MQTT_PORT: String(await freePort()) }
    : { MQTT_URL: process.env.MQTT_URL!, ...(process.env.BCAST_TEST_BROKER_SHARED === 'false' ? { MQTT_SHARED_SUBSCRIPTIONS: 'false' } : {}) };
}

/** Where the devices of a service's deployment connect. */
export function deviceBrokerUrl(service: Service, embedded: boolean): string {
  return embedded ? `mqtt://127.0.0.1:${service.env.EMBEDDED_MQTT_PORT}` : process.env.MQTT_URL!;
}
