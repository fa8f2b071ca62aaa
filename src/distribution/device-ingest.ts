import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { connectAsync, IClientOptions, MqttClient } from 'mqtt';
import type { IPublishPacket } from 'mqtt-packet';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { MAX_EVENTS_PER_REQUEST, parseDeviceEvents } from '../devices/device-event';
import { EvidenceService } from '../evidence/evidence.service';
import type { PlayEvent } from '../evidence/play-event';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import type { Runtime } from '../infrastructure/runtime';
import { RUNTIME } from '../infrastructure/runtime.module';
import { parseStatus, PresenceService } from './presence.service';
import { Topics } from '../infrastructure/mqtt/topics';

/** Events stored per statement, and how long the first of them waits for company. */
const BATCH_EVENTS = 2000;
const BATCH_WAIT_MS = 5;

interface Pending {
  events: PlayEvent[];
  done: () => void;
  fail: (err: unknown) => void;
}

/**
 * Takes in what devices publish: events (stored once each, in batches) and status (presence).
 *
 * On an external broker (Mosquitto, EMQX) MQTT_INGEST_CONNECTIONS connections per instance join one
 * shared subscription group, so the broker splits the devices' messages across connections and
 * instances; their sessions are persistent and a message is acknowledged to the broker only once
 * its events are stored, so a stopped service loses nothing — the broker keeps the rest for it.
 * The embedded broker (Aedes) has no shared subscriptions and lives in this process: one
 * connection, acknowledged at once, batches flushed on shutdown.
 */
@Injectable()
export class DeviceIngest implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ingest');
  private readonly clients: MqttClient[] = [];
  private queue: Pending[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Counters for health and benchmarks. */
  readonly stats = { messages: 0, events: 0, rejected: 0, stored: 0, duplicates: 0 };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly topics: Topics,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly evidence: EvidenceService,
    private readonly presence: PresenceService,
  ) {}

  private get external(): boolean {
    return !this.runtime.embedded.broker;
  }

  async onApplicationBootstrap(): Promise<void> {
    const shared = this.external && this.config.MQTT_SHARED_SUBSCRIPTIONS;
    const count = shared ? this.config.MQTT_INGEST_CONNECTIONS : 1;
    const instance = this.config.INSTANCE_ID ?? hostname();
    for (let i = 0; i < count; i++) {
      const options: IClientOptions = {
        clientId: `bcast-ingest-${instance}-${i}`.slice(0, 128),
        protocolVersion: 4,
        clean: !this.external,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
        ...(this.runtime.mqttCredentials ?? {}),
      };
      const client = await connectAsync(this.runtime.mqttUrl, options);
      const ackAfterStore = this.external;
      client.handleMessage = (packet, callback) => {
        const handled = this.handle(packet as IPublishPacket);
        if (!ackAfterStore) {
          callback();
          handled.catch(() => undefined);
          return;
        }
        // Not stored: no PUBACK. Dropping the connection makes the broker send it again on reconnect.
        handled.then(() => callback(), () => client.stream?.destroy());
      };
      const share = (filter: string) => (shared ? `$share/${this.config.MQTT_SHARED_GROUP}/${filter}` : filter);
      await client.subscribeAsync([share(this.topics.events), share(this.topics.status)], { qos: 1 });
      this.clients.push(client);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync().catch(() => undefined)));
    await this.flushNow();
    await this.flushing;
  }

  /** One MQTT message: an Event or an array of Events, or a Status. */
  async handle(packet: IPublishPacket): Promise<void> {
    this.stats.messages++;
    const parsed = this.topics.parseDeviceTopic(packet.topic);
    if (!parsed) return;
    const text = Buffer.isBuffer(packet.payload) ? packet.payload.toString('utf8') : String(packet.payload);
    if (parsed.kind === 'status') {
      if (!text) return; // a cleared retained status
      const status = parseStatus(text);
      if (status) this.presence.update(parsed.deviceId, status);
      else this.logger.warn({ msg: 'unreadable status', deviceId: parsed.deviceId });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.stats.rejected++;
      this.logger.warn({ msg: 'events are not JSON', deviceId: parsed.deviceId });
      return;
    }
    const items = Array.isArray(body) ? body : [body];
    if (items.length > MAX_EVENTS_PER_REQUEST) {
      this.stats.rejected += items.length;
      this.logger.warn({ msg: 'too many events in one message', deviceId: parsed.deviceId, count: items.length, limit: MAX_EVENTS_PER_REQUEST });
      return;
    }
    const { events, problems } = parseDeviceEvents(items, parsed.deviceId);
    this.stats.events += items.length;
    if (problems.length) {
      this.stats.rejected += items.length - events.length;
      this.logger.warn({ msg: 'events refused', deviceId: parsed.deviceId, problems: problems.slice(0, 5).map((p) => p.messageEn) });
    }
    if (!events.length) return;
    await this.enqueue(events.map((e) => ({ eventId: e.eventId, deviceId: parsed.deviceId, type: e.type, entryId: e.entryId ?? null, playlistVersion: e.playlistVersion ?? null, at: new Date(e.at), detail: e.detail ?? null })));
  }

  private enqueue(events: PlayEvent[]): Promise<void> {
    return new Promise<void>((done, fail) => {
      this.queue.push({ events, done, fail });
      this.queued += events.length;
      // when every ingest connection waits for its store, nothing more can arrive: store now
      if (this.queued >= BATCH_EVENTS || (this.external && this.queue.length >= this.clients.length)) void this.flushNow();
      else if (!this.timer) this.timer = setTimeout(() => void this.flushNow(), BATCH_WAIT_MS);
    });
  }

  /** Flushes are chained: one statement at a time per instance, so batches grow under load. */
  private flushNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    if (!batch.length) return this.flushing;
    this.queue = [];
    this.queued = 0;
    this.flushing = this.flushing.then(() => this.store(batch));
    return this.flushing;
  }

  private async store(batch: Pending[]): Promise<void> {
    const events = batch.flatMap((p) => p.events);
    for (let attempt = 1; ; attempt++) {
      try {
        const { accepted, duplicates } = await this.evidence.record(events);
        this.stats.stored += accepted;
        this.stats.duplicates += duplicates;
        for (const p of batch) p.done();
        return;
      } catch (err) {
        if (attempt >= 5) {
          this.logger.error({ msg: 'events not stored', count: events.length, error: String(err) });
          for (const p of batch) p.fail(err);
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
}
