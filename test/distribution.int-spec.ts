import { randomBytes, randomUUID } from 'node:crypto';
import { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../src/auth/actor';
import { DeviceTokenCache } from '../src/auth/device-token-cache';
import { hashDeviceToken } from '../src/devices/device-token';
import { PlaylistCompiler } from '../src/distribution/playlist-compiler';
import { PlaylistDistributor } from '../src/distribution/playlist-distributor';
import { AdvisoryLock } from '../src/infrastructure/database/advisory-locks';
import { PresenceService } from '../src/distribution/presence.service';
import { ServerOnlyAccessPolicy } from '../src/infrastructure/mqtt/broker-access-policy';
import { EmbeddedBrokerHandle, startEmbeddedBroker } from '../src/infrastructure/mqtt/embedded-broker';
import { connectDevice, eventually, Inbox } from './support/mqtt-device';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

interface Playlist {
  protocol: string;
  deviceId: string;
  channelId: string;
  version: number;
  validFrom: string;
  validUntil: string;
  timezone: string;
  entries: Array<{ id: string; kind: string; startsAt: string; endsAt: string; priority: number; title: string; streamUrl?: string; media: unknown[] }>;
}

/** Local date in Việt Nam, `days` from today. */
const vnDate = (days: number) => new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The server side of the device protocol against a real broker, with simulated devices written with
 * MQTT.js: the run's broker (Mosquitto on the CI machine) and the service's own embedded broker.
 */
describe.each([
  ['the run’s broker', false],
  ['the embedded broker', true],
])('distribution on %s', (_name, embedded) => {
  let t: TestApp;
  let broker: EmbeddedBrokerHandle | null = null;
  let admin: string;
  let prefix: string;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const clients: MqttClient[] = [];
  const as = (token = admin) => ({ Authorization: `Bearer ${token}` });
  const tomorrow = vnDate(1);

  const device = async (name: string, extra = {}) => {
    const auth = embedded ? { username: ids[name], password: tokens[name] } : null;
    const d = await connectDevice(embedded ? broker!.url : process.env.MQTT_URL!, auth, extra);
    clients.push(d.client);
    return d;
  };
  /** Waits until the distributor has taken every marked change. */
  const settled = () => eventually(async () => (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM playlist_changes`))[0].n === 0, 10_000, 'playlists distributed');
  const playlists = (inbox: Inbox) => inbox.json<Playlist>('/playlist');
  const subscribePlaylist = async (name: string) => {
    const d = await device(name);
    await d.client.subscribeAsync(`${prefix}/devices/${ids[name]}/playlist`, { qos: 1 });
    return d;
  };
  const addRelay = async (channel: string, from: string, to: string, token = admin) =>
    t.http.post(`/api/v1/channels/${ids[channel]}/entries`).set(as(token)).send({ kind: 'relay', streamUrl: 'http://vov.vn/vov1.mp3', title: 'Tiếp âm VOV1', startsAt: `${tomorrow}T${from}:00+07:00`, endsAt: `${tomorrow}T${to}:00+07:00` });

  beforeAll(async () => {
    if (embedded) {
      const server = { username: 'bcast-server', password: randomBytes(16).toString('hex') };
      broker = await startEmbeddedBroker(0, new ServerOnlyAccessPolicy(server.username, server.password), '127.0.0.1');
      t = await startTestApp({ MQTT_URL: broker.url }, { mqttUrl: broker.url, mqttCredentials: server, embedded: { database: false, broker } });
    } else {
      t = await startTestApp();
    }
    prefix = t.config.MQTT_TOPIC_PREFIX;
    admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh,province,\n1,Xã A,commune,38\n2,Xã B,commune,38\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as())).body.items) ids[u.code] = u.id;
    for (const code of ['1', '2']) ids[`ch${code}`] = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: ids[code], name: `Đài ${code}`, kind: 'audio', windows: [] })).body.id;
    for (const [name, channel] of [['a1', 'ch1'], ['a2', 'ch1'], ['b1', 'ch2']]) {
      const res = await t.http.post(`/api/v1/channels/${ids[channel]}/devices`).set(as()).send({ name: `Cụm loa ${name}`, kind: 'speaker' });
      expect(res.status).toBe(201);
      ids[name] = res.body.device.id;
      tokens[name] = res.body.token;
    }
    await t.http.post('/api/v1/users').set(as()).send({ username: 'op.b', displayName: 'Xã B', password: 'mat-khau-dai-du', role: 'operator', unitId: ids['2'] }).expect(201);
    ids.entry1 = (await addRelay('ch1', '06:00', '06:30')).body.id;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await t?.close();
    await broker?.stop();
  });

  it('a device gets its retained playlist as soon as it subscribes', async () => {
    await settled(); // published before the device comes: what it gets is the retained message
    const a1 = await subscribePlaylist('a1');
    // the entry was added after the devices were registered: the retained playlist soon carries it
    const p = await a1.inbox.waitFor(() => playlists(a1.inbox).find((x) => x.entries.length === 1), 10_000, 'retained playlist');
    expect(a1.inbox.messages[0].retain).toBe(true);
    expect(p).toMatchObject({ protocol: 'bcast/v1', deviceId: ids.a1, channelId: ids.ch1, timezone: 'Asia/Ho_Chi_Minh' });
    expect(Number.isInteger(p.version)).toBe(true);
    // the window runs from local midnight today for PLAYLIST_HORIZON_DAYS days
    expect(p.validFrom).toBe(new Date(`${vnDate(0)}T00:00:00+07:00`).toISOString());
    expect(p.validUntil).toBe(new Date(`${vnDate(7)}T00:00:00+07:00`).toISOString());
    expect(p.entries).toEqual([{ id: ids.entry1, kind: 'relay', startsAt: new Date(`${tomorrow}T06:00:00+07:00`).toISOString(), endsAt: new Date(`${tomorrow}T06:30:00+07:00`).toISOString(), priority: 20, title: 'Tiếp âm VOV1', media: [], streamUrl: 'http://vov.vn/vov1.mp3' }]);
    const b1 = await subscribePlaylist('b1');
    const [q] = await b1.inbox.waitFor(() => playlists(b1.inbox).length > 0 && playlists(b1.inbox), 10_000, 'b1 playlist');
    expect(q).toMatchObject({ deviceId: ids.b1, channelId: ids.ch2, entries: [] });
  });

  it('an added, moved or deleted entry reaches the channel’s devices as a higher version; other devices get nothing', async () => {
    const a1 = await subscribePlaylist('a1');
    const a2 = await subscribePlaylist('a2');
    const b1 = await subscribePlaylist('b1');
    const first = await a1.inbox.waitFor(() => playlists(a1.inbox)[0], 10_000, 'a1 retained');
    await a2.inbox.waitFor(() => playlists(a2.inbox)[0], 10_000, 'a2 retained');
    await b1.inbox.waitFor(() => playlists(b1.inbox)[0], 10_000, 'b1 retained');
    const bCount = b1.inbox.messages.length;

    const added = await addRelay('ch1', '17:00', '17:30');
    expect(added.status).toBe(201);
    const sentAt = Date.now();
    const v2 = await a1.inbox.waitFor(() => playlists(a1.inbox).find((p) => p.entries.length === 2), 10_000, 'added entry');
    const latencyMs = a1.inbox.messages[a1.inbox.messages.length - 1].at - sentAt;
    expect(v2.version).toBeGreaterThan(first.version);
    expect(v2.entries.map((e) => e.id)).toEqual([ids.entry1, added.body.id]);

    const moved = await t.http.patch(`/api/v1/entries/${added.body.id}`).set(as()).send({ startsAt: `${tomorrow}T18:00:00+07:00`, endsAt: `${tomorrow}T18:30:00+07:00` });
    expect(moved.status).toBe(200);
    const v3 = await a1.inbox.waitFor(() => playlists(a1.inbox).find((p) => p.version > v2.version), 10_000, 'moved entry');
    expect(v3.entries[1].startsAt).toBe(new Date(`${tomorrow}T18:00:00+07:00`).toISOString());

    await t.http.post(`/api/v1/entries/${added.body.id}/cancel`).set(as()).expect(200);
    const v4 = await a1.inbox.waitFor(() => playlists(a1.inbox).find((p) => p.version > v3.version), 10_000, 'deleted entry');
    expect(v4.entries.map((e) => e.id)).toEqual([ids.entry1]);
    await a2.inbox.waitFor(() => playlists(a2.inbox).find((p) => p.version === v4.version), 10_000, 'a2 gets the same version');

    // a change that does not touch what devices play (an operator confirmation of a past entry, evidence) publishes nothing
    await new Promise((r) => setTimeout(r, 1500));
    expect(b1.inbox.messages.length).toBe(bCount);
    expect(playlists(a1.inbox).filter((p) => p.version > v4.version)).toEqual([]);
    expect(latencyMs).toBeLessThan(5000);
  });

  it('rolls every window forward after local midnight, once across instances', async () => {
    await settled();
    const a1 = await subscribePlaylist('a1');
    const current = await a1.inbox.waitFor(() => playlists(a1.inbox)[0], 10_000, 'retained');
    const distributor = t.app.get(PlaylistDistributor);
    expect(await distributor.rollHorizon(new Date())).toBe(0); // nothing to move today
    const tomorrowNoon = new Date(`${vnDate(1)}T12:00:00+07:00`);
    // another instance's cron job is running (it holds the lock): this one leaves the work to it
    const other = t.app.get(DataSource).createQueryRunner();
    await other.startTransaction();
    await other.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.PlaylistHorizon]);
    expect(await distributor.rollHorizon(tomorrowNoon)).toBe(0);
    await other.commitTransaction();
    await other.release();
    expect(await distributor.rollHorizon(tomorrowNoon)).toBe(2);
    // (the background worker takes those marks at today's time: same content, nothing published;
    // what tomorrow's run does is compiling at tomorrow's time)
    await settled();
    await distributor.distribute([ids.ch1], tomorrowNoon);
    const rolled = await a1.inbox.waitFor(() => playlists(a1.inbox).find((p) => p.version > current.version), 10_000, 'rolled playlist');
    expect(rolled.validFrom).toBe(new Date(`${vnDate(1)}T00:00:00+07:00`).toISOString());
    expect(rolled.validUntil).toBe(new Date(`${vnDate(8)}T00:00:00+07:00`).toISOString());
    // back to today's window for the tests that follow
    await distributor.distribute([ids.ch1], new Date());
    await a1.inbox.waitFor(() => playlists(a1.inbox).find((p) => p.version > rolled.version && p.validFrom === current.validFrom), 10_000, 'today again');
  });

  it('moving an entry checks its input and the schedule', async () => {
    const bad = await t.http.patch(`/api/v1/entries/${ids.entry1}`).set(as()).send({ startsAt: `${tomorrow}T07:00:00+07:00`, endsAt: `${tomorrow}T06:00:00+07:00` });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].field).toBe('endsAt');
    const other = await addRelay('ch1', '08:00', '08:30');
    const clash = await t.http.patch(`/api/v1/entries/${other.body.id}`).set(as()).send({ startsAt: `${tomorrow}T06:15:00+07:00`, endsAt: `${tomorrow}T06:45:00+07:00` });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('SCHEDULE_CONFLICT');
    const op = await t.login('op.b', 'mat-khau-dai-du');
    expect((await t.http.patch(`/api/v1/entries/${other.body.id}`).set(as(op)).send({ startsAt: `${tomorrow}T09:00:00+07:00`, endsAt: `${tomorrow}T09:30:00+07:00` })).status).toBe(404);
    const past = await t.http.patch(`/api/v1/entries/${other.body.id}`).set(as()).send({ startsAt: '2020-01-01T09:00:00+07:00', endsAt: '2020-01-01T09:30:00+07:00' });
    expect([past.status, past.body.fields?.[0]?.field]).toEqual([400, 'startsAt']);
    await t.http.post(`/api/v1/entries/${other.body.id}/cancel`).set(as()).expect(200);
    const cancelled = await t.http.patch(`/api/v1/entries/${other.body.id}`).set(as()).send({ startsAt: `${tomorrow}T09:00:00+07:00`, endsAt: `${tomorrow}T09:30:00+07:00` });
    expect([cancelled.status, cancelled.body.code]).toEqual([409, 'ENTRY_STATE']);
  });

  it('serves the playlist over HTTP with its version as ETag, 304 when unchanged', async () => {
    const dev = { Authorization: `Bearer ${tokens.a1}` };
    await settled();
    const res = await t.http.get(`/api/v1/devices/${ids.a1}/playlist`).set(dev);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
    expect(res.body).toMatchObject({ protocol: 'bcast/v1', deviceId: ids.a1, channelId: ids.ch1 });
    const again = await t.http.get(`/api/v1/devices/${ids.a1}/playlist`).set({ ...dev, 'If-None-Match': res.headers.etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect((await t.http.get(`/api/v1/devices/${ids.a1}/playlist`).set({ ...dev, 'If-None-Match': '"0"' })).status).toBe(200);
    // another device's playlist, no token, a person out of scope
    expect((await t.http.get(`/api/v1/devices/${ids.b1}/playlist`).set(dev)).body.code).toBe('NOT_YOUR_DEVICE');
    expect((await t.http.get(`/api/v1/devices/${ids.a1}/playlist`)).status).toBe(401);
    const op = await t.login('op.b', 'mat-khau-dai-du');
    expect((await t.http.get(`/api/v1/devices/${ids.a1}/playlist`).set(as(op))).status).toBe(404);
    expect((await t.http.get(`/api/v1/devices/${ids.b1}/playlist`).set(as(op))).status).toBe(200);
  });

  // (on the run's broker only: a second instance beside the first, as a deployment or a restart has it)
  if (!embedded) it('an instance that starts holds every active device and channel version before the first poll, so a fleet polling after a restart gets its 304s from the fast path', async () => {
    await settled();
    const gone = await t.http.post(`/api/v1/channels/${ids.ch2}/devices`).set(as()).send({ name: 'Cụm loa đã thu hồi', kind: 'speaker' }).expect(201);
    await t.http.post(`/api/v1/devices/${gone.body.device.id}/revoke`).set(as()).send({ reason: 'mất trộm' }).expect(200);
    const second = await startTestApp({}, {}, { databaseUrl: t.databaseUrl });
    try {
      const cache = second.app.get(DeviceTokenCache);
      await eventually(async () => cache.peek(hashDeviceToken(tokens.a1)), 10_000, 'device tokens cached at startup');
      expect(cache.peek(hashDeviceToken(tokens.b1))).toEqual({ id: ids.b1, channelId: ids.ch2 });
      expect(cache.peek(hashDeviceToken(gone.body.token))).toBeNull(); // revoked: not cached, refused below
      const compiler = second.app.get(PlaylistCompiler);
      await eventually(async () => compiler.peekVersion(ids.ch1) !== null, 10_000, 'versions cached at startup');
      const current = (await t.http.get(`/api/v1/devices/${ids.a1}/playlist`).set({ Authorization: `Bearer ${tokens.a1}` })).body.version;
      expect(compiler.peekVersion(ids.ch1)).toBe(current);
      const poll = await second.http.get(`/api/v1/devices/${ids.a1}/playlist`).set({ Authorization: `Bearer ${tokens.a1}`, 'If-None-Match': `"${current}"` });
      expect(poll.status).toBe(304);
      expect((await second.http.get(`/api/v1/devices/${gone.body.device.id}/playlist`).set({ Authorization: `Bearer ${gone.body.token}` })).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('stores events sent twice over MQTT once, and evidences the entry', async () => {
    const db = t.app.get(DataSource);
    const a1 = await device('a1');
    // an airing that ended a minute ago, reported as players do: at its start and at its end
    const start = new Date(Date.now() - 31 * 60_000);
    const end = new Date(Date.now() - 60_000);
    const past = await t.http.post(`/api/v1/channels/${ids.ch1}/entries`).set(as()).send({ kind: 'relay', streamUrl: 'http://vov.vn/vov1.mp3', title: 'Tiếp âm VOV1', startsAt: start.toISOString(), endsAt: end.toISOString() });
    expect(past.status).toBe(201);
    const events = [
      { eventId: randomUUID(), deviceId: ids.a1, type: 'play.started', entryId: past.body.id, playlistVersion: 3, at: new Date(start.getTime() + 120).toISOString() },
      { eventId: randomUUID(), deviceId: ids.a1, type: 'play.completed', entryId: past.body.id, playlistVersion: 3, at: new Date(end.getTime() + 50).toISOString() },
    ];
    await a1.client.publishAsync(`${prefix}/devices/${ids.a1}/events`, JSON.stringify(events), { qos: 1 });
    await a1.client.publishAsync(`${prefix}/devices/${ids.a1}/events`, JSON.stringify(events), { qos: 1 }); // reconnect resend
    await a1.client.publishAsync(`${prefix}/devices/${ids.a1}/events`, JSON.stringify(events[1]), { qos: 1 }); // a single Event
    await a1.client.publishAsync(`${prefix}/devices/${ids.a1}/events`, JSON.stringify([{ ...events[0], eventId: 'bad', at: 'yesterday' }]), { qos: 1 });
    await a1.client.publishAsync(`${prefix}/devices/${ids.a1}/events`, 'not json', { qos: 1 });
    const stored = await eventually(async () => {
      const rows = await db.query(`SELECT event_id, type, channel_id FROM play_events WHERE device_id = $1 ORDER BY at`, [ids.a1]);
      return rows.length >= 2 && rows;
    }, 10_000, 'events stored');
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.query(`SELECT count(*)::int AS n FROM play_events WHERE device_id = $1`, [ids.a1])).toEqual([{ n: 2 }]);
    expect(stored.map((r: { type: string; channel_id: string }) => [r.type, r.channel_id])).toEqual([['play.started', ids.ch1], ['play.completed', ids.ch1]]);
    const [entry] = await db.query(`SELECT evidenced_at FROM schedule_entries WHERE id = $1`, [past.body.id]);
    expect(entry.evidenced_at.toISOString()).toBe(new Date(events[1].at).toISOString());
    // what was refused is kept with its reason for administrators, and the device is flagged
    const rejects = await eventually(async () => {
      const r = await db.query(`SELECT stage, reason FROM device_event_rejects WHERE device_id = $1 ORDER BY id`, [ids.a1]);
      return r.length >= 2 && r;
    }, 5000, 'refused events kept');
    // two messages may reach two ingest sessions (shared subscription): their order is not part of the contract
    expect(rejects.map((r: { reason: string }) => r.reason).sort()).toEqual([expect.stringMatching(/^0\.at: /), 'nội dung không phải JSON']);
    // the same events over HTTP (the fallback) are duplicates too
    const res = await t.http.post(`/api/v1/devices/${ids.a1}/events`).set({ Authorization: `Bearer ${tokens.a1}` }).send(events);
    expect(res.body).toEqual({ accepted: 0, duplicates: 2, refused: 0 });
  });

  it('tracks presence from status messages and flags a device offline after its last will', async () => {
    const will = { topic: `${prefix}/devices/${ids.a2}/status`, payload: Buffer.from(JSON.stringify({ online: false })), qos: 1 as const, retain: true };
    const a2 = await device('a2', { will });
    const current = (await t.http.get(`/api/v1/devices/${ids.a2}/playlist`).set(as())).body.version;
    const status = { online: true, at: new Date().toISOString(), agentVersion: '1.0.0', playlistVersion: current, nowPlaying: null, volume: 70, diskFreeBytes: 5e9, uptimeS: 3600 };
    await a2.client.publishAsync(`${prefix}/devices/${ids.a2}/status`, JSON.stringify(status), { qos: 1, retain: true });
    const find = async () => ((await t.http.get(`/api/v1/devices?channelId=${ids.ch1}`).set(as())).body.items as Array<Record<string, unknown>>).find((d) => d.id === ids.a2)!;
    const online = await eventually(async () => {
      const d = await find();
      return d.online && d;
    }, 10_000, 'online');
    expect(online).toMatchObject({ online: true, volume: 70, agentVersion: '1.0.0', playlistVersion: current, currentVersion: current, flags: [] });
    // later, on a newer playlist the device has not acknowledged, it is flagged
    const presence = t.app.get(PresenceService);
    await addRelay('ch1', '20:00', '20:30');
    await eventually(async () => (await find()).currentVersion !== current, 10_000, 'new version');
    const later = (await presence.list(SYSTEM_ACTOR, { channelId: ids.ch1 }, new Date(Date.now() + 3600_000))).find((d) => d.id === ids.a2)!;
    expect(later.flags).toContain('oldPlaylist');

    a2.client.stream.destroy(); // power cut: the broker publishes the last will
    const offline = await eventually(async () => {
      const d = await find();
      return !d.online && d;
    }, 15_000, 'offline after last will');
    expect(offline.flags).toContain('offline');
    const flagged = (await t.http.get(`/api/v1/devices?flagged=true&unitId=${ids['1']}`).set(as())).body.items.map((d: { id: string }) => d.id);
    expect(flagged).toContain(ids.a2);
    expect((await t.http.get(`/api/v1/devices?flagged=maybe`).set(as())).status).toBe(400);
    const op = await t.login('op.b', 'mat-khau-dai-du');
    expect((await t.http.get(`/api/v1/devices?channelId=${ids.ch1}`).set(as(op))).status).toBe(404);
    expect((await t.http.get(`/api/v1/devices`).set(as(op))).body.items.map((d: { id: string }) => d.id)).toEqual([ids.b1]);
  });

  it('an emergency alert is retained on the channel while active and cleared when stopped', async () => {
    const a1 = await device('a1');
    await a1.client.subscribeAsync(`${prefix}/channels/${ids.ch1}/alert`, { qos: 1 });
    const started = await t.http.post('/api/v1/alerts').set(as()).send({ channelIds: [ids.ch1], title: 'Cảnh báo lũ quét', source: 'relay', streamUrl: 'http://radio.tinh.vn/khan-cap' });
    expect(started.status).toBe(201);
    const alert = await a1.inbox.waitFor(() => a1.inbox.json('/alert')[0], 10_000, 'alert');
    expect(alert).toEqual({ id: started.body.id, title: 'Cảnh báo lũ quét', priority: 100, startsAt: started.body.startsAt, streamUrl: 'http://radio.tinh.vn/khan-cap' });
    // a device that connects later finds it retained
    const late = await device('a2');
    await late.client.subscribeAsync(`${prefix}/channels/${ids.ch1}/alert`, { qos: 1 });
    await late.inbox.waitFor(() => late.inbox.messages.find((m) => m.retain && m.text.includes(started.body.id)), 10_000, 'retained alert');

    const second = await t.http.post('/api/v1/alerts').set(as()).send({ channelIds: [ids.ch1, ids.ch2], title: 'Khác', source: 'relay', streamUrl: 'http://radio.tinh.vn/2' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('ALERT_ACTIVE');
    expect((await t.http.get('/api/v1/alerts?active=true').set(as())).body.items.map((a: { id: string }) => a.id)).toEqual([started.body.id]); // nothing half-written
    const op = await t.login('op.b', 'mat-khau-dai-du');
    expect((await t.http.post(`/api/v1/alerts/${started.body.id}/stop`).set(as(op))).status).toBe(404);

    const stopped = await t.http.post(`/api/v1/alerts/${started.body.id}/stop`).set(as());
    expect(stopped.status).toBe(200);
    await a1.inbox.waitFor(() => a1.inbox.messages.find((m) => m.topic.endsWith('/alert') && m.text === ''), 10_000, 'cleared alert');
    expect((await t.http.post(`/api/v1/alerts/${started.body.id}/stop`).set(as())).body.code).toBe('ALERT_STOPPED');
    const audit = await t.app.get(DataSource).query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [started.body.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['alert.start', 'alert.stop']);
  });

  it('refuses bad alerts with the field named', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ channelIds: [ids.ch2], title: 'x', source: 'relay' }, 400, 'streamUrl'],
      [{ channelIds: [ids.ch2], title: 'x', source: 'program' }, 400, 'programId'],
      [{ channelIds: [ids.ch2], title: 'x', source: 'recording' }, 400, 'mediaAssetId'],
      [{ channelIds: [], title: 'x', source: 'relay', streamUrl: 'http://a/b' }, 400, 'channelIds'],
      [{ channelIds: [ids.ch2], title: 'x', source: 'relay', streamUrl: 'http://a/b', endsAt: '2020-01-01T00:00:00Z' }, 400, 'endsAt'],
      [{ channelIds: [ids.ch2], title: 'x', source: 'relay', streamUrl: 'ftp://a/b' }, 400, 'streamUrl'],
    ];
    for (const [body, status, field] of cases) {
      const res = await t.http.post('/api/v1/alerts').set(as()).send(body);
      expect([res.status, res.body.fields?.[0]?.field]).toEqual([status, field]);
      expect(res.body.message).toMatch(/[ạảãáàâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]|phải|là/);
    }
    const op = await t.login('op.b', 'mat-khau-dai-du');
    expect((await t.http.post('/api/v1/alerts').set(as(op)).send({ channelIds: [ids.ch1], title: 'x', source: 'relay', streamUrl: 'http://a/b' })).status).toBe(404);
    expect(await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM alerts`)).toEqual([{ n: 1 }]);
  });

  it('an alert to a whole unit in one choice: says first how many loudspeakers and devices it reaches, then plays on all of them', async () => {
    const reach = await t.http.get('/api/v1/alerts/reach').query({ unitId: ids['38'] }).set(as());
    const [{ devices }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS devices FROM devices WHERE channel_id = ANY($1::uuid[]) AND revoked_at IS NULL`, [[ids.ch1, ids.ch2]]);
    expect(reach.body).toEqual({ unitId: ids['38'], channels: 2, devices });
    const b1 = await device('b1');
    await b1.client.subscribeAsync(`${prefix}/channels/${ids.ch2}/alert`, { qos: 1 });
    const started = await t.http.post('/api/v1/alerts').set(as()).send({ unitId: ids['38'], title: 'Bão số 3 đổ bộ', source: 'relay', streamUrl: 'http://radio.tinh.vn/bao' });
    expect(started.status).toBe(201);
    expect([...started.body.channelIds].sort()).toEqual([ids.ch1, ids.ch2].sort());
    await b1.inbox.waitFor(() => b1.inbox.json('/alert').find((a) => a.id === started.body.id), 10_000, 'alert on the second commune');
    // both, or neither: refused with the field named; a commune operator cannot reach the province
    for (const body of [{ unitId: ids['38'], channelIds: [ids.ch1] }, {}]) {
      const res = await t.http.post('/api/v1/alerts').set(as()).send({ ...body, title: 'x', source: 'relay', streamUrl: 'http://a/b' });
      expect([res.status, res.body.fields?.[0]?.field]).toEqual([400, 'channelIds']);
    }
    const op = await t.login('op.b', 'mat-khau-dai-du');
    expect((await t.http.get('/api/v1/alerts/reach').query({ unitId: ids['38'] }).set(as(op))).status).toBe(404);
    expect((await t.http.get('/api/v1/alerts/reach').query({ unitId: ids['2'] }).set(as(op))).body).toMatchObject({ channels: 1 });
    expect((await t.http.post(`/api/v1/alerts/${started.body.id}/stop`).set(as())).status).toBe(200);
  });

  it('takes a device of the channel\'s kind only: clusters and integration boxes (wired / FM stations) on loudspeakers, players on LED boards', async () => {
    const board = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: ids['1'], name: 'Bảng LED', kind: 'display', windows: [] })).body.id;
    const wrong = [[ids.ch1, 'led'], [board, 'speaker'], [board, 'integration']] as const;
    for (const [channel, kind] of wrong) {
      const res = await t.http.post(`/api/v1/channels/${channel}/devices`).set(as()).send({ name: 'x', kind });
      expect([res.status, res.body.code, res.body.fields?.[0]?.field]).toEqual([422, 'WRONG_KIND', 'kind']);
    }
    const fm = await t.http.post(`/api/v1/channels/${ids.ch1}/devices`).set(as()).send({ name: 'Đài FM xã (bộ tích hợp)', kind: 'integration', lat: 20.33, lng: 104.85 });
    expect([fm.status, fm.body.device.kind]).toEqual([201, 'integration']);
    expect((await t.http.post(`/api/v1/channels/${board}/devices`).set(as()).send({ name: 'Bảng LED chợ', kind: 'led' })).status).toBe(201);
    // the integration box gets the channel's playlist like a cluster
    let playlist: { status: number; body: { channelId?: string; deviceId?: string } } = { status: 0, body: {} };
    for (let i = 0; i < 50 && playlist.status !== 200; i++) {
      playlist = await t.http.get(`/api/v1/devices/${fm.body.device.id}/playlist`).set({ Authorization: `Bearer ${fm.body.token}` });
      if (playlist.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect([playlist.status, playlist.body.channelId, playlist.body.deviceId]).toEqual([200, ids.ch1, fm.body.device.id]);
  });

  it('sends commands to one device', async () => {
    const a1 = await device('a1');
    await a1.client.subscribeAsync(`${prefix}/devices/${ids.a1}/commands`, { qos: 1 });
    const sent = await t.http.post(`/api/v1/devices/${ids.a1}/commands`).set(as()).send({ type: 'volume', volume: 40 });
    expect(sent.status).toBe(202);
    const cmd = await a1.inbox.waitFor(() => a1.inbox.json('/commands')[0], 10_000, 'command');
    expect(cmd).toEqual({ id: sent.body.id, type: 'volume', args: { volume: 40 }, issuedAt: sent.body.issuedAt });
    expect(a1.inbox.messages[0].retain).toBe(false);
    expect((await t.http.post(`/api/v1/devices/${ids.a1}/commands`).set(as()).send({ type: 'volume' })).body.fields[0].field).toBe('volume');
    expect((await t.http.post(`/api/v1/devices/${ids.a1}/commands`).set(as()).send({ type: 'volume', volume: 140 })).status).toBe(400);
    expect((await t.http.post(`/api/v1/devices/${ids.a1}/commands`).set(as()).send({ type: 'selfdestruct' })).status).toBe(400);
    const op = await t.login('op.b', 'mat-khau-dai-du');
    expect((await t.http.post(`/api/v1/devices/${ids.a1}/commands`).set(as(op)).send({ type: 'sync' })).status).toBe(404);
  });
});
