import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
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

  it('after a SIGKILL its PostgreSQL does not linger, and the next start on the same data recovers without help', async () => {
    const killed = startServiceProcess(env);
    await killed.waitFor('bcast đang chạy');
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(await listening(Number(env.EMBEDDED_PG_PORT))).toBe(true); // its PostgreSQL is still there, for now
    // started again at once: it stops the PostgreSQL left on its data directory and starts its own
    const again = startServiceProcess(env);
    await again.waitFor('bcast đang chạy');
    expect((await fetch(`http://127.0.0.1:${env.PORT}/health/ready`)).status).toBe(200);
    // killed again and not restarted: the embedded PostgreSQL is stopped by its watcher within seconds
    again.child.kill('SIGKILL');
    await again.exited;
    const deadline = Date.now() + 15_000;
    while ((await listening(Number(env.EMBEDDED_PG_PORT))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await listening(Number(env.EMBEDDED_PG_PORT))).toBe(false);
    const last = startServiceProcess(env);
    try {
      await last.waitFor('bcast đang chạy');
    } finally {
      expect(await last.stop()).toBe(0);
    }
    // a clean stop leaves none of its three ports open
    for (const port of [env.PORT, env.EMBEDDED_PG_PORT, env.EMBEDDED_MQTT_PORT]) expect(await listening(Number(port))).toBe(false);
  }, 180_000);

  // `npm start` runs the build; CI builds before testing (`.ci/run`), a bare `npm test` may not have
  (existsSync(join(__dirname, '..', 'dist', 'src', 'main.js')) ? it : it.skip)('`npm start` passes SIGTERM on: node and its PostgreSQL stop, no port left open', async () => {
    const base: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[key]) base[key] = process.env[key]!;
    const npm = spawn('npm', ['start', '--silent'], { cwd: join(__dirname, '..'), env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    npm.stdout!.on('data', (d) => (out += d));
    npm.stderr!.on('data', (d) => (out += d));
    const exited = new Promise((r) => npm.on('exit', r));
    for (let i = 0; i < 600 && !out.includes('bcast đang chạy'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('bcast đang chạy');
    npm.kill('SIGTERM');
    await exited;
    const deadline = Date.now() + 20_000;
    const open = async () => (await Promise.all([env.PORT, env.EMBEDDED_PG_PORT, env.EMBEDDED_MQTT_PORT].map((p) => listening(Number(p))))).some(Boolean);
    while ((await open()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await open()).toBe(false);
  }, 180_000);
});

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

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
