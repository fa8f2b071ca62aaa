import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/infrastructure/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';
import { migrate } from '../../src/infrastructure/database/migrate';
import { ServerOnlyAccessPolicy } from '../../src/infrastructure/mqtt/broker-access-policy';
import { startEmbeddedBroker } from '../../src/infrastructure/mqtt/embedded-broker';
import { freePort } from './free-port';
import { withDatabase } from './test-database';

declare global {
  // eslint-disable-next-line no-var
  var __bcastTestStops: Array<() => Promise<void>> | undefined;
}

/**
 * Real PostgreSQL and a real MQTT broker for the whole run: the ones named by DATABASE_URL and
 * MQTT_URL (CI: the machine's PostgreSQL and Mosquitto), else embedded ones started here, as a
 * fresh machine with only Node.js has neither. Migrations run once into a template database that
 * every test file clones (test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  globalThis.__bcastTestStops = stops;

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    // Under /tmp: the embedded server runs as the 'postgres' user, which must reach its data directory.
    const dir = mkdtempSync(join(tmpdir(), 'bcast-test-pg-'));
    chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres(dir, await freePort());
    stops.push(pg.stop);
    adminUrl = pg.url;
    process.env.BCAST_TEST_EMBEDDED_PG = '1';
  }
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const template = `bcast_tpl_${runId}`;
  await withDatabase(adminUrl, (c) => c.query(`CREATE DATABASE ${template}`));
  const ds = await new DataSource(dataSourceOptions(withDbName(adminUrl, template))).initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
  stops.push(() => withDatabase(adminUrl!, (c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)).then(() => undefined));

  if (!process.env.MQTT_URL) {
    const username = 'bcast-server';
    const password = randomBytes(16).toString('hex');
    const broker = await startEmbeddedBroker(0, new ServerOnlyAccessPolicy(username, password), '127.0.0.1');
    stops.push(broker.stop);
    process.env.MQTT_URL = `mqtt://${username}:${password}@127.0.0.1:${broker.port}`;
    // Aedes has no shared subscriptions: apps on it use one plain ingest subscription.
    process.env.BCAST_TEST_BROKER_SHARED = 'false';
  }
  process.env.BCAST_TEST_ADMIN_URL = adminUrl;
  process.env.BCAST_TEST_TEMPLATE = template;
  process.env.BCAST_TEST_RUN = runId;
  // every payload a test's service publishes to devices is checked against docs/contract (global-teardown fails on any violation)
  process.env.BCAST_CONTRACT_FILE = join(mkdtempSync(join(tmpdir(), 'bcast-contract-')), 'violations.jsonl');
}

export function withDbName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
