import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { connect, IClientOptions, MqttClient } from 'mqtt';
import { hostname } from 'node:os';
import { MAX_EVENTS_PER_REQUEST, parseDeviceEvents } from '../devices/device-event';
import { EvidenceService } from '../evidence/evidence.service';
import type { PlayEvent } from '../evidence/play-event';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import type { Runtime } from '../infrastructure/runtime';
import { RUNTIME } from '../infrastructure/runtime.module';
import type { EmbeddedBrokerHandle } from '../infrastructure/mqtt/embedded-broker';
import { Topics } from '../infrastructure/mqtt/topics';
import { DataSource } from 'typeorm';
import { EventRateLimit } from './event-rate-limit';
import { fairShare, IngestLeases, ingestSessionIds, LEASE_TICK_MS, LEASE_TTL_S } from './ingest-sessions';
import { parseStatus, PresenceService } from './presence.service';

/** With nothing in the database, a statement starts once this many events wait, or BATCH_WAIT_MS after the first. */
const BATCH_EVENTS = 2000;
const BATCH_WAIT_MS = 5;
/** The most events one statement takes, when more have queued while the previous one was in the database. */
const MAX_BATCH_EVENTS = 8000;
/** While the database is unreachable, storing is retried this often at most (nothing is acknowledged meanwhile). */
const RETRY_MAX_MS = 2000;

interface Pending {
  events: PlayEvent[];
  done: () => void;
  fail: (err: unknown) => void;
}

/** A message as the broker hands it over. */
export interface DeviceMessage {
  topic: string;
  payload: Buffer | string;
}

/**
 * Takes in what devices publish: events (stored once each, in batches) and status (presence).
 * Acknowledged means stored: a message is acknowledged only once its events are committed (or
 * refused with a reason in device_event_rejects).
 *
 * Embedded broker (Aedes, in this process): the broker hands each device message here before it
 * sends the PUBACK, so a crash after the PUBACK cannot lose what the device then forgot.
 * External broker (Mosquitto, EMQX): the deployment has MQTT_INGEST_CONNECTIONS persistent sessions in
 * one shared subscription group, each leased to one live instance (ingest-sessions.ts), so an
 * instance that stops, for a moment or for good, strands nothing: another takes its sessions over
 * within seconds. Each message is PUBACKed only after commit, so what is not stored when an instance
 * stops is delivered again. The message handler is in place before CONNECT, so what the broker
 * redelivers right after CONNACK is stored like the rest.
 */
