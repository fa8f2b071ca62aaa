import { randomBytes } from 'node:crypto';
import { connect, connectAsync, MqttClient } from 'mqtt';
import { acknowledgeOnceStored, DeviceMessage } from '../src/distribution/device-ingest';
import { eventually } from './support/mqtt-device';

/**
 * How an ingest session acknowledges, against the run's real broker: it reads the next messages while
 * earlier ones are still being stored (so batches can grow), yet a message is PUBACKed only once stored —
 * what was not stored when the session ends is delivered again to its next holder, and only that.
 */
describe('an ingest session on a broker', () => {
  const url = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const topic = `acks${randomBytes(4).toString('hex')}/v1/devices/d1/events`;
  const session = `ingest-test-${randomBytes(4).toString('hex')}`;
  const clients: MqttClient[] = [];
  const open = async (store: (m: DeviceMessage) => Promise<void>, acked: number[] = []) => {
    // the handler in place before CONNACK, as DeviceIngest has it: a session's queued messages come right after it
    const client = connect(url, { clientId: session, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
    clients.push(client);
    client.on('packetsend', (packet) => packet.cmd === 'puback' && acked.push(packet.messageId!));
    acknowledgeOnceStored(client, store);
    await new Promise((resolve, reject) => (client.once('connect', resolve), client.once('error', reject)));
    await client.subscribeAsync(topic, { qos: 1 });
    return client;
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    const cleanup = await connectAsync(url, { clientId: session, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
    await cleanup.endAsync();
  });

  it('reads on while storing, and acknowledges only what was stored', async () => {
    const release = new Map<string, () => void>();
    const seen: string[] = [];
    const acked: number[] = [];
    const first = await open((m) => {
      const text = m.payload.toString();
      seen.push(text);
      return new Promise<void>((resolve) => release.set(text, resolve));
    }, acked);
    const device = await connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
    clients.push(device);
    for (const m of ['m1', 'm2', 'm3']) await device.publishAsync(topic, m, { qos: 1 });
    // all three handed over while none is stored yet (held one at a time, only m1 would be)
    await eventually(async () => seen.length === 3, 5000, 'three messages read while the first is still being stored');
    expect(seen).toEqual(['m1', 'm2', 'm3']);
    expect(acked).toEqual([]); // nothing acknowledged while nothing is stored
    release.get('m1')!();
    await eventually(async () => acked.length === 1, 5000, "m1's PUBACK");
    await first.endAsync(true); // the session ends with m2 and m3 not stored

    const again: string[] = [];
    await open(async (m) => {
      again.push(m.payload.toString());
    });
    await eventually(async () => again.length >= 2, 5000, 'the unacknowledged messages delivered again');
    await new Promise((r) => setTimeout(r, 300));
    expect(again).toEqual(['m2', 'm3']);
  });
});
