import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';

/** The token of the n-th seeded device (its hash is what the database keeps). */
export const deviceToken = (n: number) => `bench-device-token-${n}`;

/**
 * A database of its own for one benchmark run, on DATABASE_URL's server or, without it, an embedded
 * PostgreSQL on `embeddedPort`; `drop` removes it (unless `keep`) and stops the embedded server.
 */
export async function benchDatabase(embeddedPort: number): Promise<{ url: string; name: string; drop: (keep?: boolean) => Promise<void> }> {
  let adminUrl = process.env.DATABASE_URL;
  let stop: () => Promise<void> = async () => undefined;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'bcast-bench-'));
    chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres(dir, embeddedPort);
    stop = pg.stop;
    adminUrl = pg.url;
  }
  const name = `bcast_bench_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async (keep = false) => {
      if (!keep) {
        const c = new Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await c.end();
      }
      await stop();
    },
  };
}

/**
 * A province of `channels` communes with one loudspeaker channel each, `devices` devices spread over
 * them (device n's token is deviceToken(n)), and two airings a day for the 7-day horizon of an
 * approved program, at 06:00 and 17:00 local time. Run against the migrated database of a started service.
 */
export async function seedFleet(db: Client, channels: number, devices: number): Promise<void> {
  const province = randomUUID();
  await db.query(`INSERT INTO units (id, code, name, kind, parent_id, path, depth, timezone) VALUES ($1, 'P', 'Tỉnh', 'province', NULL, $2, 0, 'Asia/Ho_Chi_Minh')`, [province, `${province}/`]);
  await db.query(
    `INSERT INTO units (id, code, name, kind, parent_id, path, depth, timezone)
     SELECT id, 'C' || n, 'Xã ' || n, 'commune', $1, $2 || id || '/', 1, 'Asia/Ho_Chi_Minh' FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $3) n) x`,
    [province, `${province}/`, channels],
  );
  await db.query(`INSERT INTO channels (unit_id, name, kind) SELECT id, 'Đài ' || name, 'audio' FROM units WHERE kind = 'commune'`);
  const [{ id: asset }] = (await db.query(
    `INSERT INTO media_assets (unit_id, kind, status, title, original_name, original_bytes, progress, sha256, bytes, mime, duration_ms)
     VALUES ($1, 'audio', 'ready', 'x', 'x.mp3', 1, 100, $2, 7200000, 'audio/mpeg', 900000) RETURNING id`,
    [province, createHash('sha256').update('bench').digest('hex')],
  )).rows;
  const [{ id: adminId }] = (await db.query(`SELECT id FROM users WHERE username = 'admin'`)).rows;
  const [{ id: approver }] = (await db.query(`INSERT INTO users (username, display_name, password_hash, role) VALUES ('approver', 'x', 'x', 'admin') RETURNING id`)).rows;
  const [{ id: program }] = (await db.query(
    `INSERT INTO programs (unit_id, title, audio_asset_id, status, created_by, approved_by, approved_at) VALUES ($1, 'Chuyên mục chuyển đổi số tháng này', $2, 'approved', $3, $4, now()) RETURNING id`,
    [province, asset, adminId, approver],
  )).rows;
  await db.query(
    `INSERT INTO schedule_entries (channel_id, kind, priority, status, source, program_id, starts_at, ends_at)
     SELECT c.id, 'airing', 'normal', 'scheduled', 'planner', $1, t, t + interval '15 minutes'
       FROM channels c, generate_series(0, 6) d, (VALUES (time '06:00'), (time '17:00')) AS h(at),
            LATERAL (SELECT ((date_trunc('day', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') + make_interval(days => d) + h.at) AT TIME ZONE 'Asia/Ho_Chi_Minh') AS t) x`,
    [program],
  );
  await db.query(
    `INSERT INTO devices (channel_id, name, kind, token_hash)
     SELECT c.id, 'Cụm loa ' || n, 'speaker', encode(sha256(('bench-device-token-' || n)::bytea), 'hex')
       FROM generate_series(0, $1 - 1) n JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM channels) c ON c.k = n % $2`,
    [devices, channels],
  );
}
