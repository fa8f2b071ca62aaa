import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

type Handler = (payload: string) => void;

/** Reconnection delays after the LISTEN connection is lost (the last one repeats). */
const RECONNECT_MS = [200, 500, 1000, 2000, 5000];

/**
 * The instance's one PostgreSQL LISTEN connection: NOTIFY is how instances tell each other that
 * playlists changed, a channel has a new version, or a device token was rotated. When the
 * connection is lost, subscribers are told (they drop what they cached and fall back to polling or
 * the database), and it reconnects on its own, LISTENing again to every channel; subscribers are
 * told once more on reconnect, since notifications sent meanwhile were missed.
 */
@Injectable()
export class DatabaseNotifications implements OnApplicationShutdown {
  private readonly logger = new Logger('database');
  private readonly handlers = new Map<string, Handler[]>();
  private readonly lost: Array<() => void> = [];
  private client: Promise<Client | null> | null = null;
  private live = false;
  private closing = false;
  private retry: NodeJS.Timeout | null = null;
  private attempts = 0;
  /** Times the connection was (re)established, for health and tests. */
  connects = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Whether notifications are arriving (false before the first listen and after a loss). */
  get listening(): boolean {
    return this.live;
  }

  /** LISTENs on `channel`; true if the connection is up (else it is retried, and will LISTEN then). */
  async listen(channel: string, handler: Handler, onLost?: () => void): Promise<boolean> {
    const known = this.handlers.has(channel);
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
    if (onLost) this.lost.push(onLost);
    const client = await (this.client ??= this.connect());
    if (!client) return false;
    if (!known) await client.query(`LISTEN ${channel}`);
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    const client = await this.client;
    this.live = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client | null> {
    if (this.closing) return null;
    const client = new Client({ connectionString: (this.db.options as { url?: string }).url });
    client.on('notification', (n) => {
      for (const h of this.handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    let dropped = false;
    const drop = (err?: unknown) => {
      if (dropped) return;
      dropped = true;
      const wasLive = this.live;
      this.live = false;
      if (wasLive) {
        this.logger.warn({ msg: 'notification listener lost', error: String(err ?? 'connection ended') });
        this.tellLost();
      }
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', drop);
    client.on('end', () => drop());
    try {
      await client.connect();
      if (this.closing) {
        await client.end().catch(() => undefined);
        return null;
      }
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      this.live = true;
      this.connects++;
      if (this.attempts > 0) {
        this.logger.log({ msg: 'notification listener back', attempts: this.attempts });
        this.tellLost(); // what was cached before the loss may have missed evictions
      }
      this.attempts = 0;
      return client;
    } catch (err) {
      if (this.attempts === 0) this.logger.warn({ msg: 'cannot LISTEN', error: String(err) });
      drop(err);
      return null;
    }
  }

  private scheduleReconnect(): void {
    if (this.closing || this.retry) return;
    const delay = RECONNECT_MS[Math.min(this.attempts, RECONNECT_MS.length - 1)];
    this.attempts++;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closing) this.client = this.connect();
    }, delay);
    this.retry.unref();
  }

  private tellLost(): void {
    for (const l of this.lost) {
      try {
        l();
      } catch {
        /* a subscriber's failure does not stop the others */
      }
    }
  }
}

@Global()
@Module({ providers: [DatabaseNotifications], exports: [DatabaseNotifications] })
export class DatabaseNotificationsModule {}
