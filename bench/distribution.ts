/**
 * Distribution at country scale, in one run, through a real broker and real PostgreSQL:
 *  1. compile and publish retained playlists for 100,000 devices on 3,300 channels, beside the raw
 *     rate of the same broker for as many retained messages of the same size from a bare MQTT.js client;
 *  2. the time one channel's schedule change (over the HTTP API) takes to reach its devices;
 *  3. ingest of 1 million device events over MQTT (10 % sent twice) from devices in a separate load
 *     process (bench/support/event-senders.ts), beside the raw multi-row insert rate of the same PostgreSQL;
 *  4. device playlist pulls answered 304 per second (a separate load-generator process).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres MQTT_URL=mqtt://127.0.0.1:1883 \
 *     npx ts-node --transpile-only bench/distribution.ts [devices=100000] [channels=3300] [events=1000000]
 *   (without MQTT_URL the service's embedded broker is used; without DATABASE_URL an embedded PostgreSQL;
 *   BENCH_CPU_PROFILE=<dir> writes a CPU profile of the publish phase there)
 */
import 'reflect-metadata';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { connectAsync, MqttClient } from 'mqtt';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { DeviceIngest } from '../src/distribution/device-ingest';
import { PlaylistCompiler } from '../src/distribution/playlist-compiler';
import { PlaylistDistributor } from '../src/distribution/playlist-distributor';
import { loadConfig } from '../src/infrastructure/config/app-config';
import { JsonLogger } from '../src/infrastructure/logging/json-logger';
import { startRuntime } from '../src/infrastructure/runtime';
import { profilePhase } from './support/cpu-profile';
import { benchDatabase, deviceToken, seedFleet } from './support/fleet';
import { peakRssLine, phaseRss } from './support/peak-rss';
import { reproduceLine, scriptArgs } from './support/script';