@Injectable()
export class DeviceIngest implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ingest');
  private readonly held = new Map<string, MqttClient>();
  private leases: IngestLeases | null = null;
  private balancer: NodeJS.Timeout | null = null;
  private balancing = false;
  private renewedAt = Date.now();
  private readonly rate: EventRateLimit;
  private queue: Pending[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private storing = false;
  private stopping = false;
  /** Counters for health and benchmarks. */
  readonly stats = { messages: 0, events: 0, refused: 0, rateLimited: 0, rejected: 0, stored: 0, duplicates: 0, retries: 0, statements: 0, storeMs: 0 };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly topics: Topics,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly evidence: EvidenceService,
    private readonly presence: PresenceService,
  ) {
    this.rate = new EventRateLimit(config.DEVICE_EVENT_RATE, config.DEVICE_EVENT_BURST);
  }

  async onApplicationBootstrap(): Promise<void> {
    const broker = this.runtime.embedded.broker;
    if (broker) return this.attach(broker);
    const count = this.config.MQTT_SHARED_SUBSCRIPTIONS ? this.config.MQTT_INGEST_CONNECTIONS : 1;
    this.leases = new IngestLeases(this.db, this.config.INSTANCE_ID ?? hostname(), ingestSessionIds(this.config.MQTT_SHARED_GROUP, this.config.MQTT_TOPIC_PREFIX, count));
    await this.leases.seed();
    await this.balance();
    // the first sessions are connected before the service says it is up
    await Promise.all([...this.held.values()].map((c) => (c.connected ? undefined : new Promise((r) => { c.once('connect', r); setTimeout(r, 10_000).unref(); }))));
    this.balancer = setInterval(() => void this.balance(), LEASE_TICK_MS);
  }

  /** Takes in what devices publish on an embedded broker, before it acknowledges them. */
  attach(broker: EmbeddedBrokerHandle): void {
    broker.setIngest((_principal, packet) => this.handle(packet));
  }

  /** Sessions this instance holds now (their client ids). */
  get sessions(): string[] {
    return [...this.held.keys()];
  }

  /**
   * Once a second: says this instance is alive, renews its leases, closes a session whose lease it
   * lost, and holds an even share of the deployment's sessions (claiming those of a dead instance,
   * handing extras to a newcomer). If the database cannot be reached for as long as a lease lasts,
   * every session is closed, since another instance may take them once it can.
   */
  private async balance(): Promise<void> {
    if (this.balancing || this.stopping || !this.leases) return;
    this.balancing = true;
    try {
      const members = await this.leases.heartbeat();
      const kept = new Set(await this.leases.renew(this.sessions));
      this.renewedAt = Date.now();
      for (const session of this.sessions) if (!kept.has(session)) await this.close(session, 'lease lost');
      const share = fairShare(this.leases.sessions.length, members);
      if (this.held.size > share) {
        const extras = this.sessions.slice(share);
        for (const session of extras) await this.close(session, 'handed over');
        await this.leases.release(extras);
      } else if (this.held.size < share) {
        for (const session of await this.leases.claim(share - this.held.size, this.sessions)) if (!this.held.has(session)) this.open(session);
      }
    } catch (err) {
      if (Date.now() - this.renewedAt > (LEASE_TTL_S - 1) * 1000 && this.held.size) {
        this.logger.warn({ msg: 'ingest leases not renewed: sessions closed until the database is back', error: String(err) });
        for (const session of this.sessions) await this.close(session, 'lease not renewed');
      }
    } finally {
      this.balancing = false;
    }
  }

  private open(session: string): void {
    const shared = this.config.MQTT_SHARED_SUBSCRIPTIONS;
    const options: IClientOptions = {
      clientId: session,
      protocolVersion: 4,
      clean: false,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      ...(this.runtime.mqttCredentials ?? {}),
    };
    const client = connect(this.runtime.mqttUrl, options);
    // Before CONNACK: a persistent session's queued messages arrive right after it.
    acknowledgeOnceStored(client, (packet) => this.handle(packet));
    const share = (filter: string) => (shared ? `$share/${this.config.MQTT_SHARED_GROUP}/${filter}` : filter);
    client.on('connect', () => {
      client.subscribeAsync([share(this.topics.events), share(this.topics.status)], { qos: 1 }).catch((err) => this.logger.warn({ msg: 'ingest subscription failed', session, error: String(err) }));
    });
    client.on('error', (err) => this.logger.warn({ msg: 'ingest connection error', session, error: String(err) }));
    this.held.set(session, client);
    this.logger.log({ msg: 'ingest session taken', session });
  }

  private async close(session: string, why: string): Promise<void> {
    const client = this.held.get(session);
    this.held.delete(session);
    // unacknowledged messages go back to the broker, which delivers them to the session's next holder
    await client?.endAsync(true).catch(() => undefined);
    this.logger.log({ msg: 'ingest session closed', session, why });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.balancer) clearInterval(this.balancer);
    // Stop taking messages first; what is queued is stored, what cannot be stored stays unacknowledged.
    await Promise.all(this.sessions.map((s) => this.close(s, 'shutdown')));
    this.stopping = true;
    await this.flushAll();
    // hand the sessions over at once instead of letting the leases run out
    await this.leases?.release(this.leases.sessions).catch(() => undefined);
    await this.leases?.leave().catch(() => undefined);
  }

  /** One MQTT message: an Event or an array of Events, or a Status. Resolves once stored or refused. */
  async handle(packet: DeviceMessage): Promise<void> {
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
      return this.refuse(parsed.deviceId, text, 'nội dung không phải JSON', 1);
    }
    const items = Array.isArray(body) ? body : [body];
    if (items.length > MAX_EVENTS_PER_REQUEST) return this.refuse(parsed.deviceId, text, `${items.length} sự kiện trong một tin, quá giới hạn ${MAX_EVENTS_PER_REQUEST}`, items.length);
    if (!this.rate.take(parsed.deviceId, items.length)) {
      this.stats.rateLimited += items.length;
      await this.evidence.noteRefused(parsed.deviceId, items.length, `vượt tốc độ gửi cho phép (${this.config.DEVICE_EVENT_RATE} sự kiện/giây)`).catch((err) => this.logger.warn({ msg: 'refusal not noted', error: String(err) }));
      return;
    }
    const { events, invalid, refused } = parseDeviceEvents(items, parsed.deviceId);
    this.stats.events += items.length;
    if (invalid.size) {
      this.stats.refused += invalid.size;
      await this.evidence.reject(refused, 'mqtt', 'validation').catch((err) => this.logger.warn({ msg: 'refused events not kept', error: String(err) }));
    }
    if (!events.length) return;
    await this.enqueue(events.map((e) => ({ eventId: e.eventId, deviceId: parsed.deviceId, type: e.type, entryId: e.entryId ?? null, playlistVersion: e.playlistVersion ?? null, at: new Date(e.at), detail: e.detail ?? null })));
  }

  private async refuse(deviceId: string, text: string, reason: string, count: number): Promise<void> {
    this.stats.refused += count;
    this.logger.warn({ msg: 'events refused', deviceId, reason });
    await this.evidence.reject([{ deviceId, reason, payload: text.slice(0, 8192) }], 'mqtt', 'validation').catch(() => undefined);
  }

  private enqueue(events: PlayEvent[]): Promise<void> {
    return new Promise<void>((done, fail) => {
      this.queue.push({ events, done, fail });
      this.queued += events.length;
      if (this.storing) return; // taken as soon as the statement in the database is done
      if (this.queued >= BATCH_EVENTS) void this.flushNow();
      else if (!this.timer) this.timer = setTimeout(() => void this.flushNow(), BATCH_WAIT_MS);
    });
  }

  /**
   * One statement in the database at a time per instance; what arrives meanwhile waits and goes in
   * the next one, whole messages up to MAX_BATCH_EVENTS — so under load batches grow to what arrived
   * during a statement, instead of being cut every BATCH_WAIT_MS.
   */
  private flushNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.storing || !this.queue.length) return this.flushing;
    let take = 0;
    let events = 0;
    while (take < this.queue.length && (take === 0 || events + this.queue[take].events.length <= MAX_BATCH_EVENTS)) events += this.queue[take++].events.length;
    const batch = this.queue.splice(0, take);
    this.queued -= events;
    this.storing = true;
    this.flushing = this.store(batch).finally(() => {
      this.storing = false;
      if (this.queue.length) void this.flushNow();
    });
    return this.flushing;
  }

  /** Until nothing is queued or in the database (shutdown). */
  private async flushAll(): Promise<void> {
    while (this.storing || this.queue.length) {
      await this.flushNow();
      await this.flushing;
    }
  }

  /**
   * Stores one batch. Events the database refuses are isolated and kept by EvidenceService; while
   * the database is unreachable the batch waits (retried, unacknowledged) until it returns or the
   * service stops — then the senders are told it failed and the broker or device sends it again.
   */
  private async store(batch: Pending[]): Promise<void> {
    const events = batch.flatMap((p) => p.events);
    for (let attempt = 1; ; attempt++) {
      try {
        const started = performance.now();
        const { accepted, duplicates, rejected } = await this.evidence.record(events, 'mqtt');
        this.stats.statements++;
        this.stats.storeMs += performance.now() - started;
        this.stats.stored += accepted;
        this.stats.duplicates += duplicates;
        this.stats.rejected += rejected;
        for (const p of batch) p.done();
        return;
      } catch (err) {
        if (this.stopping) {
          this.logger.warn({ msg: 'events left unacknowledged at shutdown', count: events.length, error: String(err) });
          for (const p of batch) p.fail(err);
          return;
        }
        this.stats.retries++;
        if (attempt === 1 || attempt % 30 === 0) this.logger.warn({ msg: 'events wait for the database', count: events.length, attempt, error: String(err) });
        await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, 50 * 2 ** attempt)));
      }
    }
  }
}

