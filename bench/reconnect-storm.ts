/**
 * Reconnect storms, as a province's fleet lives them (issue #16):
 *  1. N devices (real MQTT connections from a separate load process, bench/support/storm-devices.ts)
 *     hold their retained playlists from a Mosquitto of the benchmark's own; the broker is killed and
 *     restarted having forgotten everything (no persistence file), the devices reconnect over ~10 s on
 *     their own schedules: per device, the time from its reconnection to holding its current playlist
 *     again (the service notices the forgetful broker and publishes every playlist again) —
 *     beside the same storm when the broker kept its retained messages (stopped with SIGTERM, which
 *     saves them): the broker alone, the limit of the machine;
 *  2. the service restarted (cold caches), every device pulls its playlist once over HTTP with
 *     If-None-Match: the rate, beside the same pulls again once the caches are warm (the 304 fast path).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx ts-node --transpile-only bench/reconnect-storm.ts [devices=19900] [channels=660]
 *   (without DATABASE_URL an embedded PostgreSQL; Mosquitto must be installed)
 */
import 'reflect-metadata';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/infrastructure/config/app-config';
import { JsonLogger } from '../src/infrastructure/logging/json-logger';
import { startRuntime } from '../src/infrastructure/runtime';
import { freePort } from '../test/support/free-port';
import { OwnMosquitto } from '../test/support/own-mosquitto';
import { benchDatabase, deviceToken, seedFleet } from './support/fleet';
import { peakRssLine, phaseRss } from './support/peak-rss';
import { reproduceLine, scriptArgs } from './support/script';

// 19,900, not 20,000: one process may hold 20,000 descriptors on the development machine (hard limit), and
// Mosquitto holds every device's connection and the service's in one
const DEVICES = Number(process.argv[2] ?? 19_900);
const CHANNELS = Number(process.argv[3] ?? 660);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

/** The load process: lines in, JSON lines out. */
function loadProcess(brokerUrl: string, file: string): { send: (line: string) => void; next: () => Promise<Record<string, number | boolean | string>>; child: ChildProcess } {
  const child = spawn(process.execPath, [...scriptArgs(__dirname, 'support/storm-devices'), brokerUrl, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    send: (line) => child.stdin!.write(`${line}\n`),
    next: async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error('the load process ended');
      return JSON.parse(value);
    },
  };
}

async function startService(env: Record<string, string>): Promise<{ app: INestApplication; base: string }> {
  const config = loadConfig(env);
  const runtime = await startRuntime(config);
  const app = await createApp(config, runtime, new JsonLogger('error'));
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}

