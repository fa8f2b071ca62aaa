/**
 * `npm run mosquitto:export -- <directory>` (in the image: `node dist/src/distribution/mosquitto-export.js <directory>`):
 * writes `passwd` and `acl` for an external Mosquitto from the device registry (docker/mosquitto,
 * docs/protocol.md). Run it after registering, rotating or revoking devices — or let the service do
 * it by setting MOSQUITTO_EXPORT_DIR — then `kill -HUP` Mosquitto to reload both files.
 * The service's own account comes from MQTT_URL's user and password.
 */
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../infrastructure/config/app-config';
import { dataSourceOptions } from '../infrastructure/database/data-source-options';
import { serverAccount, writeMosquittoFiles } from './mosquitto-files';

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'docker/mosquitto/generated');
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required (the database of the service whose devices are exported)');
  const server = serverAccount(config.MQTT_URL);
  const db = await new DataSource(dataSourceOptions(config.DATABASE_URL)).initialize();
  try {
    const { devices, skipped } = await writeMosquittoFiles(db, dir, config.MQTT_TOPIC_PREFIX, server);
    console.log(`wrote ${dir}/passwd and ${dir}/acl: ${devices} devices${server ? ` and the service account ${server.username}` : ' (no service account: MQTT_URL has no user:password)'}`);
    if (skipped.length) console.warn(`skipped ${skipped.length} devices without a Mosquitto hash (registered before export existed); rotate their tokens: ${skipped.join(', ')}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
