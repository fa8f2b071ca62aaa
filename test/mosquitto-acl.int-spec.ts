import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectAsync, MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { ingestSessionIds } from '../src/distribution/ingest-sessions';
import { DeviceIngest } from '../src/distribution/device-ingest';
import { tlsOptions } from '../players/src/tls';
import { freePort } from './support/free-port';
import { makeCertificates } from './support/test-certificates';
import { connectDevice, eventually } from './support/mqtt-device';
import { ADMIN, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';

const ROOT = join(__dirname, '..');
const DEBIAN_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

/**
 * Mosquitto itself, as shipped: docker/mosquitto/mosquitto.conf (paths and ports moved to a temporary
 * directory) with its dynamic security plugin, the plugin's first file written by
 * `npm run mosquitto:export`, and the service driving it (MOSQUITTO_DYNSEC=true) on its own listener.
 */
// Mosquitto is installed on the CI machine; a machine with only Node.js skips this file (and says so).
const hasMosquitto = !spawnSync('mosquitto', ['-h']).error;
if (!hasMosquitto) console.warn('mosquitto is not installed: skipping the Mosquitto ACL test');

(hasMosquitto ? describe : describe.skip)('devices on Mosquitto with the dynamic security plugin, driven by the service', () => {
  let t: TestApp;
  let db: { url: string; drop(): Promise<void> };
  let mosquitto: ChildProcess;
  let url: string;
  let prefix: string;
  let dir: string;
  let tlsPort: number;
  let certs: ReturnType<typeof makeCertificates>;
  let log = '';
  let admin: string;
  const as = () => ({ Authorization: `Bearer ${admin}` });
  const server = { username: 'bcast-server', password: randomBytes(12).toString('hex') };
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const clients: MqttClient[] = [];
  const connect = async (username: string, password: string, extra = {}) => {
    const d = await connectDevice(url, { username, password }, { clientId: username, ...extra });
    clients.push(d.client);
    return d;
  };
  const exportFiles = async (servicePort: number) => {
    const env = { PATH: process.env.PATH!, DATABASE_URL: db.url, MQTT_URL: `mqtt://${server.username}:${server.password}@127.0.0.1:${servicePort}`, MQTT_TOPIC_PREFIX: prefix, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') };
    return (await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src/distribution/mosquitto-export.ts'), join(dir, 'generated')], { cwd: ROOT, env })).stdout;
  };
  const register = async (name: string, channel: string) => {
    const res = await t.http.post(`/api/v1/channels/${ids[channel]}/devices`).set(as()).send({ name, kind: 'speaker' });
    expect(res.status).toBe(201);
    ids[name] = res.body.device.id;
    tokens[name] = res.body.token;
  };
  /** The device's broker account is in place once it can log in. */
  const canLogIn = (name: string, token = tokens[name]) =>
    eventually(async () => {
      const c = await connectAsync(url, { username: ids[name], password: token, clientId: ids[name], reconnectPeriod: 0, protocolVersion: 4 }).catch(() => null);
      await c?.endAsync(true);
      return !!c;
    }, 10_000, `${name} can log in`);

  /** Revocation reaches the broker within seconds (it is applied after the commit, through the outbox). */
  const refusedWithin5s = (name: string, token = tokens[name]) =>
    eventually(async () => {
      const c = await connectAsync(url, { username: ids[name], password: token, clientId: ids[name], reconnectPeriod: 0, protocolVersion: 4 }).catch((err: Error) => err);
      if (c instanceof Error) return /Not authorized|Bad username or password/.test(c.message);
      await c.endAsync(true);
      return false;
    }, 5000, `${name} refused`);

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = `t${randomBytes(4).toString('hex')}/v1`;
    dir = mkdtempSync(join(tmpdir(), 'bcast-mosquitto-'));
    chmodSync(dir, 0o777); // Mosquitto started as root drops to its own user, which rewrites the plugin's file
    const [devicePort, servicePort] = [await freePort(), await freePort()];
    tlsPort = await freePort();
    certs = makeCertificates(dir);
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'server.crt'), certs.cert);
    writeFileSync(join(dir, 'certs', 'server.key'), certs.key, { mode: 0o644 });
    url = `mqtt://127.0.0.1:${devicePort}`;
    expect(await exportFiles(servicePort)).toContain('dynamic-security.json');
    chmodSync(join(dir, 'generated'), 0o777);
    mkdirSync(join(dir, 'data'), { mode: 0o777 });
    chmodSync(join(dir, 'data'), 0o777);
    const conf = readFileSync(join(ROOT, 'docker/mosquitto/mosquitto.conf'), 'utf8')
      .replaceAll('/mosquitto/config/generated/', `${dir}/generated/`)
      .replaceAll('/mosquitto/data/', `${dir}/data/`)
      .replace('/usr/lib/mosquitto_dynamic_security.so', existsSync(DEBIAN_PLUGIN) ? DEBIAN_PLUGIN : '/usr/lib/mosquitto_dynamic_security.so')
      .replace(/^listener 1883$/m, `listener ${devicePort} 127.0.0.1`)
      .replace(/^listener 1884$/m, `listener ${servicePort} 127.0.0.1`)
      .replace(/^listener 8883$/m, `listener ${tlsPort} 127.0.0.1`)
      .replaceAll('/mosquitto/certs/', `${dir}/certs/`);
    writeFileSync(join(dir, 'mosquitto.conf'), conf);
    mosquitto = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    mosquitto.stdout!.on('data', (d) => (log += d));
    mosquitto.stderr!.on('data', (d) => (log += d));
    const deadline = Date.now() + 10_000;
    while (!/running/.test(log)) {
      if (Date.now() > deadline || mosquitto.exitCode !== null) throw new Error(`mosquitto did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    t = await startTestApp({ MQTT_URL: `mqtt://${server.username}:${server.password}@127.0.0.1:${servicePort}`, MQTT_TOPIC_PREFIX: prefix, MOSQUITTO_DYNSEC: 'true', MQTT_INGEST_CONNECTIONS: '2' }, {}, { databaseUrl: db.url });
    admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh,province,\n1,Xã A,commune,38\n2,Xã B,commune,38\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as())).body.items) ids[u.code] = u.id;
    for (const code of ['1', '2']) ids[`ch${code}`] = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: ids[code], name: `Đài ${code}`, kind: 'audio', windows: [] })).body.id;
    for (const [name, channel] of [['a', 'ch1'], ['b', 'ch2'], ['revoked', 'ch1'], ['rotated', 'ch1'], ['victim', 'ch2']]) await register(name, channel);
    for (const name of ['a', 'b', 'revoked', 'rotated', 'victim']) await canLogIn(name);
    await t.http.post(`/api/v1/devices/${ids.revoked}/revoke`).set(as()).expect(200);
    await refusedWithin5s('revoked');
  }, 90_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await t?.close();
    mosquitto?.kill();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets devices in with their own token only; revoked devices and strangers stay out', async () => {
    await connect(ids.a, tokens.a);
    await expect(connect(ids.a, tokens.b)).rejects.toThrow(/Not authorized|Bad username or password/);
    await expect(connect(ids.revoked, tokens.revoked)).rejects.toThrow(/Not authorized|Bad username or password/);
    await expect(connectDevice(url, null)).rejects.toThrow(/Not authorized/);
  });

  it('takes devices over TLS on the shipped 8883 listener, as the player connects (CA checked), and refuses plain-text on it', async () => {
    const tls = await connectAsync(`mqtts://127.0.0.1:${tlsPort}`, { username: ids.a, password: tokens.a, clientId: ids.a, reconnectPeriod: 0, protocolVersion: 4, ...tlsOptions({ caFile: certs.ca }) });
    expect(tls.connected).toBe(true);
    await tls.endAsync(true);
    await expect(connectAsync(`mqtts://127.0.0.1:${tlsPort}`, { username: ids.a, password: tokens.a, reconnectPeriod: 0, connectTimeout: 5000, ...tlsOptions({ caFile: certs.rogue }) })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await expect(connectAsync(`mqtt://127.0.0.1:${tlsPort}`, { username: ids.a, password: tokens.a, reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow();
  });

  it('a device reads its own playlist and its channel’s alert, never another device’s playlist or channel', async () => {
    const svc = await connectAsync(url.replace(/:\d+$/, `:${new URL(t.config.MQTT_URL!).port}`), { ...server, clientId: `bcast-test-${randomBytes(3).toString('hex')}`, protocolVersion: 4 });
    clients.push(svc);
    await svc.publishAsync(`${prefix}/devices/${ids.a}/playlist`, '{"for":"a"}', { qos: 1, retain: true });
    await svc.publishAsync(`${prefix}/devices/${ids.b}/playlist`, '{"for":"b"}', { qos: 1, retain: true });
    await svc.publishAsync(`${prefix}/channels/${ids.ch1}/alert`, '{"alert":1}', { qos: 1, retain: true });
    await svc.publishAsync(`${prefix}/channels/${ids.ch2}/alert`, '{"alert":2}', { qos: 1, retain: true });
    const a = await connect(ids.a, tokens.a);
    for (const topic of [`${prefix}/devices/${ids.a}/playlist`, `${prefix}/channels/${ids.ch1}/alert`, `${prefix}/devices/${ids.b}/playlist`, `${prefix}/channels/${ids.ch2}/alert`, `${prefix}/#`]) {
      await a.client.subscribeAsync(topic, { qos: 1 }).catch(() => undefined);
    }
    await a.inbox.waitFor(() => a.inbox.messages.length >= 2, 5000, 'own retained messages');
    await new Promise((r) => setTimeout(r, 500));
    expect([...new Set(a.inbox.messages.map((m) => m.text))].sort()).toEqual(['{"alert":1}', '{"for":"a"}']);
  });

  it('stores a device’s own events through the service’s shared ingest sessions; events published under another device go nowhere', async () => {
    const a = await connect(ids.a, tokens.a);
    const own = { eventId: 'own-1', deviceId: ids.a, type: 'playlist.applied', at: new Date().toISOString() };
    await a.client.publishAsync(`${prefix}/devices/${ids.b}/events`, JSON.stringify([{ ...own, eventId: 'forged', deviceId: ids.b }]), { qos: 1 });
    await a.client.publishAsync(`${prefix}/devices/${ids.a}/events`, JSON.stringify([own]), { qos: 1 });
    const db = t.app.get(DataSource);
    await eventually(async () => (await db.query(`SELECT 1 FROM play_events WHERE event_id = 'own-1'`)).length === 1, 10_000, 'own event stored');
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.query(`SELECT count(*)::int AS n FROM play_events WHERE event_id = 'forged'`)).toEqual([{ n: 0 }]);
  });

  it('a device cannot take over another device’s session or the service’s: its session is its username', async () => {
    const victim = await connect(ids.victim, tokens.victim);
    const ingest = t.app.get(DeviceIngest).sessions;
    expect(ingest).toEqual(expect.arrayContaining([ingestSessionIds(t.config.MQTT_SHARED_GROUP, prefix, 2)[0]]));
    await connect(ids.a, tokens.a, { clientId: ids.victim });
    await connect(ids.a, tokens.a, { clientId: ingest[0] });
    await new Promise((r) => setTimeout(r, 500));
    expect(victim.client.connected).toBe(true);
    // the service's ingest still takes events in
    const a = await connect(ids.b, tokens.b);
    await a.client.publishAsync(`${prefix}/devices/${ids.b}/events`, JSON.stringify([{ eventId: 'after-takeover', deviceId: ids.b, type: 'playlist.applied', at: new Date().toISOString() }]), { qos: 1 });
    const db = t.app.get(DataSource);
    await eventually(async () => (await db.query(`SELECT 1 FROM play_events WHERE event_id = 'after-takeover'`)).length === 1, 10_000, 'event stored after the attempted takeover');
  });

  it('closes the connection of a device that sends a packet over 256 KB', async () => {
    const { client } = await connect(ids.b, tokens.b, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(`${prefix}/devices/${ids.b}/events`, 'x'.repeat(300 * 1024), { qos: 1 });
    await closed;
  });

  it('revoking or rotating ends the live session within 5 s; the old token is refused; reinstating brings it back', async () => {
    const a = await connect(ids.a, tokens.a, { reconnectPeriod: 0 });
    const r = await connect(ids.rotated, tokens.rotated, { reconnectPeriod: 0 });
    const gone = (c: MqttClient) => new Promise<number>((resolve) => c.once('close', () => resolve(Date.now())));
    const [ga, gr] = [gone(a.client), gone(r.client)];
    let at = Date.now();
    await t.http.post(`/api/v1/devices/${ids.a}/revoke`).set(as()).expect(200);
    expect((await ga) - at).toBeLessThan(5000);
    await refusedWithin5s('a');
    at = Date.now();
    const rotated = await t.http.post(`/api/v1/devices/${ids.rotated}/token`).set(as()).expect(200);
    expect((await gr) - at).toBeLessThan(5000);
    await canLogIn('rotated', rotated.body.token);
    await refusedWithin5s('rotated');
    const back = await t.http.post(`/api/v1/devices/${ids.a}/reinstate`).set(as()).expect(200);
    await canLogIn('a', back.body.token);
    await eventually(async () => (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM broker_sync`))[0].n === 0, 5000, 'every account change applied');
  });

  it('the export also writes password and ACL files for a Mosquitto run with static files', async () => {
    await exportFiles(1884);
    const passwd = readFileSync(join(dir, 'generated/passwd'), 'utf8');
    expect(passwd).toMatch(new RegExp(`^${ids.b}:\\$7\\$101\\$`, 'm'));
    expect(passwd).not.toContain(ids.revoked);
    expect(passwd).not.toContain(tokens.b);
    expect(readFileSync(join(dir, 'generated/acl'), 'utf8')).toContain(`user ${ids.b}\ntopic read ${prefix}/channels/${ids.ch2}/alert`);
  });
});
