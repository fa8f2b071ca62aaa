import { timingSafeEqual } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { DatabaseWatch } from '../database/database-watch';
import { httpDuration, registry } from './metrics';

/**
 * GET /metrics for Prometheus, only with `Authorization: Bearer <METRICS_TOKEN>` (no token set: no
 * endpoint). What the database knows is read when scraped: devices online and offline, the job
 * queue by state, channels whose playlist waits to be published, the connection pool.
 */
export function installMetrics(app: INestApplication, token: string | undefined): void {
  const http = app.getHttpAdapter().getInstance() as { use(fn: (req: Request, res: Response, next: NextFunction) => void): void; get(path: string, fn: (req: Request, res: Response) => void): void };
  http.use((req, res, next) => {
    const end = httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req as Request & { route?: { path?: string } }).route?.path;
      end({ method: req.method, route: route ? `${req.baseUrl}${route}` : 'other', status: String(res.statusCode) });
    });
    next();
  });
  if (!token) return;
  const db = app.get(DataSource);
  const watch = app.get(DatabaseWatch);
  // (several apps in one process — the tests — share the registry)
  const gauge = (name: string, help: string, labelNames: string[] = []) => (registry.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
  const devices = gauge('bcast_devices', 'Registered devices, online or not', ['state']);
  const jobs = gauge('bcast_jobs', 'Jobs by queue and state', ['queue', 'status']);
  const pending = gauge('bcast_playlists_pending', 'Channels whose changed playlist is not yet published');
  const pool = gauge('bcast_db_pool_connections', 'Database pool connections', ['state']);
  const up = gauge('bcast_database_up', '1 while the database answers');
  http.get('/metrics', (req, res) => {
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    const wanted = Buffer.from(`Bearer ${token}`);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      res.status(401).json({ statusCode: 401, code: 'UNAUTHENTICATED', message: 'Cần mã METRICS_TOKEN' });
      return;
    }
    void (async () => {
      up.set(watch.down ? 0 : 1);
      const p = (db.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
      if (p) {
        pool.set({ state: 'total' }, p.totalCount);
        pool.set({ state: 'idle' }, p.idleCount);
        pool.set({ state: 'waiting' }, p.waitingCount);
      }
      if (!watch.down) {
        devices.reset();
        for (const r of await db.query(`SELECT online, count(*)::int AS n FROM devices WHERE revoked_at IS NULL GROUP BY online`)) devices.set({ state: r.online ? 'online' : 'offline' }, r.n);
        jobs.reset();
        for (const r of await db.query(`SELECT queue, status, count(*)::int AS n FROM jobs GROUP BY 1, 2`)) jobs.set({ queue: r.queue, status: r.status }, r.n);
        pending.set((await db.query(`SELECT count(*)::int AS n FROM playlist_changes`))[0].n);
      }
      res.setHeader('Content-Type', registry.contentType);
      res.end(await registry.metrics());
    })().catch((err) => res.status(503).json({ statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: String(err instanceof Error ? err.message : err) }));
  });
}
