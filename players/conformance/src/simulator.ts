import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import type { ServiceApi } from './service-api';

export interface SimulatorOptions {
  api: ServiceApi;
  brokerUrl: string;
  topicPrefix: string;
  /** The channel the simulated devices join (one is created in `unitId` when not given). */
  channelId?: string;
  unitId: string;
  devices: number;
  /** Connections opened at once (a fleet does not all connect in the same millisecond). */
  concurrency?: number;
  log?: (line: string) => void;
}

interface Entry {
  id: string;
  startsAt: string;
  endsAt: string;
}

/**
 * A simulated device as the protocol describes one: connects with its id and token and a last will,
 * publishes a retained online status, applies only higher playlist versions (acknowledged in its
 * status), and at each entry's start and end reports play.started and play.completed (QoS 1, one
 * eventId each). It downloads nothing and plays nothing: for load tests and for trying a server
 * without hardware.
 */
class SimulatedDevice {
  private version = 0;
  private timers: NodeJS.Timeout[] = [];
  private client: MqttClient | null = null;
  events = 0;

  constructor(private readonly id: string, private readonly token: string, private readonly o: SimulatorOptions) {}

  private topic(name: string): string {
    return `${this.o.topicPrefix}/devices/${this.id}/${name}`;
  }

  async start(): Promise<void> {
    const will = { topic: this.topic('status'), payload: Buffer.from(JSON.stringify({ online: false })), qos: 1 as const, retain: true };
    this.client = await connectAsync(this.o.brokerUrl, { username: this.id, password: this.token, clientId: this.id, protocolVersion: 4, reconnectPeriod: 5000, will });
    this.client.on('message', (topic, payload) => {
      if (topic !== this.topic('playlist') || !payload.length) return;
      const p = JSON.parse(payload.toString()) as { version: number; entries: Entry[] };
      if (p.version <= this.version) return;
      this.version = p.version;
      this.schedule(p.entries);
      this.status();
      this.send('playlist.applied', undefined);
    });
    await this.client.subscribeAsync(this.topic('playlist'), { qos: 1 });
    this.status();
  }

  private schedule(entries: Entry[]): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    const now = Date.now();
    for (const e of entries) {
      const start = Date.parse(e.startsAt) - now;
      const end = Date.parse(e.endsAt) - now;
      if (start < 0 || start > 2 ** 31 - 1) continue;
      this.timers.push(setTimeout(() => this.send('play.started', e.id), start), setTimeout(() => this.send('play.completed', e.id), Math.min(end, 2 ** 31 - 1)));
    }
  }

  private status(): void {
    void this.client?.publishAsync(this.topic('status'), JSON.stringify({ online: true, at: new Date().toISOString(), agentVersion: 'bcast-simulator/1.1.0', playlistVersion: this.version || null, nowPlaying: null, volume: 80, diskFreeBytes: 1e9, uptimeS: 0, protocol: 'bcast/v1.1', features: ['simulated'] }), { qos: 1, retain: true });
  }

  private send(type: string, entryId: string | undefined): void {
    this.events++;
    const event = { eventId: randomUUID(), deviceId: this.id, type, ...(entryId ? { entryId } : {}), ...(this.version ? { playlistVersion: this.version } : {}), at: new Date().toISOString() };
    void this.client?.publishAsync(this.topic('events'), JSON.stringify([event]), { qos: 1 });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.client?.endAsync(true);
  }
}

export interface Simulation {
  channelId: string;
  deviceIds: string[];
  /** Events sent so far by all devices. */
  events(): number;
  stop(): Promise<void>;
}

/** Registers `devices` devices on a channel through the API and runs them until stopped. */
export async function simulate(o: SimulatorOptions): Promise<Simulation> {
  const log = o.log ?? (() => undefined);
  const channelId = o.channelId ?? (await o.api.call<{ id: string }>('POST', '/api/v1/channels', { unitId: o.unitId, name: `Thiết bị mô phỏng ${new Date().toISOString().slice(0, 19)}`, kind: 'audio', windows: [] })).id;
  const devices: SimulatedDevice[] = [];
  const ids: string[] = [];
  for (let i = 0; i < o.devices; i++) {
    const r = await o.api.call<{ device: { id: string }; token: string }>('POST', `/api/v1/channels/${channelId}/devices`, { name: `Mô phỏng ${i + 1}`, kind: 'speaker' });
    devices.push(new SimulatedDevice(r.device.id, r.token, o));
    ids.push(r.device.id);
  }
  const concurrency = o.concurrency ?? 50;
  for (let i = 0; i < devices.length; i += concurrency) await Promise.all(devices.slice(i, i + concurrency).map((d) => d.start()));
  log(`${devices.length} simulated devices online on channel ${channelId}`);
  return {
    channelId,
    deviceIds: ids,
    events: () => devices.reduce((n, d) => n + d.events, 0),
    stop: async () => {
      await Promise.all(devices.map((d) => d.stop()));
    },
  };
}
