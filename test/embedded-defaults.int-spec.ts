import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { freePort } from './support/free-port';
import { startServiceProcess } from './support/service-process';

/**
 * The quick start: the service with no DATABASE_URL and no MQTT_URL starts its own PostgreSQL
 * and broker (on ports that are not 5432/1883), prints where it listens and the first admin
 * password, and keeps its data across a restart.
 */
describe('the service on its embedded defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bcast-embedded-'));
  chmodSync(dataDir, 0o755);
  let env: Record<string, string>;

  beforeAll(async () => {
    env = {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      EMBEDDED_MQTT_PORT: String(await freePort()),
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts, serves API, docs and readiness, refuses anonymous MQTT, and keeps data across a restart', async () => {
    const first = startServiceProcess(env);
    try {
      await first.waitFor('bcast đang chạy');
      const out = first.stdout();
      expect(out).toContain(`API:        http://127.0.0.1:${env.PORT}/api/v1`);
      expect(out).toContain(`/api/docs`);
      expect(out).toContain(`MQTT:       mqtt://127.0.0.1:${env.EMBEDDED_MQTT_PORT} (embedded broker)`);
      expect(out).toContain('(embedded)');
      const password = /initial administrator: admin \/ (\S+)/.exec(out)?.[1];
      expect(password).toBeDefined();
      // structured JSON logs
      const logLine = out.split('\n').find((l) => l.startsWith('{'));
      expect(JSON.parse(logLine!)).toHaveProperty('level');

      const base = `http://127.0.0.1:${env.PORT}`;
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'up', checks: { database: { status: 'up' }, broker: { status: 'up' } } });
      const docs = await fetch(`${base}/api/docs/openapi.json`);
      expect(docs.status).toBe(200);
      expect(Object.keys(((await docs.json()) as { paths: object }).paths)).toEqual(expect.arrayContaining(['/api/v1/units', '/api/v1/auth/login', '/api/v1/units/import']));

      const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const created = await fetch(`${base}/api/v1/units`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ code: '38', name: 'Tỉnh Thanh Hóa', kind: 'province' }),
      });
      expect(created.status).toBe(201);

      await expect(connectAsync(`mqtt://127.0.0.1:${env.EMBEDDED_MQTT_PORT}`, { reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/Bad username or password|Not authorized/i);
    } finally {
      const code = await first.stop();
      expect({ code, output: code === 0 ? '' : (first.stdout() + first.stderr()).slice(-3000) }).toEqual({ code: 0, output: '' });
    }

    const second = startServiceProcess(env);
    try {
      await second.waitFor('bcast đang chạy');
      expect(second.stdout()).not.toContain('initial administrator');
      const base = `http://127.0.0.1:${env.PORT}`;
      const password = /initial administrator: admin \/ (\S+)/.exec(first.stdout())![1];
      const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const units = (await (await fetch(`${base}/api/v1/units`, { headers: { Authorization: `Bearer ${accessToken}` } })).json()) as { items: Array<{ code: string }> };
      expect(units.items.map((u: { code: string }) => u.code)).toEqual(['38']);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 180_000);
});

describe('bad configuration stops the service with the variable named', () => {
  it('exits non-zero naming each bad variable, before touching anything', async () => {
    const svc = startServiceProcess({ PORT: 'abc', TOKEN_SECRET: 'short', DATABASE_URL: 'mysql://db/x' });
    const code = await svc.exited;
    expect(code).toBe(2);
    expect(svc.stderr()).toContain('Cấu hình không hợp lệ');
    for (const name of ['PORT', 'TOKEN_SECRET', 'DATABASE_URL']) expect(svc.stderr()).toContain(`${name}:`);
  }, 60_000);

  it('exits with a clear message when the configured database cannot be reached', async () => {
    const port = await freePort();
    const svc = startServiceProcess({ DATABASE_URL: `postgres://nobody@127.0.0.1:${port}/none`, MQTT_URL: 'mqtt://127.0.0.1:1', PORT: String(await freePort()), DATA_DIR: tmpdir() });
    const code = await svc.exited;
    expect(code).not.toBe(0);
    expect(svc.stderr()).toMatch(/ECONNREFUSED|failed to start/);
  }, 60_000);
});
