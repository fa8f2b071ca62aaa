import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AppError } from '../http/app-error';
import { errorBody, languageOf } from '../http/error.filter';
import { RUNTIME } from '../runtime.module';
import type { Runtime } from '../runtime';

const EVERY_MS = 1000;

/**
 * Watches PostgreSQL on a connection of its own (a hung server would hold a pool connection for
 * ever): while it does not answer within DB_CONNECT_TIMEOUT_MS, API requests are answered 503 at
 * once instead of waiting on the pool; the first answer lets them through again.
 */
@Injectable()
export class DatabaseWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('database');
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  /** Set while the database does not answer; read by the gate. */
  down = false;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime, @Inject(APP_CONFIG) private readonly config: AppConfig, @InjectDataSource() private readonly db: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.drop();
  }

  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    const limit = this.config.DB_CONNECT_TIMEOUT_MS;
    try {
      if (!this.client) {
        const client = new Client({ connectionString: this.runtime.databaseUrl, connectionTimeoutMillis: limit, query_timeout: limit, application_name: 'bcast-watch' });
        client.on('error', () => void this.drop());
        this.client = client;
        await client.connect();
      }
      await this.client.query('SELECT 1');
      if (this.down) this.logger.log({ msg: 'database answers again' });
      this.down = false;
    } catch (err) {
      if (!this.down) {
        this.logger.warn({ msg: 'database not answering: API requests get 503 until it does', error: err instanceof Error ? err.message : String(err) });
        this.releasePool();
      }
      this.down = true;
      await this.drop();
    } finally {
      this.checking = false;
    }
  }

  /**
   * The pool's connections to a server that stopped answering would wait for their statement timeout;
   * closing them now turns the requests waiting on them into 503s, and the pool opens fresh ones later.
   */
  private releasePool(): void {
    const pool = (this.db.driver as unknown as { master?: { _clients?: Array<{ connection?: { stream?: { destroy(): void } } }> } }).master;
    for (const client of pool?._clients ?? []) client.connection?.stream?.destroy();
  }

  private async drop(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  /** Express middleware: the API answers 503 while the database is known to be down. */
  gate() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (!this.down || !req.path.startsWith('/api/')) return next();
      const error = new AppError('DATABASE_UNAVAILABLE');
      res.setHeader('Retry-After', '5');
      res.status(503).json(errorBody(error, languageOf(req), req.requestId));
    };
  }
}
