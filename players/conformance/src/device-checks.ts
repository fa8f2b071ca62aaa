import { ChildProcess, spawn } from 'node:child_process';
import { connectAsync, MqttClient } from 'mqtt';
import { MediaHost } from './media-host';
import { portOf, Relay } from './relay';
import type { CheckResult } from './report';
import { ServiceApi, StoredEvent } from './service-api';
import { testWav } from './test-audio';

export interface DeviceRunOptions {
  api: ServiceApi;
  brokerUrl: string;
  topicPrefix: string;
  /** Where the runner registers its test channel and device (a commune the token's user may edit). */
  unitId: string;
  /** The service's own broker account: lets the runner publish playlists a server could (older, corrupt) to see the device refuse them. */
  serverMqtt?: { username: string; password: string };
  /** Starts the device under test; {deviceId} {token} {serverUrl} {brokerUrl} {topicPrefix} are filled in. Without it the runner prints them and waits. */
  deviceCommand?: string;
  /** How far a start may be from `startsAt` (the protocol's stated tolerance). */
  onTimeToleranceMs?: number;
  log?: (line: string) => void;
}

export interface DeviceRun {
  deviceId: string;
  protocol: string | null;
  features: string[];
  results: CheckResult[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: () => Promise<T | undefined | null | false>, ms: number, every = 500): Promise<T | null> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what().catch(() => null);
    if (v) return v;
    if (Date.now() > end) return null;
    await sleep(every);
  }
}

/**
 * Checks a device under test against the real service, one promise of the protocol at a time:
 * it registers a channel and the device, uploads a test program, schedules it, and reads what the
 * device did from the service (presence, stored events); with the service's broker account it also
 * plays the server's part (an older playlist, a corrupt file) to see the device refuse.
 */