/**
 * Each QoS 1 message is PUBACKed only once `store` has resolved (committed); if it rejects, the
 * connection is dropped unacknowledged and the broker delivers the message again. MQTT.js reads the
 * next message only after the previous one's PUBACK is sent, so held as it is, a session would have
 * one message in the database at a time and batches could never grow past one message per session.
 * Here the next messages are read while the earlier ones are being stored: the PUBACK MQTT.js sends
 * when handleMessage returns is held back (its private `_sendPacket`, MQTT.js 5) until the message is
 * stored (batches are stored in order, so PUBACKs leave in the order the messages came, as MQTT
 * 3.1.1 §4.6 asks, except that a message refused at once is acknowledged at once). How many messages are in flight is the broker's to bound (Mosquitto's
 * max_inflight_messages). If MQTT.js ever lacks the method, each message waits for its PUBACK as before.
 */
export function acknowledgeOnceStored(client: MqttClient, store: (packet: DeviceMessage) => Promise<void>): void {
  type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;
  const internals = client as unknown as { _sendPacket?: SendPacket };
  const send = internals._sendPacket?.bind(client);
  if (!send) {
    client.handleMessage = (packet, callback) => {
      store(packet as DeviceMessage).then(() => callback(), () => client.stream?.destroy());
    };
    return;
  }
  let storing = new Map<number, Promise<void>>();
  client.on('close', () => (storing = new Map())); // a new connection: the broker delivers the unacknowledged again
  client.handleMessage = (packet, callback) => {
    const stored = store(packet as DeviceMessage);
    const messageId = (packet as { messageId?: number }).messageId;
    if (packet.qos !== 1 || messageId === undefined) {
      stored.then(() => callback(), () => client.stream?.destroy());
      return;
    }
    stored.catch(() => undefined);
    storing.set(messageId, stored);
    callback(); // MQTT.js now "sends" the PUBACK, which waits below, and reads the next message
  };
  internals._sendPacket = (packet, cb, ...rest) => {
    const held = packet.cmd === 'puback' && packet.messageId !== undefined ? storing.get(packet.messageId) : undefined;
    if (!held) return send(packet, cb, ...rest);
    const connection = storing;
    connection.delete(packet.messageId!);
    cb?.();
    held.then(
      () => {
        if (connection === storing && client.connected) send(packet);
      },
      () => {
        if (connection === storing) client.stream?.destroy();
      },
    );
  };
}

