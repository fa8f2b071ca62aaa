import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerMemoryCheck } from '../src/distribution/broker-memory';
import { brokerMemoryLost } from '../src/infrastructure/metrics/metrics';
import { MqttConnection } from '../src/infrastructure/mqtt/mqtt-connection';
import { freePort } from './support/free-port';
import { connectDevice, eventually } from './support/mqtt-device';
import { OwnMosquitto } from './support/own-mosquitto';
import { ADMIN, startTestApp, TestApp } from './support/test-app';
import { importTwoCommunes } from './support/two-communes';

const hasMosquitto = !spawnSync('mosquitto', ['-h']).error;
if (!hasMosquitto) console.warn('mosquitto is not installed: skipping the broker memory test');
const maybe = hasMosquitto ? describe : describe.skip;

/**
 * The broker is where a device finds its playlist when it (re)connects. A broker that comes back
 * without what it had acknowledged — restarted without persistence, or restored from a snapshot older
 * than its last publishes — would leave devices with nothing or an older playlist until the next
 * change; the service reads the newest retained playlists back after it reconnects and publishes
 * everything again if one is missing.
 */
maybe('a broker that restarts', () => {
  let t: TestApp;
  let broker: OwnMosquitto;
  let dir: string;
  afterEach(async () => {
    await t?.close();
    await broker?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function oneDevice(): Promise<{ topic: string; token: string }> {
    const ids = await importTwoCommunes(t);
    const admin = { Authorization: `Bearer ${await t.login(ADMIN.username, ADMIN.password)}` };
    const channel = (await t.http.post('/api/v1/channels').set(admin).send({ unitId: ids['1'], name: 'Đài xã Sơn Điện', kind: 'audio', windows: [] }).expect(201)).body.id;
    const reg = await t.http.post(`/api/v1/channels/${channel}/devices`).set(admin).send({ name: 'Cụm loa chợ', kind: 'speaker' }).expect(201);
    return { topic: `${t.config.MQTT_TOPIC_PREFIX}/devices/${reg.body.device.id}/playlist`, token: reg.body.token };
  }

  /** The service's own connection is back and what it checks on reconnecting is done. */
  async function serviceReconnected(): Promise<void> {
    await eventually(async () => t.app.get(MqttConnection).connected, 15_000, 'the service reconnected');
    await t.app.get(BrokerMemoryCheck).settled();
  }

  async function start(persistence: boolean): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), 'bcast-broker-memory-'));
    chmodSync(dir, 0o777); // Mosquitto started as root runs as its own user, and saves its database here
    broker = new OwnMosquitto(dir, await freePort(), persistence);
    await broker.start();
    const url = broker.url;
    t = await startTestApp({ MQTT_URL: url });
    return url;
  }

  it('without persistence (it forgot every retained message): the service publishes every playlist again', async () => {
    const url = await start(false);
    const { topic } = await oneDevice();
    const lost = (await brokerMemoryLost.get()).values[0]?.value ?? 0;
    const { client, inbox } = await connectDevice(url, null, { reconnectPeriod: 300 });
    await client.subscribeAsync(topic, { qos: 1 });
    const first = await inbox.waitFor(() => inbox.json<{ version: number }>('/playlist').at(-1), 15_000, 'the first playlist');

    await broker.stop('SIGKILL');
    await broker.start();
    inbox.messages.length = 0;
    // the device resubscribes on its own; the retained playlist it finds is the service's doing
    const again = await inbox.waitFor(() => inbox.json<{ version: number }>('/playlist').at(-1), 20_000, 'the playlist after the restart');
    expect(again.version).toBeGreaterThanOrEqual(first.version);
    await serviceReconnected();
    expect((await brokerMemoryLost.get()).values[0]?.value).toBe(lost + 1);
    await client.endAsync(true);
  }, 60_000);

  it('with persistence (it kept them): nothing is published again', async () => {
    const url = await start(true);
    const { topic } = await oneDevice();
    const { client, inbox } = await connectDevice(url, null, { reconnectPeriod: 300 });
    await client.subscribeAsync(topic, { qos: 1 });
    const first = await inbox.waitFor(() => inbox.json<{ version: number }>('/playlist').at(-1), 15_000, 'the first playlist');
    const lost = (await brokerMemoryLost.get()).values[0]?.value ?? 0;

    await broker.stop('SIGTERM'); // Mosquitto saves its retained messages as it stops
    await broker.start();
    inbox.messages.length = 0;
    const again = await inbox.waitFor(() => inbox.json<{ version: number }>('/playlist').at(-1), 20_000, 'the playlist after the restart');
    expect(again.version).toBe(first.version);
    await serviceReconnected();
    expect((await brokerMemoryLost.get()).values[0]?.value ?? 0).toBe(lost);
    await client.endAsync(true);
  }, 60_000);
});
