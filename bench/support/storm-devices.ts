/**
 * Load process for bench/reconnect-storm.ts: N devices as real MQTT connections (MQTT.js, MQTT 3.1.1,
 * clean sessions, QoS 1 subscription to each one's retained playlist topic, as the player does),
 * each reconnecting on its own after a random 0.5–10 s when the broker goes away. Commands arrive on
 * stdin as lines, results leave on stdout as JSON lines:
 *   (start)  → {"phase":"connected", …} once every device holds its playlist
 *   "storm"  → {"phase":"storm", …} once every device has reconnected and holds its current playlist
 *              again (or after 120 s): per device, the time from its reconnection to holding it
 *
 *   node -r ts-node/register/transpile-only bench/support/storm-devices.ts <brokerUrl> <devices.json>
 *   devices.json: [{ "topic": "...", "version": 12 }, …]
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connect, MqttClient } from 'mqtt';

const [url, file] = process.argv.slice(2);
const devices: Array<{ topic: string; version: number }> = JSON.parse(readFileSync(file, 'utf8'));

interface Device {
  client: MqttClient;
  version: number;
  connectedAt: number;
  heldAt: number | null;
  reconnects: number;
}

const state: Device[] = [];
const quantile = (xs: number[], q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] : NaN);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

function open(i: number): Device {
  const d: Device = { client: null as unknown as MqttClient, version: devices[i].version, connectedAt: 0, heldAt: null, reconnects: -1 };
  d.client = connect(url, {
    clientId: `storm-${i}-${process.pid}`,
    protocolVersion: 4,
    clean: true,
    keepalive: 120,
    connectTimeout: 30_000,
    // a fleet does not come back in one instant: each device retries on its own schedule
    reconnectPeriod: 500 + Math.floor(Math.random() * 9500),
  });
  d.client.on('connect', () => {
    d.connectedAt = Date.now();
    d.heldAt = null;
    d.reconnects++;
    if (d.reconnects === 0) d.client.subscribe(devices[i].topic, { qos: 1 });
  });
  d.client.on('message', (_topic, payload) => {
    if (!payload.length || d.heldAt !== null) return;
    const version = Number((JSON.parse(payload.toString('utf8')) as { version: number }).version);
    if (version >= d.version) d.heldAt = Date.now();
  });
  d.client.on('error', () => undefined);
  return d;
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  // connections opened 1,000 at a time, as fast as the broker accepts them
  for (let i = 0; i < devices.length; i++) {
    state.push(open(i));
    if (i % 1000 === 999) await waitFor(() => state.every((d) => d.reconnects >= 0), 60_000);
  }
  const all = await waitFor(() => state.every((d) => d.heldAt !== null), 120_000);
  say({ phase: 'connected', devices: state.length, holding: state.filter((d) => d.heldAt !== null).length, all, seconds: (Date.now() - t0) / 1000, rssMb: Math.round(process.memoryUsage().rss / 1e6) });

  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === 'storm') {
      const before = state.map((d) => d.reconnects);
      const stormAt = Date.now();
      const done = () => state.every((d, i) => d.reconnects > before[i] && d.heldAt !== null);
      const complete = await waitFor(done, 120_000);
      const back = state.filter((d, i) => d.reconnects > before[i]);
      const held = back.filter((d) => d.heldAt !== null);
      const waits = held.map((d) => d.heldAt! - d.connectedAt).sort((a, b) => a - b);
      const reconnectSpread = back.map((d) => d.connectedAt - stormAt).sort((a, b) => a - b);
      say({
        phase: 'storm', complete, devices: state.length, reconnected: back.length, holding: held.length,
        reconnectedWithinS: quantile(reconnectSpread, 1) / 1000,
        p50Ms: quantile(waits, 0.5), p99Ms: quantile(waits, 0.99), maxMs: quantile(waits, 1), within5s: waits.filter((w) => w <= 5000).length,
      });
    } else if (line.trim() === 'end') {
      await Promise.all(state.map((d) => d.client.endAsync(true)));
      process.exit(0);
    }
  }
}

void main();
