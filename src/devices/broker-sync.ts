import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DEVICE_CHANGES_CHANNEL } from '../auth/device-token-cache';
import { DYNSEC_TOPIC, DynsecCommand, isHarmless, liveDeviceCommands, openSecret, sealSecret } from '../distribution/mosquitto-dynsec';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { DatabaseNotifications } from '../infrastructure/database/notifications';
import { CoalescedRun } from '../infrastructure/jobs/coalesced-run';
import { MqttConnection } from '../infrastructure/mqtt/mqtt-connection';
import { TOKEN_SECRET } from '../auth/auth.module';

const RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;
const POLL_MS = 1000;
const ANSWER_MS = 3000;

/**
 * Keeps each device's account on Mosquitto's dynamic security plugin in line with the registry
 * (MOSQUITTO_DYNSEC=true): registering, rotating, reinstating or revoking a device writes a row in
 * broker_sync in the same transaction (a transactional outbox), and this worker applies it — at
 * once after the change, and every second until the broker has confirmed it, on whichever instance
 * gets to it first. A revoked device is disabled, which ends its session; a new token ends the
 * session opened with the old one.
 */
@Injectable()
export class BrokerSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('broker-sync');
  private readonly waiting = new Map<string, (answer: Array<{ command: string; error?: string }>) => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly runs = new CoalescedRun(() => this.drain(), (err) => this.logger.warn({ msg: 'broker sync failed', error: String(err) }));

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TOKEN_SECRET) private readonly tokenSecret: string,
    private readonly mqtt: MqttConnection,
    private readonly notifications: DatabaseNotifications,
  ) {}

  get enabled(): boolean {
    return this.config.MOSQUITTO_DYNSEC;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.mqtt.client.on('message', (topic, payload) => {
      if (topic !== RESPONSE_TOPIC) return;
      try {
        const { responses } = JSON.parse(payload.toString('utf8')) as { responses: Array<{ command: string; error?: string; correlationData?: string }> };
        const id = responses.find((r) => r.correlationData)?.correlationData;
        if (id) this.waiting.get(id)?.(responses);
      } catch {
        /* not ours */
      }
    });
    await this.mqtt.client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
    await this.notifications.listen(DEVICE_CHANGES_CHANNEL, () => this.kick());
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.runs.stop();
  }

  /** Queues a device's broker account for syncing, in the caller's transaction; `token` when it has a new one. */
  async queue(tx: EntityManager, deviceId: string, token: string | null): Promise<void> {
    if (!this.enabled) return;
    await tx.query(
      `INSERT INTO broker_sync (device_id, sealed_token) VALUES ($1, $2)
       ON CONFLICT (device_id) DO UPDATE SET sealed_token = COALESCE(EXCLUDED.sealed_token, broker_sync.sealed_token), queued_at = now(), attempts = 0, last_error = NULL`,
      [deviceId, token ? sealSecret(this.tokenSecret, token) : null],
    );
  }

  /** Applies what is queued now (after a change); coalesces with a run in progress. */
  kick(): void {
    if (this.enabled) this.runs.kick();
  }

  private async drain(): Promise<void> {
    if (!this.mqtt.connected) return;
    await this.db.transaction(async (tx) => {
      const rows: Array<{ device_id: string; sealed_token: string | null; channel_id: string; revoked: boolean }> = await tx.query(
        `SELECT s.device_id, s.sealed_token, d.channel_id, d.revoked_at IS NOT NULL AS revoked
           FROM broker_sync s JOIN devices d ON d.id = s.device_id
          ORDER BY s.queued_at LIMIT 200 FOR UPDATE OF s SKIP LOCKED`,
      );
      for (const row of rows) {
        const commands: DynsecCommand[] = row.revoked
          ? [{ command: 'disableClient', username: row.device_id }]
          : liveDeviceCommands(this.config.MQTT_TOPIC_PREFIX, { id: row.device_id, channelId: row.channel_id }, row.sealed_token ? openSecret(this.tokenSecret, row.sealed_token) : null);
        const errors = await this.send(commands);
        if (errors.length) {
          await tx.query(`UPDATE broker_sync SET attempts = attempts + 1, last_error = $2 WHERE device_id = $1`, [row.device_id, errors.join('; ').slice(0, 500)]);
          this.logger.warn({ msg: 'broker account not in line yet', deviceId: row.device_id, errors });
        } else {
          await tx.query(`DELETE FROM broker_sync WHERE device_id = $1`, [row.device_id]);
        }
      }
    });
  }

  /** Sends commands in one message and waits for the plugin's answer; returns the errors that matter. */
  private async send(commands: DynsecCommand[]): Promise<string[]> {
    const id = randomUUID();
    const answer = new Promise<Array<{ command: string; error?: string }> | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), ANSWER_MS);
      this.waiting.set(id, (a) => (clearTimeout(timer), resolve(a)));
    });
    try {
      await this.mqtt.client.publishAsync(DYNSEC_TOPIC, JSON.stringify({ commands: commands.map((c) => ({ ...c, correlationData: id })) }), { qos: 1 });
      const responses = await answer;
      if (!responses) return ['no answer from the dynamic security plugin'];
      return responses.filter((r) => r.error && !isHarmless(r.command, r.error) && !(r.command === 'disableClient' && /not found/i.test(r.error))).map((r) => `${r.command}: ${r.error}`);
    } finally {
      this.waiting.delete(id);
    }
  }
}
