import { randomBytes, randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { ingestSessionIds } from '../src/distribution/ingest-sessions';
import { ServerOnlyAccessPolicy } from '../src/infrastructure/mqtt/broker-access-policy';
import { EmbeddedBrokerHandle, MAX_PACKET_BYTES, startEmbeddedBroker } from '../src/infrastructure/mqtt/embedded-broker';
import { connectDevice, eventually } from './support/mqtt-device';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/**
 * "Evidence you can trust" (issue 12), as a device vendor and an attacker would try it, with MQTT.js
 * devices on the run's broker (Mosquitto on CI) and on the embedded broker.
 */
describe.each([
  ['the run’s broker', false],
  ['the embedded broker', true],
])('evidence you can trust, on %s', (_name, embedded) => {
  const RATE = { DEVICE_EVENT_RATE: '10', DEVICE_EVENT_BURST: '1500' };
  let t: TestApp;
  let db: DataSource;
  let broker: EmbeddedBrokerHandle | null = null;
  let admin: string;
  let prefix: string;
  const devices: Array<{ id: string; token: string }> = [];
  const clients: MqttClient[] = [];
  const as = () => ({ Authorization: `Bearer ${admin}` });
  let channelId: string;

  const connect = async (device: { id: string; token: string }, extra = {}) => {
    const auth = embedded ? { username: device.id, password: device.token } : null;
    const d = await connectDevice(embedded ? broker!.url : process.env.MQTT_URL!, auth, { clientId: device.id, ...extra });
    clients.push(d.client);
    return d;
  };
  const event = (deviceId: string, extra: Record<string, unknown> = {}) => ({ eventId: randomUUID(), deviceId, type: 'playlist.applied', playlistVersion: 1, at: new Date().toISOString(), ...extra });
  const storedOf = async (ids: string[]) => (await db.query(`SELECT count(*)::int AS n FROM play_events WHERE event_id = ANY($1::text[])`, [ids]))[0].n as number;

  beforeAll(async () => {
    if (embedded) {
      const server = { username: 'bcast-server', password: randomBytes(16).toString('hex') };
      broker = await startEmbeddedBroker(0, new ServerOnlyAccessPolicy(server.username, server.password), '127.0.0.1');
      t = await startTestApp({ MQTT_URL: broker.url, ...RATE }, { mqttUrl: broker.url, mqttCredentials: server, embedded: { database: false, broker } });
    } else {
      t = await startTestApp(RATE);
    }
    db = t.app.get(DataSource);
    prefix = t.config.MQTT_TOPIC_PREFIX;
    admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh,province,\n1,Xã A,commune,38\n').expect(200);
    const unit = (await t.http.get('/api/v1/units').set(as())).body.items.find((u: { code: string }) => u.code === '1');
    channelId = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: unit.id, name: 'Đài xã A', kind: 'audio', windows: [] })).body.id;
    for (let i = 0; i < 12; i++) {
      const res = await t.http.post(`/api/v1/channels/${channelId}/devices`).set(as()).send({ name: `Cụm loa ${i}`, kind: 'speaker' });
      devices.push({ id: res.body.device.id, token: res.body.token });
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await t?.close();
    await broker?.stop();
  });

  it('stores every acknowledged event of the other devices when one device sends poison', async () => {
    const [poisoner, ...others] = devices.slice(0, 11);
    const conns = await Promise.all(others.map((d) => connect(d)));
    const bad = await connect(poisoner);
    const good = others.flatMap((d) => Array.from({ length: 50 }, () => event(d.id))); // 500 events of 10 devices
    const poison = [
      event(poisoner.id, { playlistVersion: 2_147_483_648 }),
      event(poisoner.id, { detail: { note: 'NUL \u0000' } }),
      event(poisoner.id, { eventId: 'nul-\u0000-id' }),
      event(poisoner.id, { at: '2999-01-01T00:00:00Z' }), // would land beyond every partition
    ];
    const fine = event(poisoner.id);
    // poison first and interleaved, so that it shares batches with the others
    await Promise.all([
      bad.client.publishAsync(`${prefix}/devices/${poisoner.id}/events`, JSON.stringify([...poison, fine]), { qos: 1 }),
      ...conns.map((c, i) => c.client.publishAsync(`${prefix}/devices/${others[i].id}/events`, JSON.stringify(good.filter((e) => e.deviceId === others[i].id)), { qos: 1 })),
    ]);
    // every message was acknowledged: with the embedded broker that means stored already
    if (embedded) expect(await storedOf(good.map((e) => e.eventId))).toBe(500);
    await eventually(async () => (await storedOf([...good, fine].map((e) => e.eventId))) === 501, 10_000, 'all 501 good events stored');
    const rejects = await eventually(async () => {
      const r = await db.query(`SELECT reason FROM device_event_rejects WHERE device_id = $1`, [poisoner.id]);
      return r.length === 4 && r;
    }, 5000, 'the four poison events kept with their reasons');
    expect(rejects.map((r: { reason: string }) => r.reason.split(':')[0]).sort()).toEqual(['0.playlistVersion', '1.detail', '2.eventId', '3.at']);
    const presence = (await t.http.get(`/api/v1/devices?channelId=${channelId}`).set(as())).body.items;
    expect(presence.find((d: { id: string }) => d.id === poisoner.id)).toMatchObject({ eventsRefused: 4, flags: expect.arrayContaining(['eventsRefused']) });
  });

  it('isolates an event the database still refuses: its neighbours are stored, it is kept with the reason', async () => {
    if (embedded) return; // the store is the same for both brokers
    const { EvidenceService } = await import('../src/evidence/evidence.service');
    const evidence = t.app.get(EvidenceService);
    const batch = devices.slice(0, 10).flatMap((d) => Array.from({ length: 50 }, () => ({ ...event(d.id), at: new Date() }) as never));
    // past validation (e.g. a future validator bug): what PostgreSQL refuses
    const poison = { ...event(devices[0].id), at: new Date(), playlistVersion: 2_147_483_648, detail: { n: 1 } } as never;
    const result = await evidence.record([...batch.slice(0, 250), poison, ...batch.slice(250)], 'mqtt');
    expect(result).toEqual({ accepted: 500, duplicates: 0, rejected: 1 });
    const [kept] = await db.query(`SELECT stage, reason, payload FROM device_event_rejects WHERE stage = 'database'`);
    expect(kept.reason).toMatch(/out of range/);
    expect(JSON.parse(kept.payload)).toMatchObject({ playlistVersion: 2_147_483_648 });
  });

  it('refuses events over a device’s rate, and says so in its presence', async () => {
    const d = devices[4];
    const { client } = await connect(d);
    const first = Array.from({ length: 1000 }, () => event(d.id));
    const second = Array.from({ length: 1000 }, () => event(d.id));
    await client.publishAsync(`${prefix}/devices/${d.id}/events`, JSON.stringify(first), { qos: 1 });
    await client.publishAsync(`${prefix}/devices/${d.id}/events`, JSON.stringify(second), { qos: 1 });
    await eventually(async () => (await storedOf(first.map((e) => e.eventId))) === 1000, 10_000, 'the first thousand stored');
    const me = await eventually(async () => {
      const list = (await t.http.get(`/api/v1/devices?channelId=${channelId}&flagged=true`).set(as())).body.items;
      return list.find((x: { id: string }) => x.id === d.id);
    }, 5000, 'device flagged');
    expect(me).toMatchObject({ eventsRefused: 1000, eventsRefusedReason: expect.stringContaining('tốc độ'), flags: expect.arrayContaining(['eventsRefused']) }); // (offline too: it sent no status)
    expect(await storedOf(second.map((e) => e.eventId))).toBe(0);
  });

  it('refuses a message over the size limit, without storing it', async () => {
    if (!embedded) return; // Mosquitto's limit is its message_size_limit (tested in mosquitto-acl)
    const d = devices[11];
    const { client } = await connect(d, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const huge = event(d.id, { detail: { blob: 'x'.repeat(MAX_PACKET_BYTES) } });
    client.publish(`${prefix}/devices/${d.id}/events`, JSON.stringify(huge), { qos: 1 });
    await closed;
    expect(await storedOf([huge.eventId])).toBe(0);
  });

  it('a device cannot take over the service’s ingest session or another device’s', async () => {
    if (!embedded) return; // on Mosquitto the device listener forces client id = username (mosquitto-acl test)
    const [victim, attacker] = devices.slice(0, 2);
    const v = await connect(victim);
    // the attacker names itself after the service's ingest session and after the victim
    const a1 = await connect(attacker, { clientId: ingestSessionIds(t.config.MQTT_SHARED_GROUP, prefix, 1)[0] });
    const a2 = await connect(attacker, { clientId: victim.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(v.client.connected).toBe(true);
    void a1;
    void a2;
    // events of the victim still flow and are stored
    const e = event(victim.id);
    await v.client.publishAsync(`${prefix}/devices/${victim.id}/events`, JSON.stringify([e]), { qos: 1 });
    await eventually(async () => (await storedOf([e.eventId])) === 1, 5000, 'victim event stored');
  });

  it('revoking a device or rotating its token ends its live session within 5 s', async () => {
    if (!embedded) return; // Mosquitto: through its dynamic security plugin (mosquitto-acl test)
    const [r1, r2] = devices.slice(2, 4);
    const c1 = await connect(r1);
    const c2 = await connect(r2);
    const gone = (c: MqttClient) => new Promise<number>((resolve) => c.once('close', () => resolve(Date.now())));
    const [g1, g2] = [gone(c1.client), gone(c2.client)];
    let at = Date.now();
    await t.http.post(`/api/v1/devices/${r1.id}/revoke`).set(as()).expect(200);
    expect((await g1) - at).toBeLessThan(5000);
    at = Date.now();
    const rotated = await t.http.post(`/api/v1/devices/${r2.id}/token`).set(as()).expect(200);
    expect((await g2) - at).toBeLessThan(5000);
    // the old token is refused, the new one works
    await expect(connectAsync(broker!.url, { username: r2.id, password: r2.token, clientId: r2.id, reconnectPeriod: 0, protocolVersion: 4 })).rejects.toThrow(/Bad username or password/);
    const back = await connectAsync(broker!.url, { username: r2.id, password: rotated.body.token, clientId: r2.id, reconnectPeriod: 0, protocolVersion: 4 });
    clients.push(back);
    // a revoked device is not brought back by rotating its token; reinstating is its own, audited, action
    const again = await t.http.post(`/api/v1/devices/${r1.id}/token`).set(as());
    expect([again.status, again.body.code]).toEqual([409, 'DEVICE_REVOKED']);
    const reinstated = await t.http.post(`/api/v1/devices/${r1.id}/reinstate`).set(as());
    expect(reinstated.status).toBe(200);
    const twice = await t.http.post(`/api/v1/devices/${r1.id}/reinstate`).set(as());
    expect([twice.status, twice.body.code]).toEqual([409, 'DEVICE_NOT_REVOKED']); // nothing to reinstate: the token just issued stays
    await expect(connectAsync(broker!.url, { username: r1.id, password: r1.token, clientId: r1.id, reconnectPeriod: 0, protocolVersion: 4 })).rejects.toThrow(/Bad username or password/);
    clients.push(await connectAsync(broker!.url, { username: r1.id, password: reinstated.body.token, clientId: r1.id, reconnectPeriod: 0, protocolVersion: 4 }));
    const audit = (await t.http.get(`/api/v1/audit?entityId=${r1.id}`).set(as())).body;
    expect(JSON.stringify(audit)).toContain('device.reinstate');
  });
});

/** History is kept: what has started, or was confirmed or reported, is corrected only by voiding it. */
describe('broadcast history', () => {
  let t: TestApp;
  let admin: string;
  let operator: string;
  let channelId: string;
  let unitId: string;
  const as = (token = admin) => ({ Authorization: `Bearer ${token}` });
  const entry = async (fromMin: number, toMin: number) => {
    const res = await t.http.post(`/api/v1/channels/${channelId}/entries`).set(as()).send({ kind: 'announcement', title: `Thông báo ${fromMin}`, startsAt: new Date(Date.now() + fromMin * 60_000).toISOString(), endsAt: new Date(Date.now() + toMin * 60_000).toISOString() });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh,province,\n1,Xã A,commune,38\n').expect(200);
    unitId = (await t.http.get('/api/v1/units').set(as())).body.items.find((u: { code: string }) => u.code === '1').id;
    channelId = (await t.http.post('/api/v1/channels').set(as()).send({ unitId, name: 'Đài xã A', kind: 'audio', windows: [] })).body.id;
    await t.http.post('/api/v1/users').set(as()).send({ username: 'op.a', displayName: 'A', password: 'mat-khau-dai-du', role: 'operator', unitId }).expect(201);
    operator = await t.login('op.a', 'mat-khau-dai-du');
  });
  afterAll(() => t?.close());

  it('refuses to cancel or move an entry that started, was confirmed or was reported by a device', async () => {
    const started = await entry(-5, 10);
    const confirmed = await entry(-60, -50);
    await t.http.post(`/api/v1/entries/${confirmed}/confirm`).set(as(operator)).send({ outcome: 'aired' }).expect(200);
    const reported = await entry(-40, -30);
    const device = await t.http.post(`/api/v1/channels/${channelId}/devices`).set(as()).send({ name: 'Cụm loa', kind: 'speaker' });
    await t.http.post(`/api/v1/devices/${device.body.device.id}/events`).set({ Authorization: `Bearer ${device.body.token}` })
      .send([{ eventId: 'c1', deviceId: device.body.device.id, type: 'play.completed', entryId: reported, at: new Date(Date.now() - 30 * 60_000).toISOString() }]).expect(200);
    const later = new Date(Date.now() + 86_400_000);
    for (const [id, state] of [[started, 'bắt đầu'], [confirmed, 'được xác nhận'], [reported, 'được thiết bị báo phát']]) {
      const cancel = await t.http.post(`/api/v1/entries/${id}/cancel`).set(as());
      expect([cancel.status, cancel.body.code]).toEqual([409, 'ENTRY_HISTORY']);
      expect(cancel.body.message).toContain(state);
      const move = await t.http.patch(`/api/v1/entries/${id}`).set(as()).send({ startsAt: later.toISOString(), endsAt: new Date(later.getTime() + 600_000).toISOString() });
      expect([move.status, move.body.code]).toEqual([409, 'ENTRY_HISTORY']);
    }
    // what is still to come can be cancelled
    expect((await t.http.post(`/api/v1/entries/${await entry(60, 70)}/cancel`).set(as())).status).toBe(200);
  });

  it('voids a wrong record with a reason: kept, audited, out of compliance, shown in the broadcast log', async () => {
    const aired = await entry(-120, -110);
    await t.http.post(`/api/v1/entries/${aired}/confirm`).set(as(operator)).send({ outcome: 'aired' }).expect(200);
    expect((await t.http.post(`/api/v1/entries/${aired}/void`).set(as()).send({})).status).toBe(400); // a reason is required
    expect((await t.http.post(`/api/v1/entries/${aired}/void`).set(as(operator)).send({ reason: 'x' })).status).toBe(403); // editors correct history
    const future = await entry(120, 130);
    expect((await t.http.post(`/api/v1/entries/${future}/void`).set(as()).send({ reason: 'x' })).body.code).toBe('ENTRY_NOT_STARTED');
    const res = await t.http.post(`/api/v1/entries/${aired}/void`).set(as()).send({ reason: 'Xác nhận nhầm: hôm đó mất điện' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'voided', statusBeforeVoid: 'aired', voidReason: 'Xác nhận nhầm: hôm đó mất điện' });
    expect((await t.http.post(`/api/v1/entries/${aired}/void`).set(as()).send({ reason: 'again' })).status).toBe(409);
    const audit = (await t.http.get(`/api/v1/audit?entityId=${aired}`).set(as())).body;
    expect(JSON.stringify(audit)).toContain('schedule.void');
    const day = (offset: number) => new Date(Date.now() + 7 * 3600_000 + offset).toISOString().slice(0, 10);
    const csv = await t.http.get(`/api/v1/reports/broadcast-log.csv?unitId=${unitId}&from=${day(-86_400_000)}&to=${day(0)}`).set(as());
    expect(csv.text).toContain('Đã hủy bỏ (ghi sai)');
    expect(csv.text).toContain('Xác nhận nhầm: hôm đó mất điện');
    const en = await t.http.get(`/api/v1/reports/broadcast-log.csv?unitId=${unitId}&from=${day(-86_400_000)}&to=${day(0)}&lang=en`).set(as());
    expect(en.text).toContain('Voided (recorded in error)');
    expect(en.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^date,starts \(Asia\/Ho_Chi_Minh\),ends/);
  });
});
