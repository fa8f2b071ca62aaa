import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config/app-config';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { ServerOnlyAccessPolicy } from './mqtt/broker-access-policy';
import { EmbeddedBrokerHandle, startEmbeddedBroker } from './mqtt/embedded-broker';

/** What the service runs on, once the embedded defaults (if any) are up. Same shape either way. */
export interface Runtime {
  databaseUrl: string;
  mqttUrl: string;
  /** Credentials the service's own MQTT client uses (embedded broker); external brokers take them from MQTT_URL. */
  mqttCredentials?: { username: string; password: string };
  tokenSecret: string;
  embedded: { database: boolean; broker: EmbeddedBrokerHandle | null };
  stop(): Promise<void>;
}

/** Starts embedded PostgreSQL and/or the embedded broker where no URL is configured. */
export async function startRuntime(config: AppConfig, log: (msg: string) => void = () => undefined): Promise<Runtime> {
  const tokenSecret = config.TOKEN_SECRET ?? persistentSecret(config.DATA_DIR, log);
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      log(`starting embedded PostgreSQL on 127.0.0.1:${config.EMBEDDED_PG_PORT}, data in ${join(config.DATA_DIR, 'postgres')}`);
      const pg = await startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT);
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let mqttUrl = config.MQTT_URL;
    let mqttCredentials: Runtime['mqttCredentials'];
    let broker: EmbeddedBrokerHandle | null = null;
    if (!mqttUrl) {
      mqttCredentials = { username: 'bcast-server', password: createHmac('sha256', tokenSecret).update('mqtt:bcast-server').digest('hex') };
      const tls = config.MQTT_TLS_CERT_FILE && config.MQTT_TLS_KEY_FILE ? { port: config.EMBEDDED_MQTTS_PORT, cert: readFileSync(config.MQTT_TLS_CERT_FILE), key: readFileSync(config.MQTT_TLS_KEY_FILE) } : undefined;
      broker = await startEmbeddedBroker(config.EMBEDDED_MQTT_PORT, new ServerOnlyAccessPolicy(mqttCredentials.username, mqttCredentials.password), config.EMBEDDED_MQTT_HOST ?? config.HOST, undefined, tls);
      if (tls) log(`embedded broker with TLS on port ${config.EMBEDDED_MQTTS_PORT} (mqtts)`);
      stops.push(broker.stop);
      mqttUrl = broker.url;
    }
    return {
      databaseUrl,
      mqttUrl,
      mqttCredentials,
      tokenSecret,
      embedded: { database: !config.DATABASE_URL, broker },
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

/** One secret per data directory, so tokens survive restarts of a single embedded instance. */
function persistentSecret(dataDir: string, log: (msg: string) => void): string {
  const file = join(dataDir, 'token-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  log(`TOKEN_SECRET not set: generated one in ${file} (set TOKEN_SECRET, the same on every instance, in production)`);
  return secret;
}
