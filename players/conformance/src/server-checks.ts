import { randomUUID } from 'node:crypto';
import { connect, IClientOptions, MqttClient } from 'mqtt';
import type { CheckResult } from './report';
import type { ServiceApi } from './service-api';

export interface ServerRunOptions {
  api: ServiceApi;
  brokerUrl: string;
  topicPrefix: string;
  unitId: string;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Connects, or fails within `ms`: a broker may refuse by closing the socket without a CONNACK, on
 * which MQTT.js's connectAsync would wait for ever.
 */
function connectAsync(url: string, options: IClientOptions, ms = 8000): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect(url, options);
    const fail = (err: Error) => {
      clearTimeout(timer);
      client.end(true);
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error('no CONNACK')), ms);
    client.once('connect', () => (clearTimeout(timer), resolve(client)));
    client.once('error', fail);
    client.once('close', () => fail(new Error('connection closed before CONNACK')));
  });
}

/**
 * Checks a server against the protocol, the runner playing two devices it registers through the
 * API: authentication and ACL refusals, the retained playlist and its growing version, events
 * stored when acknowledged and stored once, per-item refusal over HTTP, the HTTP pull's ETag, the
 * alert over HTTP, presence from the status and the last will.
 */
export async function checkServer(o: ServerRunOptions): Promise<CheckResult[]> {
  const log = o.log ?? (() => undefined);
  const results: CheckResult[] = [];
  const record = (id: string, promise: string, pass: boolean, detail: string) => {
    results.push({ id, promise, outcome: pass ? 'pass' : 'fail', detail });
    log(`${pass ? 'PASS' : 'FAIL'} ${id}: ${detail}`);
  };
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const channel = await o.api.call<{ id: string }>('POST', '/api/v1/channels', { unitId: o.unitId, name: `Kiểm tra máy chủ ${stamp}`, kind: 'audio', windows: [] });
  const other = await o.api.call<{ id: string }>('POST', '/api/v1/channels', { unitId: o.unitId, name: `Kiểm tra máy chủ ${stamp} (2)`, kind: 'audio', windows: [] });
  const a = await o.api.call<{ device: { id: string }; token: string }>('POST', `/api/v1/channels/${channel.id}/devices`, { name: `Thiết bị A ${stamp}`, kind: 'speaker' });
  const b = await o.api.call<{ device: { id: string }; token: string }>('POST', `/api/v1/channels/${other.id}/devices`, { name: `Thiết bị B ${stamp}`, kind: 'speaker' });
  const topic = (id: string, name: string) => `${o.topicPrefix}/devices/${id}/${name}`;
  const options = (id: string, password: string, extra: Partial<IClientOptions> = {}): IClientOptions => ({ username: id, password, clientId: id, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...extra });
  const relay = (inH: number) => {
    const start = new Date(Date.now() + inH * 3600_000);
    return o.api.call<{ id: string }>('POST', `/api/v1/channels/${channel.id}/entries`, { kind: 'relay', title: 'Kiểm tra tiếp âm', streamUrl: 'https://stream.example.vn/live', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 600_000).toISOString() });
  };
  const stored = async (deviceId: string, eventId: string) => {
    const events = await o.api.call<{ events: Array<{ type: string; detail: Record<string, unknown> | null; at: string }> }>('GET', `/api/v1/devices/${deviceId}/activity`);
    return events.events.filter((e) => (e.detail as { probe?: string } | null)?.probe === eventId).length;
  };

  // ---- authentication -------------------------------------------------------------------------
  const refused = await connectAsync(o.brokerUrl, options(a.device.id, `${a.token}x`)).then(
    async (c) => (await c.endAsync(true), false),
    () => true,
  );
  record('auth.wrongToken', 'the broker refuses a device that connects with a wrong token', refused, refused ? 'CONNECT with a wrong token refused' : 'connected with a wrong token');

  // ---- the playlist ---------------------------------------------------------------------------
  await relay(2);
  const will = { topic: topic(a.device.id, 'status'), payload: Buffer.from(JSON.stringify({ online: false })), qos: 1 as const, retain: true };
  const client: MqttClient = await connectAsync(o.brokerUrl, options(a.device.id, a.token, { will }));
  const playlists: Array<{ version: number; deviceId: string; protocol: string }> = [];
  client.on('message', (t, payload) => {
    if (t === topic(a.device.id, 'playlist') && payload.length) playlists.push(JSON.parse(payload.toString()));
  });
  await client.subscribeAsync(topic(a.device.id, 'playlist'), { qos: 1 });
  for (let i = 0; i < 20 && !playlists.length; i++) await sleep(250);
  const first = playlists[0];
  record('playlist.retained', 'a device subscribing to its playlist topic gets the retained playlist, stamped with its id', !!first && first.deviceId === a.device.id && first.protocol === 'bcast/v1', first ? `version ${first.version} for ${first.deviceId === a.device.id ? 'this device' : 'another device'}` : 'no retained playlist within 5 s');
  await relay(3);
  for (let i = 0; i < 20 && playlists.length < 2; i++) await sleep(250);
  const grown = playlists.length > 1 && playlists[playlists.length - 1].version > (first?.version ?? 0);
  record('playlist.versionGrows', 'a schedule change publishes a playlist with a higher version within seconds', grown, grown ? `version ${first?.version} → ${playlists[playlists.length - 1].version}` : 'no newer playlist within 5 s of a change');

  // ---- presence -------------------------------------------------------------------------------
  await client.publishAsync(topic(a.device.id, 'status'), JSON.stringify({ online: true, protocol: 'bcast/v1.1', features: ['conformance'] }), { qos: 1, retain: true });
  let online = false;
  for (let i = 0; i < 20 && !online; i++) online = (await o.api.device(channel.id, a.device.id).catch(() => undefined))?.online === true || (await sleep(250), false);
  record('status.presence', 'the service reads a device online from its status', online, online ? 'shown online' : 'not shown online within 5 s');

  // ---- events ---------------------------------------------------------------------------------
  const probe = randomUUID();
  const event = { eventId: probe, deviceId: a.device.id, type: 'playlist.applied', playlistVersion: first?.version ?? 1, at: new Date().toISOString(), detail: { probe } };
  await client.publishAsync(topic(a.device.id, 'events'), JSON.stringify([event]), { qos: 1 });
  const afterAck = await stored(a.device.id, probe);
  record('events.storedOnAck', 'acknowledged means stored: an event is in the service as soon as its PUBACK arrives', afterAck === 1, afterAck === 1 ? 'visible right after the PUBACK' : `${afterAck} stored right after the PUBACK`);
  await client.publishAsync(topic(a.device.id, 'events'), JSON.stringify([event, { ...event, at: new Date(Date.now() - 1000).toISOString() }]), { qos: 1 });
  const once = await stored(a.device.id, probe);
  record('events.idempotent', 'an event is stored once per (deviceId, eventId), whatever is sent again', once === 1, `${once} stored after sending it three times`);
  const res = await fetch(new URL(`/api/v1/devices/${a.device.id}/events`, o.api.baseUrl), { method: 'POST', headers: { Authorization: `Bearer ${a.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify([{ ...event, eventId: randomUUID(), type: 'play.paused' }, { ...event, eventId: randomUUID() }]) });
  const answer = (await res.json().catch(() => ({}))) as { accepted?: number; refused?: number; problems?: Array<{ field: string }> };
  const perItem = res.status === 200 && answer.accepted === 1 && answer.refused === 1 && !!answer.problems?.some((p) => p.field.startsWith('0.'));
  record('events.refusedPerItem', 'over HTTP a bad event is refused alone, named by position; the others are stored', perItem, `HTTP ${res.status} ${JSON.stringify(answer).slice(0, 160)}`);

  // ---- HTTP pull and alert --------------------------------------------------------------------
  const current = playlists[playlists.length - 1]?.version;
  const pull = await fetch(new URL(`/api/v1/devices/${a.device.id}/playlist`, o.api.baseUrl), { headers: { Authorization: `Bearer ${a.token}`, 'If-None-Match': `"${current}"` } });
  record('http.pull304', 'the HTTP pull answers 304 to the version the device holds (ETag)', pull.status === 304, `HTTP ${pull.status} for If-None-Match "${current}"`);
  const none = await fetch(new URL(`/api/v1/devices/${a.device.id}/alert`, o.api.baseUrl), { headers: { Authorization: `Bearer ${a.token}` } });
  record('alert.http', 'GET …/alert answers 204 when no alert is active on the device\'s channel', none.status === 204, `HTTP ${none.status}`);

  // ---- ACL ------------------------------------------------------------------------------------
  const granted = await client.subscribeAsync(topic(b.device.id, 'playlist'), { qos: 1 }).then((g) => g.map((x) => x.qos), () => [128]);
  const before = playlists.length;
  await sleep(1500);
  const leaked = playlists.length > before;
  record('acl.otherPlaylist', 'a device cannot read another device\'s playlist', !leaked, granted[0] === 128 ? 'SUBSCRIBE refused' : leaked ? 'received another device\'s playlist' : 'nothing delivered');
  const forged = randomUUID();
  // (a broker may close the connection of a device that publishes where it may not: that is a refusal too)
  await client.publishAsync(topic(b.device.id, 'events'), JSON.stringify([{ eventId: forged, deviceId: b.device.id, type: 'playlist.applied', at: new Date().toISOString(), detail: { probe: forged } }]), { qos: 1 }).catch(() => undefined);
  await sleep(1500);
  const forgedStored = await stored(b.device.id, forged);
  record('acl.otherEvents', 'a device cannot publish events as another device', forgedStored === 0, forgedStored ? 'an event published on another device\'s topic was stored' : 'not stored');
  await client.endAsync(true).catch(() => undefined);

  // ---- last will ------------------------------------------------------------------------------
  const again = await connectAsync(o.brokerUrl, options(a.device.id, a.token, { will }));
  await again.publishAsync(topic(a.device.id, 'status'), JSON.stringify({ online: true }), { qos: 1, retain: true });
  for (let i = 0; i < 20 && (await o.api.device(channel.id, a.device.id).catch(() => undefined))?.online !== true; i++) await sleep(250);
  (again as unknown as { stream: { destroy(): void } }).stream.destroy(); // the connection drops without DISCONNECT: the broker sends the will
  let offline = false;
  for (let i = 0; i < 40 && !offline; i++) offline = (await o.api.device(channel.id, a.device.id).catch(() => undefined))?.online === false || (await sleep(250), false);
  record('status.lastWill', 'a device whose connection drops is shown offline (its last will)', offline, offline ? 'shown offline' : 'still online 10 s after the connection dropped');
  await again.endAsync(true).catch(() => undefined);
  return results;
}
