import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { connectAsync } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CoalescedRun } from '../infrastructure/jobs/coalesced-run';
import { brokerMemoryLost } from '../infrastructure/metrics/metrics';
import { MqttConnection } from '../infrastructure/mqtt/mqtt-connection';
import { Topics } from '../infrastructure/mqtt/topics';
import type { Runtime } from '../infrastructure/runtime';
import { RUNTIME } from '../infrastructure/runtime.module';

/** Devices whose retained playlist is read back after each (re)connect: the most recently published. */
const SAMPLE = 20;
/** How long the read-back waits at most (its probe normally answers within a round trip). */
const READ_MS = 5000;

/**
 * Whether the broker still holds what it acknowledged. A broker restarted without persistence, or
 * restored from a snapshot older than its last publishes (Mosquitto saves every `autosave_interval`),
 * has forgotten retained playlists the service recorded as published: a device that reconnects then
 * gets nothing, or an older playlist. After every (re)connection of the service to an external
 * broker, the retained playlists of the devices published last (playlist versions come from one
 * sequence, so the newest are the first a restored snapshot misses) are read back; if one is missing
 * or older than recorded, every device's playlist is published again. The embedded broker keeps
 * nothing across restarts and the service republishes at startup (PlaylistDistributor).
 */
@Injectable()
export class BrokerMemoryCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('broker-memory');
  private readonly checks = new CoalescedRun(() => this.check(), (err) => this.logger.warn({ msg: 'broker memory not checked', error: String(err) }));
  private readonly onConnect = () => this.checks.kick();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly mqtt: MqttConnection,
    private readonly topics: Topics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.runtime.embedded.broker) return;
    this.mqtt.client.on('connect', this.onConnect);
    this.checks.kick(); // the broker may have restarted while the service was down
  }

  async onApplicationShutdown(): Promise<void> {
    this.mqtt.client.off('connect', this.onConnect);
    await this.checks.stop();
  }

  /** Resolves when the checks asked for so far are done (for tests). */
  settled(): Promise<void> {
    return this.checks.settled();
  }

  /** Reads the sample back; true when the broker had forgotten and every playlist is marked to be published again. */
  async check(): Promise<boolean> {
    const sample: Array<{ id: string; version: string }> = await this.db.query(
      `SELECT id, published_version AS version FROM devices
        WHERE revoked_at IS NULL AND published_version IS NOT NULL ORDER BY published_version DESC LIMIT ${SAMPLE}`,
    );
    if (!sample.length) return false;
    const held = await this.readRetained(sample.map((d) => this.topics.playlist(d.id)));
    const forgotten = sample.filter((d) => !((held.get(this.topics.playlist(d.id)) ?? -1) >= Number(d.version)));
    if (!forgotten.length) return false;
    this.logger.warn({ msg: 'the broker has forgotten retained playlists: publishing every playlist again', missing: forgotten.length, of: sample.length });
    brokerMemoryLost.inc();
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE devices SET published_version = NULL WHERE published_version IS NOT NULL`);
      await tx.query(`SELECT mark_playlists_changed(ARRAY(SELECT DISTINCT channel_id FROM devices WHERE revoked_at IS NULL))`);
    });
    return true;
  }

  /**
   * The version of each topic's retained playlist, on a connection of its own (nothing of the
   * service's is queued on it). A broker sends a subscription's retained messages before it handles
   * what the client publishes next, so once a probe published after the SUBACK comes back, every
   * retained message there is has arrived: a forgetful broker is known at once, not after a timeout.
   */
  private async readRetained(topics: string[]): Promise<Map<string, number>> {
    const held = new Map<string, number>();
    const clientId = `bcast-memory-${randomBytes(6).toString('hex')}`;
    const probe = `${this.topics.prefix}/server/probes/${clientId}`;
    const client = await connectAsync(this.runtime.mqttUrl, {
      clientId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...(this.runtime.mqttCredentials ?? {}),
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      let answered: () => void = () => undefined;
      const complete = new Promise<void>((resolve) => (answered = resolve));
      client.on('message', (topic, payload, packet) => {
        if (topic === probe) return answered();
        if (!packet.retain || !payload.length) return;
        try {
          held.set(topic, Number((JSON.parse(payload.toString('utf8')) as { version?: unknown }).version));
        } catch {
          held.set(topic, -1);
        }
      });
      await client.subscribeAsync([...topics, probe], { qos: 0 });
      client.publish(probe, 'probe', { qos: 0 });
      await Promise.race([complete, new Promise((r) => (timer = setTimeout(r, READ_MS)))]);
    } finally {
      clearTimeout(timer);
      await client.endAsync(true).catch(() => undefined);
    }
    return held;
  }
}
