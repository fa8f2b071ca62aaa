import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/**
 * Backup and restore of everything the service holds: every table (as JSON lines, read in one
 * REPEATABLE READ snapshot, so the copy is consistent while the service runs), the media store
 * (files checked by their sha256 name) and the data directory's token secret. Plain SQL and files:
 * no pg_dump needed, so it works on the embedded database of a machine with only Node.js.
 */
export interface BackupManifest {
  format: 'bcast-backup/1';
  createdAt: string;
  migrations: string[];
  tables: Array<{ name: string; rows: number }>;
  sequences: Record<string, string>;
  media: Array<{ sha256: string; bytes: number }>;
  tokenSecret: boolean;
}

const BATCH = 5000;

async function tablesOf(c: Client): Promise<string[]> {
  const rows = await c.query(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations' ORDER BY c.relname`,
  );
  return rows.rows.map((r: { relname: string }) => r.relname);
}

export async function backup(databaseUrl: string, mediaDir: string, dataDir: string, out: string, log: (m: string) => void = () => undefined): Promise<BackupManifest> {
  mkdirSync(join(out, 'tables'), { recursive: true });
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  const manifest: BackupManifest = { format: 'bcast-backup/1', createdAt: new Date().toISOString(), migrations: [], tables: [], sequences: {}, media: [], tokenSecret: false };
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    manifest.migrations = (await c.query(`SELECT name FROM schema_migrations ORDER BY id`)).rows.map((r: { name: string }) => r.name);
    for (const s of (await c.query(`SELECT sequencename AS name, last_value FROM pg_sequences WHERE schemaname = 'public'`)).rows) manifest.sequences[s.name] = s.last_value ?? '';
    for (const table of await tablesOf(c)) {
      const file = createWriteStream(join(out, 'tables', `${table}.jsonl`));
      await c.query(`DECLARE dump NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM "${table}" t`);
      let rows = 0;
      for (;;) {
        const batch = (await c.query(`FETCH ${BATCH} FROM dump`)).rows as Array<{ j: string }>;
        if (!batch.length) break;
        if (!file.write(batch.map((r) => r.j).join('\n') + '\n')) await once(file, 'drain');
        rows += batch.length;
      }
      await c.query('CLOSE dump');
      file.end();
      await once(file, 'finish');
      manifest.tables.push({ name: table, rows });
      log(`  ${table}: ${rows}`);
    }
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
  // media: content-addressed files, each checked against its name
  const files = join(mediaDir, 'files');
  for (const sub of existsSync(files) ? readdirSync(files) : []) {
    for (const sha of readdirSync(join(files, sub))) {
      const src = join(files, sub, sha);
      if ((await sha256Of(src)) !== sha) throw new Error(`media file ${src} does not match its sha256: not backed up`);
      const dst = join(out, 'media', sub, sha);
      mkdirSync(dirname(dst), { recursive: true });
      copyFileSync(src, dst);
      manifest.media.push({ sha256: sha, bytes: readFileSync(dst).length });
    }
  }
  const secret = join(dataDir, 'token-secret');
  if (existsSync(secret)) {
    copyFileSync(secret, join(out, 'token-secret'));
    manifest.tokenSecret = true;
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Loads a backup into a database migrated to the same migrations (emptied first), and the media store. */
export async function restore(databaseUrl: string, mediaDir: string, dataDir: string, from: string, log: (m: string) => void = () => undefined): Promise<BackupManifest> {
  const manifest = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8')) as BackupManifest;
  if (manifest.format !== 'bcast-backup/1') throw new Error(`${from} is not a bcast backup`);
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const migrations = (await c.query(`SELECT name FROM schema_migrations ORDER BY id`)).rows.map((r: { name: string }) => r.name);
    if (JSON.stringify(migrations) !== JSON.stringify(manifest.migrations)) {
      throw new Error(`the database is at another schema version than the backup (${migrations.at(-1)} vs ${manifest.migrations.at(-1)}): restore with the same version of bcast`);
    }
    await c.query('BEGIN');
    // foreign keys and triggers are checked by the data's own consistency (a snapshot), not row by row
    await c.query(`SET LOCAL session_replication_role = replica`);
    const tables = await tablesOf(c);
    await c.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} CASCADE`);
    for (const { name, rows } of manifest.tables) {
      if (!tables.includes(name)) throw new Error(`table ${name} of the backup does not exist here`);
      let batch: string[] = [];
      let loaded = 0;
      const flush = async () => {
        if (!batch.length) return;
        if (name === 'play_events') {
          // its monthly partitions first
          await c.query(`SELECT ensure_play_event_partitions(m::date, 1) FROM (SELECT DISTINCT date_trunc('month', (x->>'at')::timestamptz) AS m FROM json_array_elements($1::json) x) y`, [`[${batch.join(',')}]`]);
        }
        await c.query(`INSERT INTO "${name}" OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::"${name}", $1::json)`, [`[${batch.join(',')}]`]);
        loaded += batch.length;
        batch = [];
      };
      const lines = createInterface({ input: createReadStream(join(from, 'tables', `${name}.jsonl`)), crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line) continue;
        batch.push(line);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      if (loaded !== rows) throw new Error(`table ${name}: ${loaded} rows read, the manifest says ${rows}`);
      log(`  ${name}: ${loaded}`);
    }
    for (const [name, value] of Object.entries(manifest.sequences)) if (value) await c.query(`SELECT setval($1, $2)`, [name, value]);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }
  for (const { sha256 } of manifest.media) {
    const src = join(from, 'media', sha256.slice(0, 2), sha256);
    if ((await sha256Of(src)) !== sha256) throw new Error(`media file ${sha256} of the backup is damaged`);
    const dst = join(mediaDir, 'files', sha256.slice(0, 2), sha256);
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(src, dst);
  }
  if (manifest.tokenSecret) {
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(join(from, 'token-secret'), join(dataDir, 'token-secret'));
  }
  return manifest;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