/** A raw figure measured by bench/support/raw-figures.ts, in a process of its own; its JSON result. */
async function rawFigure(args: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, [...scriptArgs(__dirname, 'support/raw-figures'), ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const DEVICES = Number(process.argv[2] ?? 100_000);
const CHANNELS = Number(process.argv[3] ?? 3300);
const EVENTS = Number(process.argv[4] ?? 1_000_000);
const token = deviceToken;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

/** What to undo when the run ends, however it ends (last in, first out). */
const stops: Array<() => Promise<void>> = [];

async function main() {
  const database = await benchDatabase(54397);
  stops.push(database.drop);
  const dbUrl = new URL(database.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'bcast-bench-data-'));
  chmodSync(dataDir, 0o755);
  const env: Record<string, string> = { DATABASE_URL: dbUrl.toString(), TOKEN_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'bench-password', MEDIA_WORKERS: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error', EMBEDDED_MQTT_PORT: '18937', INSTANCE_ID: `bench-${randomBytes(3).toString('hex')}`, MQTT_TOPIC_PREFIX: `bench${randomBytes(3).toString('hex')}/v1` };
  if (process.env.MQTT_URL) env.MQTT_URL = process.env.MQTT_URL;
  const config = loadConfig(env);
  const runtime = await startRuntime(config);
  stops.push(runtime.stop);
  const brokerName = runtime.embedded.broker ? 'embedded Aedes broker' : `broker at ${config.MQTT_URL}`;
  const prefix = config.MQTT_TOPIC_PREFIX;
  const app = await createApp(config, runtime, new JsonLogger('error'));
  stops.push(() => app.close());
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const db = new Client({ connectionString: dbUrl.toString() });
  await db.connect();
  stops.push(() => db.end());
  const deviceConnect = (i: number | null, id?: string) =>
    connectAsync(runtime.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, clientId: `bench-${randomBytes(6).toString('hex')}`, ...(runtime.embedded.broker && id && i !== null ? { username: id, password: token(i) } : runtime.mqttCredentials ?? {}) });

  console.log(`seeding ${fmt(CHANNELS)} communes with one channel, ${fmt(DEVICES)} devices, two airings a day for a week per channel…`);
  await seedFleet(db, CHANNELS, DEVICES);
  // leave the broker as we found it, even after a failure: no retained playlists of this run
  stops.push(async () => {
    const cleaner = await deviceConnect(null);
    const all: string[] = (await db.query(`SELECT id FROM devices`)).rows.map((r: { id: string }) => r.id);
    let next = 0;
    const sender = async () => {
      while (next < all.length) await cleaner.publishAsync(`${prefix}/devices/${all[next++]}/playlist`, '', { qos: 1, retain: true });
    };
    await Promise.all(Array.from({ length: 2000 }, sender));
    await cleaner.endAsync();
  });
  await db.query(`DELETE FROM playlist_changes`); // the seed's marks: the timed run marks everything itself
  await db.query(`VACUUM ANALYZE`);

  // ---- 1. compile and publish for every device ----
  console.log(`\n1. compile and publish ${fmt(DEVICES)} retained playlists through the ${brokerName}`);
  await waitUntil(async () => (await db.query(`SELECT count(*)::int AS n FROM playlist_changes WHERE claimed_by IS NOT NULL`)).rows[0].n === 0, 60_000, 'seed compiles done');
  for (const stats of [app.get(PlaylistDistributor).stats, app.get(PlaylistCompiler).stats] as Array<Record<string, number>>) for (const k of Object.keys(stats)) stats[k] = 0;
  let t0 = performance.now();
  await profilePhase('publish', async () => {
    await db.query(`SELECT mark_playlists_changed(ARRAY(SELECT id FROM channels))`);
    await waitUntil(async () => (await db.query(`SELECT (SELECT count(*) FROM devices WHERE published_version IS NULL) + (SELECT count(*) FROM playlist_changes) AS n`)).rows[0].n === '0', 600_000, 'all published');
  });
  const publishS = (performance.now() - t0) / 1000;
  const ds = app.get(PlaylistDistributor).stats;
  const cs = app.get(PlaylistCompiler).stats;
  console.log(`   (compile: windows ${fmt(cs.windowsMs)} ms, entries ${fmt(cs.entriesMs)} ms, build ${fmt(cs.buildMs)} ms, store ${fmt(cs.storeMs)} ms)`);
  console.log(`   (distributor: ${ds.rounds} rounds, ${fmt(ds.channels)} channels; compile ${fmt(ds.compileMs)} ms, select devices ${fmt(ds.selectMs)} ms, publish ${fmt(ds.publishMs)} ms, record ${fmt(ds.recordMs)} ms)`);
  const [{ avg_bytes }] = (await db.query(`SELECT avg(octet_length(entries::text) + 330)::int AS avg_bytes FROM channel_playlists`)).rows;
  console.log(`   service: ${fmt(DEVICES)} playlists (avg ${fmt(avg_bytes)} bytes) compiled and published in ${publishS.toFixed(2)} s = ${fmt(DEVICES / publishS)} messages/s ${phaseRss()}`);
  // the bare client in a process of its own (bench/support/raw-figures.ts): its payloads are not the service's memory
  const rawS = (await rawFigure(['publish', runtime.mqttUrl, JSON.stringify(runtime.mqttCredentials ?? null), prefix, String(DEVICES), String(avg_bytes)])).seconds as number;
  console.log(`   bare MQTT.js client (a process of its own), same broker: ${fmt(DEVICES)} retained QoS 1 messages of ${fmt(avg_bytes)} bytes in ${rawS.toFixed(2)} s = ${fmt(DEVICES / rawS)} messages/s (service/raw time ratio ${(publishS / rawS).toFixed(2)}) ${phaseRss()}`);

  // ---- 2. one channel's change reaches its devices ----
  const [{ channel_id: channel }] = (await db.query(`SELECT channel_id FROM devices GROUP BY channel_id ORDER BY channel_id LIMIT 1`)).rows;
  const watched: Array<{ id: string; n: number }> = (await db.query(`SELECT id, (regexp_replace(name, '\\D', '', 'g'))::int AS n FROM devices WHERE channel_id = $1 ORDER BY id LIMIT 5`, [channel])).rows;
  const others: Array<{ id: string; n: number }> = (await db.query(`SELECT id, (regexp_replace(name, '\\D', '', 'g'))::int AS n FROM devices WHERE channel_id <> $1 ORDER BY id LIMIT 3`, [channel])).rows;
  const latest = new Map<string, number>();
  const clients: MqttClient[] = [];
  for (const d of [...watched, ...others]) {
    const client = await deviceConnect(d.n, d.id);
    client.on('message', (_t, buf) => buf.length && latest.set(d.id, JSON.parse(buf.toString()).version));
    await client.subscribeAsync(`${prefix}/devices/${d.id}/playlist`, { qos: 1 });
    clients.push(client);
  }
  await waitUntil(async () => latest.size === watched.length + others.length, 10_000, 'retained playlists');
  const othersBefore = others.map((o) => latest.get(o.id));
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password' }) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const latencies: number[] = [];
  for (let k = 0; k < 6; k++) {
    const before = Math.max(...watched.map((w) => latest.get(w.id)!));
    const day = new Date(Date.now() + (k + 1) * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10); // within the 7-day horizon
    t0 = performance.now();
    const res = await fetch(`${base}/api/v1/channels/${channel}/entries`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` }, body: JSON.stringify({ kind: 'relay', streamUrl: 'http://vov.vn/vov1', startsAt: `${day}T20:00:00+07:00`, endsAt: `${day}T20:30:00+07:00` }) });
    if (res.status !== 201) throw new Error(`entry: ${res.status} ${await res.text()}`);
    await waitUntil(async () => watched.every((w) => latest.get(w.id)! > before), 10_000, 'change reaches devices');
    latencies.push(performance.now() - t0);
    await sleep(200);
  }
  const untouched = others.every((o, i) => latest.get(o.id) === othersBefore[i]);
  console.log(`\n2. one channel's schedule change (POST entry over HTTP) → new playlist on all ${watched.length} watched devices of that channel: median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms over ${latencies.length} changes; devices of other channels got nothing: ${untouched} ${phaseRss()}`);
  await Promise.all(clients.map((cl) => cl.endAsync()));

  // ---- 3. ingest 1 million events ----
  const ingest = app.get(DeviceIngest);
  const senders: Array<{ id: string; n: number; channel: string }> = (await db.query(`SELECT id, (regexp_replace(name, '\\D', '', 'g'))::int AS n, channel_id AS channel FROM devices ORDER BY id LIMIT 200`)).rows;
  const perMessage = 50;
  const perDevice = Math.ceil(EVENTS / senders.length);
  const entryOf = new Map<string, string>(((await db.query(`SELECT DISTINCT ON (channel_id) channel_id, id FROM schedule_entries ORDER BY channel_id, starts_at`)).rows as Array<{ channel_id: string; id: string }>).map((r) => [r.channel_id, r.id]));
  const before = { ...ingest.stats };
  const at0 = Date.now() - 86_400_000;
  console.log(`\n3. ingest ${fmt(perDevice * senders.length)} events over MQTT from ${senders.length} devices in messages of ${perMessage} (their backlog after an outage), 10 % of messages sent twice`);
  // the devices run in a process of their own (bench/support/event-senders.ts): making the load does not
  // share the service's event loop. Closed loop: at most BACKLOG events published and not yet stored,
  // so the broker's queue for the service's sessions never overflows (Mosquitto drops QoS 1 messages
  // beyond max_queued_messages, 1000 per session by default; docker/mosquitto raises it for real outages).
  const BACKLOG = 100_000;
  const done = () => ingest.stats.stored - before.stored + ingest.stats.duplicates - before.duplicates;
  const planFile = join(dataDir, 'event-senders.json');
  writeFileSync(planFile, JSON.stringify({
    brokerUrl: runtime.mqttUrl, prefix, perDevice, perMessage, backlog: BACKLOG, at0,
    senders: senders.map((s) => ({ id: s.id, token: runtime.embedded.broker ? token(s.n) : null, entryId: entryOf.get(s.channel) })),
  }));
  const senderProcess = spawn(process.execPath, [...scriptArgs(__dirname, 'support/event-senders'), planFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  senderProcess.stdin!.on('error', () => undefined); // it exits once it has sent everything
  stops.push(async () => void senderProcess.kill());
  const lines = createInterface({ input: senderProcess.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => JSON.parse((await lines.next()).value as string) as { phase: string; events?: number; messages?: number };
  await nextLine(); // ready: connected
  const progress = setInterval(() => senderProcess.stdin!.write(`stored ${done()}\n`), 10);
  t0 = performance.now();
  senderProcess.stdin!.write('go\n');
  const sent = await nextLine();
  clearInterval(progress);
  const sentEvents = sent.events!;
  const sentMessages = sent.messages!;
  const distinct = perDevice * senders.length;
  await waitUntil(async () => done() >= sentEvents, 600_000, 'events stored');
  const ingestS = (performance.now() - t0) / 1000;
  const [{ n: storedRows }] = (await db.query(`SELECT count(*)::int AS n FROM play_events`)).rows;
  console.log(`   service: ${fmt(sentEvents)} events (${fmt(sentMessages)} messages) in ${ingestS.toFixed(1)} s = ${fmt(sentEvents / ingestS)} events/s; stored ${fmt(storedRows)} of ${fmt(distinct)} distinct (none lost: ${storedRows === distinct}), duplicates dropped ${fmt(ingest.stats.duplicates - before.duplicates)} ${phaseRss()}`);
  const statements = ingest.stats.statements - before.statements;
  console.log(`   (${fmt(statements)} statements of ${fmt(sentEvents / Math.max(1, statements))} events on average; the database held them ${((ingest.stats.storeMs - before.storeMs) / 1000).toFixed(1)} s of the ${ingestS.toFixed(1)} s)`);
  // raw multi-row insert, same PostgreSQL, same row shape (bench/support/raw-figures.ts, a process of its own)
  const rawFile = join(dataDir, 'raw-events.json');
  writeFileSync(rawFile, JSON.stringify({ at0, senders: senders.map((s) => ({ id: s.id, channel: s.channel, entryId: entryOf.get(s.channel) })) }));
  const { rows: rawRows, batch, seconds: rawInsertS } = await rawFigure(['events', dbUrl.toString(), rawFile]);
  console.log(`   raw multi-row INSERT (${batch} rows per statement) into a table like play_events: ${fmt(rawRows / rawInsertS)} rows/s (service/raw rate ratio ${(sentEvents / ingestS / (rawRows / rawInsertS)).toFixed(2)})`);

  // ---- 4. pulls answered 304 ----
  const sample: Array<{ id: string; n: number; version: string }> = (await db.query(`SELECT d.id, (regexp_replace(d.name, '\\D', '', 'g'))::int AS n, cp.version FROM devices d JOIN channel_playlists cp USING (channel_id) ORDER BY random() LIMIT 5000`)).rows;
  const file = join(dataDir, 'pull-devices.json');
  writeFileSync(file, JSON.stringify(sample.map((s) => ({ id: s.id, token: token(s.n), etag: `"${s.version}"` }))));
  const seconds = 10;
  // warm-up (a fleet polls all day: its tokens and channel versions are in the caches), not counted
  await promisify(execFile)(process.execPath, [...scriptArgs(__dirname, 'pull-load'), base, '3', '64', file], { maxBuffer: 1 << 20 });
  const { stdout } = await promisify(execFile)(process.execPath, [...scriptArgs(__dirname, 'pull-load'), base, String(seconds), '64', file], { maxBuffer: 1 << 20 });
  const load = JSON.parse(stdout.trim().split('\n').pop()!);
  console.log(`\n4. device playlist pulls with If-None-Match (5,000 devices, 64 keep-alive connections, ${seconds} s after a 3 s warm-up, separate process): ${fmt((load.counts['304'] ?? 0) / seconds)} answered 304 per second (p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms; ${JSON.stringify(load.counts)}) ${phaseRss()}`);

  console.log(peakRssLine());
  console.log(`\n${reproduceLine('distribution', [DEVICES, CHANNELS, EVENTS], ['DATABASE_URL', 'MQTT_URL'])}`);
}

async function undo(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch((err) => console.error('cleanup:', err));
}

main().then(
  async () => {
    await undo();
    process.exit(0);
  },
  async (err) => {
    console.error(err);
    await undo();
    process.exit(1);
  },
);
