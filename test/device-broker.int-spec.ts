import { randomBytes } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import { ServerOnlyAccessPolicy } from '../src/infrastructure/mqtt/broker-access-policy';
import { EmbeddedBrokerHandle, startEmbeddedBroker } from '../src/infrastructure/mqtt/embedded-broker';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/** Device registry and the embedded broker's ACL (PROTOCOL.md): a device may read only its own
 *  topics and its channel's alert, and publish only its own events and status. */
describe('devices on the embedded broker', () => {
  let t: TestApp;
  let broker: EmbeddedBrokerHandle;
  const server = { username: 'bcast-server', password: randomBytes(16).toString('hex') };
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const clients: MqttClient[] = [];
  let admin: string;
  const as = () => ({ Authorization: `Bearer ${admin}` });
  const connect = async (username: string, password: string) => {
    const c = await connectAsync(broker.url, { username, password, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    broker = await startEmbeddedBroker(0, new ServerOnlyAccessPolicy(server.username, server.password), '127.0.0.1');
    t = await startTestApp({ MQTT_URL: broker.url }, { mqttUrl: broker.url, mqttCredentials: server, embedded: { database: false, broker } });
    admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh,province,\n1,Xã A,commune,38\n2,Xã B,commune,38\n');
    for (const u of (await t.http.get('/api/v1/units').set(as())).body.items) ids[u.code] = u.id;
    for (const code of ['1', '2']) {
      ids[`ch${code}`] = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: ids[code], name: `Đài ${code}`, kind: 'audio', windows: [] })).body.id;
      const res = await t.http.post(`/api/v1/channels/${ids[`ch${code}`]}/devices`).set(as()).send({ name: `Cụm loa ${code}`, kind: 'speaker', lat: 20.2, lng: 104.9, village: 'Bản Khạn' });
      expect(res.status).toBe(201);
      expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(res.body.device).not.toHaveProperty('tokenHash');
      ids[`dev${code}`] = res.body.device.id;
      tokens[code] = res.body.token;
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
    await t?.close();
    await broker?.stop();
  });

  it('keeps only a hash of the token', async () => {
    const { DataSource } = await import('typeorm');
    const [row] = await t.app.get(DataSource).query(`SELECT token_hash FROM devices WHERE id = $1`, [ids.dev1]);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(tokens['1']);
  });

  it('lets a device in with its token, and refuses wrong tokens and strangers', async () => {
    await connect(ids.dev1, tokens['1']);
    await expect(connect(ids.dev1, tokens['2'])).rejects.toThrow(/Bad username or password/);
    await expect(connect('someone', 'anything')).rejects.toThrow(/Bad username or password/);
  });

  it('grants a device its own topics and its channel’s alert, and refuses another device’s', async () => {
    const a = await connect(ids.dev1, tokens['1']);
    const outcome = async (topic: string) => a.subscribeAsync(topic, { qos: 1 }).then((g) => `granted ${g[0].qos}`, (e: Error) => `refused: ${e.message}`);
    expect(await outcome(`${t.config.MQTT_TOPIC_PREFIX}/devices/${ids.dev1}/playlist`)).toBe('granted 1');
    expect(await outcome(`${t.config.MQTT_TOPIC_PREFIX}/devices/${ids.dev1}/commands`)).toBe('granted 1');
    expect(await outcome(`${t.config.MQTT_TOPIC_PREFIX}/channels/${ids.ch1}/alert`)).toBe('granted 1');
    for (const forbidden of [`${t.config.MQTT_TOPIC_PREFIX}/devices/${ids.dev2}/playlist`, `${t.config.MQTT_TOPIC_PREFIX}/channels/${ids.ch2}/alert`, `${t.config.MQTT_TOPIC_PREFIX}/#`, `${t.config.MQTT_TOPIC_PREFIX}/devices/+/playlist`]) {
      expect(await outcome(forbidden)).toMatch(/^refused/);
    }
  });

  it('delivers a device’s own events to the service, never events published under another device', async () => {
    const svc = await connect(server.username, server.password);
    const seen: string[] = [];
    svc.on('message', (topic) => seen.push(topic));
    await svc.subscribeAsync(`${t.config.MQTT_TOPIC_PREFIX}/devices/+/events`, { qos: 1 });
    const a = await connect(ids.dev1, tokens['1']);
    await a.publishAsync(`${t.config.MQTT_TOPIC_PREFIX}/devices/${ids.dev1}/events`, JSON.stringify([{ eventId: 'e1' }]), { qos: 1 });
    a.publish(`${t.config.MQTT_TOPIC_PREFIX}/devices/${ids.dev2}/events`, JSON.stringify([{ eventId: 'forged' }]), { qos: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toEqual([`${t.config.MQTT_TOPIC_PREFIX}/devices/${ids.dev1}/events`]);
  });

  it('a revoked device is refused; a rotated token replaces the old one at once', async () => {
    await t.http.post(`/api/v1/devices/${ids.dev1}/revoke`).set(as()).expect(200);
    await expect(connect(ids.dev1, tokens['1'])).rejects.toThrow(/Bad username or password/);
    const rotated = await t.http.post(`/api/v1/devices/${ids.dev2}/token`).set(as());
    expect(rotated.status).toBe(200);
    await expect(connect(ids.dev2, tokens['2'])).rejects.toThrow(/Bad username or password/);
    await connect(ids.dev2, rotated.body.token);
  });

  it('names bad fields and hides other communes’ channels', async () => {
    const bad = await t.http.post(`/api/v1/channels/${ids.ch1}/devices`).set(as()).send({ name: '', kind: 'radio', lat: 200 });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['kind', 'lat', 'name']);
    await t.http.post('/api/v1/users').set(as()).send({ username: 'op.a', displayName: 'A', password: 'mat-khau-dai-du', role: 'operator', unitId: ids['1'] }).expect(201);
    const op = await t.login('op.a', 'mat-khau-dai-du');
    expect((await t.http.post(`/api/v1/channels/${ids.ch2}/devices`).set({ Authorization: `Bearer ${op}` }).send({ name: 'X', kind: 'led' })).status).toBe(404);
    expect((await t.http.post(`/api/v1/devices/${ids.dev2}/revoke`).set({ Authorization: `Bearer ${op}` })).status).toBe(404);
  });
});

