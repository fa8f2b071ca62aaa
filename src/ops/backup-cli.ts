/**
 * `npm run backup -- <directory>` and `npm run restore -- <directory>`, with the service's own
 * environment (DATA_DIR, or DATABASE_URL and MEDIA_DIR). Backup works while the service runs (one
 * consistent snapshot). Restore goes into a fresh data directory (or an empty database): it creates
 * and migrates the database, loads every table, copies the media (checked by sha256) and the token
 * secret; then `npm start` serves the same record.
 */
import { resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../infrastructure/config/app-config';
import { dataSourceOptions } from '../infrastructure/database/data-source-options';
import { embeddedUrl, startEmbeddedPostgres } from '../infrastructure/database/embedded-postgres';
import { migrate } from '../infrastructure/database/migrate';
import { backup, restore } from './backup';

async function reachable(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const [command, dirArg] = process.argv.slice(2);
  if (!['backup', 'restore'].includes(command) || !dirArg) throw new Error('usage: backup|restore <directory>');
  const dir = resolve(dirArg);
  const config = loadConfig();
  let url = config.DATABASE_URL;
  let stop = async () => undefined as void;
  if (!url) {
    // the embedded database: the running service's, or started here when the service is stopped
    url = embeddedUrl(config.EMBEDDED_PG_PORT);
    if (!(await reachable(url))) {
      const pg = await startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT);
      url = pg.url;
      stop = pg.stop;
    }
  }
  const log = (m: string) => console.log(m);
  try {
    if (command === 'backup') {
      const m = await backup(url, config.mediaDir, config.DATA_DIR, dir, log);
      console.log(`backup in ${dir}: ${m.tables.reduce((n, t) => n + t.rows, 0)} rows in ${m.tables.length} tables, ${m.media.length} media files`);
    } else {
      const db = await new DataSource(dataSourceOptions(url)).initialize();
      try {
        await migrate(db);
      } finally {
        await db.destroy();
      }
      const m = await restore(url, config.mediaDir, config.DATA_DIR, dir, log);
      console.log(`restored from ${dir} (taken ${m.createdAt}): ${m.tables.reduce((n, t) => n + t.rows, 0)} rows, ${m.media.length} media files`);
    }
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
