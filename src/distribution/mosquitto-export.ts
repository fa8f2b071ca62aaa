/**
 * `npm run mosquitto:export -- <directory> [--reset-dynsec]` (in the image:
 * `node dist/src/distribution/mosquitto-export.js <directory>`): writes, from the device registry,
 * `dynamic-security.json` for the shipped configuration's first start (docker/mosquitto; only where
 * none exists, or with --reset-dynsec while the broker is stopped), and `passwd` and `acl` for a
 * Mosquitto run with static files instead (then re-run it, or set MOSQUITTO_EXPORT_DIR, and
 * `kill -HUP` Mosquitto after changes). The service's own account comes from MQTT_URL.
 */
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../infrastructure/config/app-config';
import { dataSourceOptions } from '../infrastructure/database/data-source-options';
import { serverAccount, writeDynsecFile, writeMosquittoFiles } from './mosquitto-files';

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'docker/mosquitto/generated');
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required (the database of the service whose devices are exported)');
  const server = serverAccount(config.MQTT_URL);
  const db = await new DataSource(dataSourceOptions(config.DATABASE_URL)).initialize();
  try {
    const { devices, skipped } = await writeMosquittoFiles(db, dir, config.MQTT_TOPIC_PREFIX, server);
    console.log(`wrote ${dir}/passwd and ${dir}/acl: ${devices} devices${server ? ` and the service account ${server.username}` : ' (no service account: MQTT_URL has no user:password)'}`);
    if (server && (await writeDynsecFile(db, dir, config.MQTT_TOPIC_PREFIX, server, process.argv.includes('--reset-dynsec')))) console.log(`wrote ${dir}/dynamic-security.json for the broker's first start`);
    if (skipped.length) console.warn(`skipped ${skipped.length} devices without a Mosquitto hash (registered before export existed); rotate their tokens: ${skipped.join(', ')}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
