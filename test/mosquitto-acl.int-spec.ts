import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MqttClient } from 'mqtt';
import { freePort } from './support/free-port';
import { connectDevice } from './support/mqtt-device';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

/**
 * The device ACL on Mosquitto itself: the project's docker/mosquitto/mosquitto.conf (paths and port
 * moved to a temporary directory), with the password and ACL files written by
 * `npm run mosquitto:export` from the device registry.
 */
// Mosquitto is installed on the CI machine; a machine with only Node.js skips this file (and says so).
const hasMosquitto = !spawnSync('mosquitto', ['-h']).error;
if (!hasMosquitto) console.warn('mosquitto is not installed: skipping the Mosquitto ACL test');

(hasMosquitto ? describe : describe.skip)('device ACL on Mosquitto with the exported password and ACL files', () => {
  let t: TestApp;
  let mosquitto: ChildProcess;
  let url: string;
  let prefix: string;
  let dir: string;
  let log = '';
  const server = { username: 'bcast-server', password: randomBytes(12).toString('hex') };
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const clients: MqttClient[] = [];
  const connect = async (username: string, password: string) => {
    const d = await connectDevice(url, { username, password });
    clients.push(d.client);
    return d;
  };

  beforeAll(async () => {
    t = await startTestApp();
    prefix = t.config.MQTT_TOPIC_PREFIX;
    const admin = await t.login(ADMIN.username, ADMIN.password);
    const as = { Authorization: `Bearer ${admin}` };
    await t.http.post('/api/v1/units/import').set(as).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh,province,\n1,Xã A,commune,38\n2,Xã B,commune,38\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as)).body.items) ids[u.code] = u.id;
    for (const code of ['1', '2']) ids[`ch${code}`] = (await t.http.post('/api/v1/channels').set(as).send({ unitId: ids[code], name: `Đài ${code}`, kind: 'audio', windows: [] })).body.id;
    for (const [name, channel] of [['a', 'ch1'], ['b', 'ch2'], ['revoked', 'ch1']]) {
      const res = await t.http.post(`/api/v1/channels/${ids[channel]}/devices`).set(as).send({ name, kind: 'speaker' });
      ids[name] = res.body.device.id;
      tokens[name] = res.body.token;
    }
    await t.http.post(`/api/v1/devices/${ids.revoked}/revoke`).set(as).expect(200);

    dir = mkdtempSync(join(tmpdir(), 'bcast-mosquitto-'));
    chmodSync(dir, 0o777); // Mosquitto started as root drops to its own user
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    const env = { PATH: process.env.PATH!, DATABASE_URL: t.databaseUrl, MQTT_URL: `mqtt://${server.username}:${server.password}@127.0.0.1:${port}`, MQTT_TOPIC_PREFIX: prefix, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') };
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src/distribution/mosquitto-export.ts'), join(dir, 'generated')], { cwd: ROOT, env });
    expect(stdout).toContain('2 devices and the service account bcast-server');

    mkdirSync(join(dir, 'data'), { mode: 0o777 });
    chmodSync(join(dir, 'data'), 0o777);
    const conf = readFileSync(join(ROOT, 'docker/mosquitto/mosquitto.conf'), 'utf8')
      .replaceAll('/mosquitto/config/generated/', `${dir}/generated/`)
      .replaceAll('/mosquitto/data/', `${dir}/data/`)
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`);
    writeFileSync(join(dir, 'mosquitto.conf'), conf);
    mosquitto = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    mosquitto.stdout!.on('data', (d) => (log += d));
    mosquitto.stderr!.on('data', (d) => (log += d));
    const deadline = Date.now() + 10_000;
    while (!/running/.test(log)) {
      if (Date.now() > deadline || mosquitto.exitCode !== null) throw new Error(`mosquitto did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    mosquitto?.kill();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a password file Mosquitto accepts, without revoked devices or plain tokens', () => {
    const passwd = readFileSync(join(dir, 'generated/passwd'), 'utf8');
    expect(passwd).toMatch(new RegExp(`^${ids.a}:\\$7\\$101\\$`, 'm'));
    expect(passwd).not.toContain(ids.revoked);
    expect(passwd).not.toContain(tokens.a);
    expect(readFileSync(join(dir, 'generated/acl'), 'utf8')).toContain(`user ${ids.a}\ntopic read ${prefix}/channels/${ids.ch1}/alert`);
  });

  it('lets devices in with their token only', async () => {
    await connect(ids.a, tokens.a);
    await expect(connect(ids.a, tokens.b)).rejects.toThrow(/Not authorized|Bad username or password/);
    await expect(connect(ids.revoked, tokens.revoked)).rejects.toThrow(/Not authorized|Bad username or password/);
    await expect(connectDevice(url, null)).rejects.toThrow(/Not authorized/);
  });

  it('a device reads its own playlist and its channel’s alert, never another device’s playlist or channel', async () => {
    const svc = await connect(server.username, server.password);
    await svc.client.publishAsync(`${prefix}/devices/${ids.a}/playlist`, '{"for":"a"}', { qos: 1, retain: true });
    await svc.client.publishAsync(`${prefix}/devices/${ids.b}/playlist`, '{"for":"b"}', { qos: 1, retain: true });
    await svc.client.publishAsync(`${prefix}/channels/${ids.ch1}/alert`, '{"alert":1}', { qos: 1, retain: true });
    await svc.client.publishAsync(`${prefix}/channels/${ids.ch2}/alert`, '{"alert":2}', { qos: 1, retain: true });
    const a = await connect(ids.a, tokens.a);
    for (const topic of [`${prefix}/devices/${ids.a}/playlist`, `${prefix}/channels/${ids.ch1}/alert`, `${prefix}/devices/${ids.b}/playlist`, `${prefix}/channels/${ids.ch2}/alert`, `${prefix}/#`]) {
      await a.client.subscribeAsync(topic, { qos: 1 }).catch(() => undefined);
    }
    await a.inbox.waitFor(() => a.inbox.messages.length >= 2, 5000, 'own retained messages');
    await new Promise((r) => setTimeout(r, 500));
    // the wildcard brings its own messages again (Mosquitto filters each message by the ACL), nothing else
    expect([...new Set(a.inbox.messages.map((m) => m.text))].sort()).toEqual(['{"alert":1}', '{"for":"a"}']);
  });

  it('a device publishes only its own events and status; publishing as another device goes nowhere', async () => {
    const svc = await connect(server.username, server.password);
    await svc.client.subscribeAsync(`$share/bcast/${prefix}/devices/+/events`, { qos: 1 });
    await svc.client.subscribeAsync(`${prefix}/devices/+/status`, { qos: 1 });
    const a = await connect(ids.a, tokens.a);
    await a.client.publishAsync(`${prefix}/devices/${ids.b}/events`, '[{"forged":true}]', { qos: 1 });
    await a.client.publishAsync(`${prefix}/devices/${ids.b}/status`, '{"online":false}', { qos: 1 });
    await a.client.publishAsync(`${prefix}/devices/${ids.b}/playlist`, '{"for":"nobody"}', { qos: 1, retain: true });
    await a.client.publishAsync(`${prefix}/devices/${ids.a}/events`, '[{"own":true}]', { qos: 1 });
    await svc.inbox.waitFor(() => svc.inbox.messages.find((m) => m.text.includes('own')), 5000, 'own event through the shared subscription');
    await new Promise((r) => setTimeout(r, 500));
    expect(svc.inbox.messages.map((m) => [m.topic, m.text])).toEqual([[`${prefix}/devices/${ids.a}/events`, '[{"own":true}]']]);
  });
});
