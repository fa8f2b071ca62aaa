import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

type Handler = (payload: string) => void;

/**
 * The instance's one PostgreSQL LISTEN connection: NOTIFY is how instances tell each other that
 * playlists changed, a channel has a new version, or a device token was rotated. Subscribers learn
 * when the connection is lost (then they fall back to polling or shorter caches).
 */
@Injectable()
export class DatabaseNotifications implements OnApplicationShutdown {
  private readonly logger = new Logger('database');
  private readonly handlers = new Map<string, Handler[]>();
  private readonly lost: Array<() => void> = [];
  private client: Promise<Client | null> | null = null;
  private live = false;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Whether notifications are arriving (false before the first listen and after a loss). */
  get listening(): boolean {
    return this.live;
  }

  /** LISTENs on `channel`; true if the connection is up. */
  async listen(channel: string, handler: Handler, onLost?: () => void): Promise<boolean> {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
    if (onLost) this.lost.push(onLost);
    const client = await (this.client ??= this.connect());
    if (!client) return false;
    await client.query(`LISTEN ${channel}`);
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    const client = await this.client;
    this.live = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client | null> {
    const client = new Client({ connectionString: (this.db.options as { url?: string }).url });
    client.on('notification', (n) => {
      for (const h of this.handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    client.on('error', (err) => {
      this.live = false;
      this.logger.warn({ msg: 'notification listener lost', error: String(err) });
      for (const l of this.lost) l();
    });
    try {
      await client.connect();
      this.live = true;
      return client;
    } catch (err) {
      this.logger.warn({ msg: 'cannot LISTEN', error: String(err) });
      await client.end().catch(() => undefined);
      return null;
    }
  }
}

@Global()
@Module({ providers: [DatabaseNotifications], exports: [DatabaseNotifications] })
export class DatabaseNotificationsModule {}