async function main() {
  const database = await benchDatabase(54396);
  const dir = mkdtempSync(join(tmpdir(), 'bcast-storm-'));
  chmodSync(dir, 0o777);
  // persistence on, saved when it stops and not in between; as many connections in flight as the fleet
  const broker = new OwnMosquitto(dir, await freePort(), true, ['autosave_interval 0', 'max_inflight_messages 0']);
  await broker.start();
  const brokerUrl = broker.url;
  const env: Record<string, string> = {
    DATABASE_URL: database.url, MQTT_URL: brokerUrl, TOKEN_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'bench-password', MEDIA_WORKERS: '0',
    DATA_DIR: dir, LOG_LEVEL: 'error', INSTANCE_ID: `bench-${randomBytes(3).toString('hex')}`, MQTT_TOPIC_PREFIX: `storm${randomBytes(3).toString('hex')}/v1`,
  };
  let service = await startService(env);
  const db = new Client({ connectionString: database.url });
  await db.connect();

  console.log(`seeding ${fmt(CHANNELS)} channels and ${fmt(DEVICES)} devices, two airings a day for a week…`);
  await seedFleet(db, CHANNELS, DEVICES);
  await db.query(`SELECT mark_playlists_changed(ARRAY(SELECT id FROM channels))`);
  await waitUntil(async () => (await db.query(`SELECT (SELECT count(*) FROM devices WHERE published_version IS NULL) + (SELECT count(*) FROM playlist_changes) AS n`)).rows[0].n === '0', 300_000, 'all published');
  const fleet: Array<{ id: string; n: number; version: string }> = (await db.query(
    `SELECT d.id, (regexp_replace(d.name, '\\D', '', 'g'))::int AS n, cp.version FROM devices d JOIN channel_playlists cp USING (channel_id) ORDER BY d.id`,
  )).rows;
  const devicesFile = join(dir, 'storm-devices.json');
  writeFileSync(devicesFile, JSON.stringify(fleet.map((d) => ({ topic: `${env.MQTT_TOPIC_PREFIX}/devices/${d.id}/playlist`, version: Number(d.version) }))));

  console.log(`  seeded and published ${phaseRss()}`);
  console.log(`connecting ${fmt(DEVICES)} devices from a separate process…`);
  const load = loadProcess(brokerUrl, devicesFile);
  const connected = await load.next();
  console.log(`  ${fmt(Number(connected.holding))} of ${fmt(DEVICES)} hold their playlist ${connected.seconds} s after the first connection (load process RSS ${connected.rssMb} MB) ${phaseRss()}`);

  const storm = async (name: string, restart: () => Promise<void>) => {
    load.send('storm');
    await sleep(200);
    await restart();
    const r = await load.next();
    console.log(`  ${name}: ${fmt(Number(r.reconnected))} reconnected within ${Number(r.reconnectedWithinS).toFixed(1)} s, ${fmt(Number(r.holding))} hold their current playlist again; from reconnection to holding it p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms; ${fmt(Number(r.within5s))} within 5 s ${phaseRss()}`);
    return r;
  };
  console.log(`\n1. broker restarts under ${fmt(DEVICES)} connected devices (each reconnects after a random 0.5–10 s)`);
  const forgot = await storm('broker killed and restarted without its retained messages (the service publishes them again)', async () => {
    await broker.stop('SIGKILL');
    rmSync(join(dir, 'mosquitto.db'), { force: true });
    await broker.start();
  });
  const kept = await storm('raw: broker stopped and restarted with its retained messages (the broker alone)', async () => {
    await broker.stop('SIGTERM');
    await broker.start();
  });
  console.log(`  p99 ratio service / broker alone: ${(Number(forgot.p99Ms) / Math.max(1, Number(kept.p99Ms))).toFixed(1)}; goal p99 ≤ 5 s with a forgetful broker: ${Number(forgot.p99Ms) <= 5000 && forgot.complete ? 'met' : 'NOT met'}`);

  console.log(`\n2. the service restarted: every device pulls its playlist once (If-None-Match, 64 keep-alive connections, separate process)`);
  const pulls = join(dir, 'pull-devices.json');
  writeFileSync(pulls, JSON.stringify(fleet.map((d) => ({ id: d.id, token: deviceToken(d.n), etag: `"${d.version}"` }))));
  await service.app.close();
  service = await startService(env);
  const pull = async () => JSON.parse((await promisify(execFile)(process.execPath, [...scriptArgs(__dirname, 'pull-load'), service.base, 'once', '64', pulls], { maxBuffer: 1 << 20 })).stdout.trim().split('\n').pop()!);
  const cold = await pull();
  const warm = await pull();
  const rate = (r: { counts: Record<string, number>; seconds: number }) => (r.counts['304'] ?? 0) / r.seconds;
  console.log(`  cold caches (first pull after the restart): ${fmt(cold.counts['304'] ?? 0)} in ${cold.seconds.toFixed(2)} s = ${fmt(rate(cold))} answered 304 per second (p50 ${cold.p50.toFixed(1)} ms, p99 ${cold.p99.toFixed(1)} ms; ${JSON.stringify(cold.counts)})`);
  console.log(`  raw: warm caches, the same pulls again: ${fmt(warm.counts['304'] ?? 0)} in ${warm.seconds.toFixed(2)} s = ${fmt(rate(warm))} per second (p50 ${warm.p50.toFixed(1)} ms, p99 ${warm.p99.toFixed(1)} ms; ${JSON.stringify(warm.counts)})`);
  console.log(`  cold / warm rate: ${(rate(cold) / rate(warm)).toFixed(2)} ${phaseRss()}`);

  load.send('end');
  await new Promise((r) => load.child.once('exit', r));
  console.log(peakRssLine());
  console.log(`\n${reproduceLine('reconnect-storm', [DEVICES, CHANNELS], ['DATABASE_URL'])}`);
  await db.end();
  await service.app.close();
  await broker.stop('SIGTERM');
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