/** The HTTP side of the protocol for devices: events (idempotent) and media, with device tokens. */
describe('devices over HTTP', () => {
  // an announcement that ended a minute ago: its device reports fall inside it
  const START = new Date(Date.now() - 6 * 60_000).toISOString();
  const END = new Date(Date.now() - 60_000).toISOString();
  let t: TestApp;
  let admin: string;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const dev = (code: string) => ({ Authorization: `Bearer ${tokens[code]}` });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(ADMIN.username, ADMIN.password);
    const as = { Authorization: `Bearer ${admin}` };
    await t.http.post('/api/v1/units/import').set(as).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh,province,\n1,Xã A,commune,38\n2,Xã B,commune,38\n');
    for (const u of (await t.http.get('/api/v1/units').set(as)).body.items) ids[u.code] = u.id;
    for (const code of ['1', '2']) {
      ids[`ch${code}`] = (await t.http.post('/api/v1/channels').set(as).send({ unitId: ids[code], name: `Đài ${code}`, kind: 'audio', windows: [] })).body.id;
      const res = await t.http.post(`/api/v1/channels/${ids[`ch${code}`]}/devices`).set(as).send({ name: `Cụm loa ${code}`, kind: 'speaker' });
      ids[`dev${code}`] = res.body.device.id;
      tokens[code] = res.body.token;
      ids[`entry${code}`] = (await t.http.post(`/api/v1/channels/${ids[`ch${code}`]}/entries`).set(as).send({ kind: 'announcement', title: 'Thông báo', startsAt: START, endsAt: END })).body.id;
    }
  });
  afterAll(() => t?.close());

  const event = (i: number, extra: Record<string, unknown> = {}) => ({ eventId: `evt-${i}`, deviceId: ids.dev1, type: 'play.completed', entryId: ids.entry1, at: END, ...extra });

  it('stores events once: a re-sent batch counts as duplicates', async () => {
    const batch = [event(1), event(2, { type: 'play.started', at: START })];
    const first = await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send(batch);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 2, duplicates: 0, refused: 0 });
    expect((await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send(batch)).body).toEqual({ accepted: 0, duplicates: 2, refused: 0 });
    // the eventId is the key (PROTOCOL.md): the same id with another time is the same event
    expect((await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send([event(1, { at: START })])).body).toEqual({ accepted: 0, duplicates: 1, refused: 0 });
    // and twice in one batch, once
    expect((await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send([event(30), event(30, { at: START })])).body).toEqual({ accepted: 1, duplicates: 1, refused: 0 });
    const { DataSource } = await import('typeorm');
    const [entry] = await t.app.get(DataSource).query(`SELECT evidenced_at FROM schedule_entries WHERE id = $1`, [ids.entry1]);
    expect(entry.evidenced_at).not.toBeNull();
  });

  it('a device cannot post as another device, nor evidence another channel’s entry', async () => {
    expect((await t.http.post(`/api/v1/devices/${ids.dev2}/events`).set(dev('1')).send([event(3)])).body.code).toBe('NOT_YOUR_DEVICE');
    const forged = await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send([event(4, { entryId: ids.entry2 })]);
    expect(forged.body).toEqual({ accepted: 1, duplicates: 0, refused: 0 });
    const { DataSource } = await import('typeorm');
    const [entry] = await t.app.get(DataSource).query(`SELECT evidenced_at FROM schedule_entries WHERE id = $1`, [ids.entry2]);
    expect(entry.evidenced_at).toBeNull();
    const person = await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set({ Authorization: `Bearer ${admin}` }).send([event(5)]);
    expect(person.status).toBe(403);
    expect(person.body.code).toBe('DEVICE_ONLY');
    expect((await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set({ Authorization: 'Bearer not-a-real-device-token' }).send([event(6)])).status).toBe(401);
  });

  it('refuses each bad event on its own, by position and with a reason, and stores the rest', async () => {
    const res = await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send([
      event(7),
      { ...event(8), type: 'play.exploded', at: 'yesterday' },
      { ...event(9), deviceId: ids.dev2 },
      event(10, { playlistVersion: 2_147_483_648 }), // over PostgreSQL's integer: once a 500
      event(11, { detail: { note: 'NUL \u0000 in JSON' } }), // PostgreSQL refuses it in jsonb: once a 500
      event(12, { eventId: 'evt-\u0000' }),
      event(13, { at: new Date(Date.now() + 86_400_000).toISOString() }), // a day ahead of the server clock
      event(14),
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 0, refused: 6 });
    expect(res.body.problems.map((f: { field: string }) => f.field)).toEqual(['1.type', '1.at', '2.deviceId', '3.playlistVersion', '4.detail', '5.eventId', '6.at']);
    expect(res.body.problems[6].message).toMatch(/tương lai/);
    const { DataSource } = await import('typeorm');
    const db = t.app.get(DataSource);
    expect((await db.query(`SELECT event_id FROM play_events WHERE device_id = $1 AND event_id IN ('evt-7', 'evt-14') ORDER BY 1`, [ids.dev1])).map((r: { event_id: string }) => r.event_id)).toEqual(['evt-14', 'evt-7']);
    const kept = await db.query(`SELECT source, stage, reason FROM device_event_rejects WHERE device_id = $1 ORDER BY id`, [ids.dev1]);
    expect(kept).toHaveLength(6);
    expect(kept[0]).toMatchObject({ source: 'http', stage: 'validation', reason: expect.stringContaining('1.type') });
    // administrators read them
    const list = await t.http.get(`/api/v1/device-events/rejected?deviceId=${ids.dev1}`).set({ Authorization: `Bearer ${admin}` });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(6);
    expect(list.body.items[0]).toMatchObject({ deviceId: ids.dev1, source: 'http', stage: 'validation' });
    const huge = await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send(Array.from({ length: 1001 }, (_, i) => event(100 + i)));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('TOO_MANY_EVENTS');
    const notEvents = await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).set('Content-Type', 'application/json').send('"text"');
    expect(notEvents.status).toBe(400);
  });

  it('counts only events inside the airing, from the airing’s channel, as evidence', async () => {
    const { DataSource } = await import('typeorm');
    const db = t.app.get(DataSource);
    const as = { Authorization: `Bearer ${admin}` };
    const soon = new Date(Date.now() + 3 * 86_400_000);
    const later = await t.http.post(`/api/v1/channels/${ids.ch1}/entries`).set(as).send({ kind: 'announcement', title: 'Sắp tới', startsAt: soon.toISOString(), endsAt: new Date(soon.getTime() + 300_000).toISOString() });
    // a play.completed reported now, days before the entry starts, is stored but is no evidence
    const early = await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send([event(20, { entryId: later.body.id, at: new Date().toISOString() })]);
    expect(early.body).toMatchObject({ accepted: 1 });
    expect((await db.query(`SELECT evidenced_at FROM schedule_entries WHERE id = $1`, [later.body.id]))[0].evidenced_at).toBeNull();
    // a report 20 minutes after the end of an airing is outside the tolerance (10 minutes)
    const old = await t.http.post(`/api/v1/channels/${ids.ch1}/entries`).set(as).send({ kind: 'announcement', title: 'Đã qua', startsAt: new Date(Date.now() - 40 * 60_000).toISOString(), endsAt: new Date(Date.now() - 30 * 60_000).toISOString() });
    await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send([event(21, { entryId: old.body.id, at: new Date(Date.now() - 10 * 60_000).toISOString() })]).expect(200);
    expect((await db.query(`SELECT evidenced_at FROM schedule_entries WHERE id = $1`, [old.body.id]))[0].evidenced_at).toBeNull();
    // within it, it is evidence
    await t.http.post(`/api/v1/devices/${ids.dev1}/events`).set(dev('1')).send([event(22, { entryId: old.body.id, at: new Date(Date.now() - 25 * 60_000).toISOString() })]).expect(200);
    expect((await db.query(`SELECT evidenced_at FROM schedule_entries WHERE id = $1`, [old.body.id]))[0].evidenced_at).not.toBeNull();
    // the broadcast log counts only devices that may evidence an entry: dev1 reported entry2 (channel 2) earlier
    const day = (offset: number) => new Date(Date.now() + 7 * 3600_000 + offset).toISOString().slice(0, 10);
    const csv = await t.http.get(`/api/v1/reports/broadcast-log.csv?unitId=${ids['2']}&from=${day(-86_400_000)}&to=${day(0)}`).set(as);
    const row = csv.text.split('\r\n').find((l) => l.includes('Thông báo'))!;
    expect(row.split(',')[13]).toBe('0');
  });

  it('lets a device download media with its token, and refuses a revoked one', async () => {
    const missing = await t.http.get(`/api/v1/media/${'a'.repeat(64)}`).set(dev('2'));
    expect(missing.status).toBe(404); // authenticated, the file just does not exist
    await t.http.post(`/api/v1/devices/${ids.dev2}/revoke`).set({ Authorization: `Bearer ${admin}` }).expect(200);
    expect((await t.http.get(`/api/v1/media/${'a'.repeat(64)}`).set(dev('2'))).status).toBe(401);
  });
});
