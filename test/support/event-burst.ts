import { randomUUID } from 'node:crypto';
import { connect, MqttClient } from 'mqtt';

export interface BurstDevice {
  id: string;
  token: string;
}

export interface BurstOptions {
  brokerUrl: string;
  prefix: string;
  devices: BurstDevice[];
  eventsPerDevice: number;
  perMessage: number;
  /** Pause between a device's messages (ms). */
  intervalMs: number;
  /** Log in as the device (embedded broker); false: the broker's URL carries the credentials. */
  authenticate: boolean;
  /** How long to wait for a PUBACK before sending the message again (same event ids). */
  ackTimeoutMs?: number;
}

/**
 * Devices as the protocol expects players to behave: each keeps an outbox of events, publishes
 * them QoS 1 in messages of `perMessage`, forgets a message only when its PUBACK arrives, and sends
 * it again (same event ids) after a lost connection or a missing PUBACK. Counts what was
 * acknowledged, so a test can compare it with what is stored.
 */
export class EventBurst {
  /** Event ids whose message was acknowledged by the broker. */
  readonly acknowledged = new Set<string>();
  readonly sent = new Set<string>();
  private readonly clients: MqttClient[] = [];
  private stopped = false;

  constructor(private readonly options: BurstOptions) {}

  get total(): number {
    return this.options.devices.length * this.options.eventsPerDevice;
  }

  /** Runs until every event is acknowledged or `deadlineMs` passes. */
  async run(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    await Promise.all(this.options.devices.map((d) => this.device(d, deadline)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.clients.map((c) => c.endAsync(true).catch(() => undefined)));
  }

  private async device(device: BurstDevice, deadline: number): Promise<void> {
    const o = this.options;
    const client = connect(o.brokerUrl, {
      protocolVersion: 4,
      clientId: device.id,
      reconnectPeriod: 300,
      reconnectOnConnackError: true, // as the shipped player does
      connectTimeout: 5000,
      ...(o.authenticate ? { username: device.id, password: device.token } : {}),
    });
    client.on('error', () => undefined);
    this.clients.push(client);
    const outbox = Array.from({ length: o.eventsPerDevice }, (_, i) => ({
      eventId: randomUUID(),
      deviceId: device.id,
      type: 'playlist.applied',
      playlistVersion: i + 1,
      at: new Date().toISOString(),
    }));
    const topic = `${o.prefix}/devices/${device.id}/events`;
    while (outbox.length && !this.stopped && Date.now() < deadline) {
      if (!client.connected) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const chunk = outbox.slice(0, o.perMessage);
      for (const e of chunk) this.sent.add(e.eventId);
      let timer: NodeJS.Timeout | undefined;
      const acked = await Promise.race([
        client.publishAsync(topic, JSON.stringify(chunk), { qos: 1 }).then(() => true, () => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), o.ackTimeoutMs ?? 3000))),
      ]);
      clearTimeout(timer);
      if (acked) {
        for (const e of chunk) this.acknowledged.add(e.eventId);
        outbox.splice(0, chunk.length);
        await new Promise((r) => setTimeout(r, o.intervalMs));
      }
    }
  }
}