export async function checkDevice(o: DeviceRunOptions): Promise<DeviceRun> {
  const log = o.log ?? (() => undefined);
  const results: CheckResult[] = [];
  const record = (id: string, promise: string, outcome: CheckResult['outcome'], detail: string) => {
    results.push({ id, promise, outcome, detail });
    log(`${outcome.toUpperCase()} ${id}: ${detail}`);
  };
  const tolerance = o.onTimeToleranceMs ?? 2000;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');

  // ---- set-up through the API ----------------------------------------------------------------
  const channel = await o.api.call<{ id: string }>('POST', '/api/v1/channels', { unitId: o.unitId, name: `Kiểm tra tương thích ${stamp}`, kind: 'audio', windows: [] });
  const registered = await o.api.call<{ device: { id: string }; token: string }>('POST', `/api/v1/channels/${channel.id}/devices`, { name: `Thiết bị kiểm tra ${stamp}`, kind: 'speaker' });
  const deviceId = registered.device.id;
  const form = new FormData();
  form.append('unitId', o.unitId);
  form.append('file', new Blob([new Uint8Array(testWav(20))], { type: 'audio/wav' }), 'conformance.wav');
  const asset = await o.api.call<{ id: string }>('POST', '/api/v1/media-assets/audio', form);
  const ready = await until(async () => {
    const a = await o.api.call<{ status: string; sha256: string; durationMs: number }>('GET', `/api/v1/media-assets/${asset.id}`);
    return a.status === 'ready' && a;
  }, 120_000);
  if (!ready) throw new Error('the test program was not processed within 2 minutes');
  // a device the runner starts reaches the service and the broker through relays the runner can cut
  const relays = o.deviceCommand ? { server: await new Relay(new URL(o.api.baseUrl).hostname, portOf(o.api.baseUrl)).start(), broker: await new Relay(new URL(o.brokerUrl).hostname, portOf(o.brokerUrl)).start() } : null;
  const placeholders: Record<string, string> = { deviceId, token: registered.token, serverUrl: relays ? relays.server.url(o.api.baseUrl) : o.api.baseUrl, brokerUrl: relays ? relays.broker.url(o.brokerUrl) : o.brokerUrl, topicPrefix: o.topicPrefix };
  let child: ChildProcess | null = null;
  if (o.deviceCommand) {
    const command = o.deviceCommand.replace(/\{(\w+)\}/g, (m, k: string) => placeholders[k] ?? m);
    child = spawn('sh', ['-c', `exec ${command}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => log(`device: ${String(d).trim()}`));
    child.stderr?.on('data', (d) => log(`device: ${String(d).trim()}`));
  } else {
    log(`configure the device under test with: deviceId ${deviceId}, token ${registered.token}, server ${o.api.baseUrl}, broker ${o.brokerUrl}, topic prefix ${o.topicPrefix}`);
  }
  const device = () => o.api.device(channel.id, deviceId);
  const events = (type: string, entryId?: string) => o.api.events(deviceId).then((es) => es.filter((e) => e.type === type && (!entryId || e.entryId === entryId)));
  // entries never overlap on a channel: each starts after the one placed before it has ended
  let free = 0;
  const announce = async (inS: number, lengthS: number, title: string) => {
    const start = new Date(Math.ceil(Math.max(Date.now() + inS * 1000, free + 1000) / 1000) * 1000);
    free = start.getTime() + lengthS * 1000;
    const e = await o.api.call<{ id: string }>('POST', `/api/v1/channels/${channel.id}/entries`, { kind: 'announcement', mediaAssetId: asset.id, title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + lengthS * 1000).toISOString() });
    return { id: e.id, startsAt: start };
  };

  try {
    // ---- presence ----------------------------------------------------------------------------
    const t0 = Date.now();
    const online = await until(async () => (await device())?.online, o.deviceCommand ? 60_000 : 600_000);
    record('status.online', 'a device publishes a retained status {"online": true} on its status topic when it connects', online ? 'pass' : 'fail', online ? `online ${((Date.now() - t0) / 1000).toFixed(1)} s after it was started` : 'no online status within the time allowed');
    if (!online) return { deviceId, protocol: null, features: [], results };
    const seen = await until(async () => {
      const d = await device();
      return d?.protocol && d;
    }, 10_000);
    record('status.protocol', 'a device announces the protocol it speaks and its optional features in its status (added within v1)', seen ? 'pass' : 'fail', seen ? `announces ${seen.protocol}${seen.features.length ? ` (${seen.features.join(', ')})` : ''}` : 'no "protocol" in its status');

    // ---- playlist, media, time ---------------------------------------------------------------
    const first = await announce(15, 30, 'Conformance: on time');
    const applied = await until(async () => {
      const d = await device();
      return d && d.currentVersion !== null && d.playlistVersion === d.currentVersion && d;
    }, 15_000);
    const held = applied || (await device());
    record('playlist.applied', 'a device takes the retained playlist and acknowledges its version in its status', applied ? 'pass' : 'fail', applied ? `acknowledged version ${applied.playlistVersion}` : `status still says version ${held?.playlistVersion ?? 'none'} of ${held?.currentVersion}`);
    const started = await until(async () => (await events('play.started', first.id))[0], first.startsAt.getTime() - Date.now() + 15_000);
    const late = started ? Date.parse(started.at) - first.startsAt.getTime() : null;
    record('play.onTime', `an entry starts at startsAt by the device clock, reported by play.started within ±${tolerance / 1000} s`, late !== null && Math.abs(late) <= tolerance ? 'pass' : 'fail', late === null ? 'no play.started for the entry' : `started ${late >= 0 ? '+' : ''}${late} ms from startsAt`);
    const completed = await until(async () => (await events('play.completed', first.id))[0], 45_000);
    record('play.completed', 'a device reports play.completed when the file has played to its end (within the airing)', completed ? 'pass' : 'fail', completed ? `completed at ${completed.at}` : 'no play.completed for the entry');

    // ---- the server's part, played by the runner ------------------------------------------------
    if (!o.serverMqtt) {
      for (const id of ['playlist.neverOlder', 'media.rangeResume', 'media.integrity']) record(id, 'needs the service broker account (--server-mqtt-username/--server-mqtt-password)', 'skip', 'not run: the runner cannot publish as the server');
    } else {
      const mqtt = await connectAsync(o.brokerUrl, { ...o.serverMqtt, clientId: `bcast-conformance-${stamp}-${Math.random().toString(16).slice(2, 8)}`, protocolVersion: 4, reconnectPeriod: 0 });
      try {
        await versionAndIntegrity(o, mqtt, deviceId, channel.id, asset.id, events, device, record);
      } finally {
        await mqtt.endAsync(true).catch(() => undefined);
      }
    }

    // ---- alert ---------------------------------------------------------------------------------
    const playing = await announce(6, 40, 'Conformance: pre-empted');
    await until(async () => (await events('play.started', playing.id))[0], playing.startsAt.getTime() - Date.now() + 15_000);
    const alert = await o.api.call<Array<{ id: string }> | { id: string }>('POST', '/api/v1/alerts', { channelIds: [channel.id], title: 'Conformance: alert', source: 'recording', mediaAssetId: asset.id });
    const alertIds = (Array.isArray(alert) ? alert : [alert]).map((a) => a.id);
    const played = await until(async () => (await events('alert.played'))[0], 45_000);
    const preempted = (await events('play.failed', playing.id))[0];
    record('alert.preempts', 'an active alert pre-empts what plays (reported play.failed) and is reported alert.played once played', played && preempted ? 'pass' : 'fail', played && preempted ? `the entry playing was pre-empted (${String(preempted.detail?.reason ?? 'reported')}); alert played at ${played.at}` : !played ? 'no alert.played' : 'the entry playing was not reported pre-empted');
    for (const id of alertIds) await o.api.call('POST', `/api/v1/alerts/${id}/stop`).catch(() => undefined);
    const after = await announce(8, 8, 'Conformance: after the alert');
    // (it starts once the pre-empted entry's slot is over: wait from its start, not from now)
    const resumed = await until(async () => (await events('play.started', after.id))[0], after.startsAt.getTime() - Date.now() + 15_000);
    const resumedLate = resumed ? Date.parse(resumed.at) - after.startsAt.getTime() : null;
    record('alert.resumes', 'when the alert is over the schedule resumes: the next entry starts on time', resumedLate !== null && Math.abs(resumedLate) <= tolerance ? 'pass' : 'fail', resumedLate === null ? 'the entry after the alert did not start' : `the entry after the alert started ${resumedLate >= 0 ? '+' : ''}${resumedLate} ms from startsAt`);

    // ---- offline: plays on time, keeps its events, sends them when back ---------------------------
    if (!relays) record('events.backlog', 'a device offline keeps playing on time and sends its queued events once back', 'skip', 'not run: the runner did not start the device (--device-command), so it cannot take it off the network');
    else {
      const before = (await device())?.currentVersion ?? 0;
      const offline = [await announce(20, 8, 'Conformance: offline 1'), await announce(32, 8, 'Conformance: offline 2')];
      // the device holds the playlist with both airings before it goes off the network
      await until(async () => {
        const d = await device();
        return d && d.currentVersion !== null && d.currentVersion > before && d.playlistVersion === d.currentVersion;
      }, 15_000);
      relays.server.cut();
      relays.broker.cut();
      await sleep(offline[1].startsAt.getTime() + 10_000 - Date.now());
      const back = Date.now();
      relays.server.restore();
      relays.broker.restore();
      const drained = await until(async () => {
        const got = await Promise.all(offline.flatMap((e) => [events('play.started', e.id), events('play.completed', e.id)]));
        return got.every((g) => g.length === 1) && got;
      }, 90_000, 1000);
      const lateness = drained ? offline.map((e, k) => Date.parse(drained[k * 2][0].at) - e.startsAt.getTime()) : [];
      const onTime = lateness.every((l) => Math.abs(l) <= tolerance);
      record('events.backlog', 'a device offline keeps playing on time and sends its queued events once back, each once', drained && onTime ? 'pass' : 'fail', !drained ? 'the events of the airings played offline did not all arrive within 90 s of reconnecting' : `both airings played offline (${lateness.map((l) => `${l >= 0 ? '+' : ''}${l} ms`).join(', ')} from startsAt); 4 events arrived ${((Date.now() - back) / 1000).toFixed(0)} s after it was back, each once`);
    }

    // ---- last will -----------------------------------------------------------------------------
    if (!child) record('status.lastWill', 'a device sets the last will {"online": false} on its retained status topic', 'skip', 'not run: the runner did not start the device (--device-command)');
    else {
      child.kill('SIGKILL');
      const gone = Date.now();
      const offline = await until(async () => (await device())?.online === false, 15_000);
      record('status.lastWill', 'a device sets the last will {"online": false} on its retained status topic', offline ? 'pass' : 'fail', offline ? `offline ${((Date.now() - gone) / 1000).toFixed(1)} s after the device died` : 'still online 15 s after the device died: no last will');
    }
    const d = await device();
    return { deviceId, protocol: d?.protocol ?? null, features: d?.features ?? [], results };
  } finally {
    child?.kill('SIGKILL');
    await relays?.server.stop();
    await relays?.broker.stop();
  }
}

/**
 * Plays the server's part on the broker: an older playlist (a device applies only a higher version)
 * and a newer one whose file does not match its sha256 (a device never plays an unverified file);
 * then puts the service's own playlist back.
 */
async function versionAndIntegrity(
  o: DeviceRunOptions,
  mqtt: MqttClient,
  deviceId: string,
  channelId: string,
  assetId: string,
  events: (type: string, entryId?: string) => Promise<StoredEvent[]>,
  device: () => Promise<{ playlistVersion: number | null; currentVersion: number | null } | undefined>,
  record: (id: string, promise: string, outcome: CheckResult['outcome'], detail: string) => void,
): Promise<void> {
  const topic = `${o.topicPrefix}/devices/${deviceId}/playlist`;
  const current = await new Promise<Record<string, unknown> & { version: number; entries: Array<Record<string, unknown> & { media: Array<Record<string, unknown>> }> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no retained playlist for the device')), 10_000);
    mqtt.on('message', (t, payload) => {
      if (t !== topic || !payload.length) return;
      clearTimeout(timer);
      resolve(JSON.parse(payload.toString()));
    });
    void mqtt.subscribeAsync(topic, { qos: 1 });
  });
  await mqtt.unsubscribeAsync(topic);
  const media = current.entries.find((e) => e.media?.length)?.media[0];
  const fake = (version: number, startsInS: number, m: Record<string, unknown>) => {
    const start = new Date(Math.ceil((Date.now() + startsInS * 1000) / 1000) * 1000);
    const id = crypto.randomUUID();
    return { id, playlist: { ...current, version, generatedAt: new Date().toISOString(), entries: [{ id, kind: 'audio', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 15_000).toISOString(), priority: 20, title: 'Conformance: must not play', media: [m] }] } };
  };

  // an older version, with an entry soon: must be ignored
  const older = fake(current.version - 1, 6, media!);
  await mqtt.publishAsync(topic, JSON.stringify(older.playlist), { qos: 1, retain: true });
  await sleep(10_000);
  const playedOld = (await events('play.started', older.id)).length > 0;
  const held = (await device())?.playlistVersion;
  record('playlist.neverOlder', 'a device applies a playlist only if its version is higher than the one it holds', !playedOld && held === current.version ? 'pass' : 'fail', !playedOld && held === current.version ? `ignored version ${current.version - 1} while holding ${current.version}` : playedOld ? `played an entry of version ${current.version - 1} after holding ${current.version}` : `acknowledged version ${held} after holding ${current.version}`);
  await mqtt.publishAsync(topic, JSON.stringify(current), { qos: 1, retain: true });

  // a file whose download is cut off half way: the device asks for the rest (Range), not all again
  const host = await new MediaHost(testWav(20)).start();
  try {
    const later = fake(current.version + 1, 3600, { sha256: host.sha256, url: host.url, bytes: host.body.length, mime: 'audio/wav', durationMs: 20_000 });
    await mqtt.publishAsync(topic, JSON.stringify(later.playlist), { qos: 1, retain: true });
    for (let i = 0; i < 90 && !host.requests.some((r, k) => k > 0 && r.range); i++) await sleep(500);
    const resumed = host.requests.slice(1).find((r) => r.range);
    const from = resumed ? Number(/^bytes=(\d+)-/.exec(resumed.range!)?.[1] ?? 0) : 0;
    record('media.rangeResume', 'a download cut off is resumed with Range from the bytes already held', resumed && from > 0 ? 'pass' : 'fail', resumed ? `asked again with Range ${resumed.range} after ${host.body.length >> 1} of ${host.body.length} bytes` : host.requests.length > 1 ? `asked for the whole file again (${host.requests.length} requests, no Range)` : 'never asked again within 45 s');
  } finally {
    await host.stop();
  }

  // a newer version whose file does not match its sha256: must not be played
  const wrong = { ...media!, sha256: [...String(media!.sha256)].reverse().join('') };
  const corrupt = fake(current.version + 2, 8, wrong);
  await mqtt.publishAsync(topic, JSON.stringify(corrupt.playlist), { qos: 1, retain: true });
  await sleep(14_000);
  const playedCorrupt = (await events('play.started', corrupt.id)).length > 0;
  const refused = (await events('media.failed')).length > 0 || (await events('play.failed', corrupt.id)).length > 0;
  record('media.integrity', 'a device verifies each file against its sha256 and never plays one that does not match', !playedCorrupt ? 'pass' : 'fail', !playedCorrupt ? `did not play the file whose content does not match its sha256${refused ? ' (reported media.failed / play.failed)' : ''}` : 'played a file whose content does not match its sha256');
  // the service's own playlist back: changes until its version passes the one the runner made up
  for (let i = 0; i < 5 && ((await device())?.currentVersion ?? 0) <= current.version + 2; i++) {
    const start = new Date(Date.now() + 3600_000 * (i + 2));
    const e = await o.api.call<{ id: string }>('POST', `/api/v1/channels/${channelId}/entries`, { kind: 'announcement', mediaAssetId: assetId, title: 'Conformance: version', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 60_000).toISOString() });
    await o.api.call('POST', `/api/v1/entries/${e.id}/cancel`, {}).catch(() => undefined);
    await sleep(1000);
  }
}
