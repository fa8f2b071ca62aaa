import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/infrastructure/config/app-config';
import { JsonLogger } from '../../src/infrastructure/logging/json-logger';
import { Runtime } from '../../src/infrastructure/runtime';
import { createTestDatabase } from './test-database';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  databaseUrl: string;
  http: ReturnType<typeof request>;
  /** Bearer token of a user, by logging in through the API. */
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/** The real application on a fresh database and the run's real broker. */
export async function startTestApp(env: Record<string, string> = {}, runtimeOverrides: Partial<Runtime> = {}, shared?: { databaseUrl: string }): Promise<TestApp> {
  // a second instance of a deployment shares the first one's database (and leaves it to the first to drop)
  const db = shared ? { url: shared.databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'bcast-app-'));
  const config = loadConfig({
    DATABASE_URL: db.url,
    MQTT_URL: process.env.MQTT_URL,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // retained messages and persistent sessions of one app never meet another's on a shared broker
    MQTT_TOPIC_PREFIX: `t${randomBytes(4).toString('hex')}/v1`,
    INSTANCE_ID: `test-${randomBytes(4).toString('hex')}`,
    ...(process.env.BCAST_TEST_BROKER_SHARED === 'false' ? { MQTT_SHARED_SUBSCRIPTIONS: 'false' } : {}),
    ...(process.env.BCAST_CONTRACT_FILE ? { CONTRACT_CHECK_FILE: process.env.BCAST_CONTRACT_FILE } : {}),
    ...env,
  });
  const runtime: Runtime = {
    databaseUrl: db.url,
    mqttUrl: config.MQTT_URL!,
    tokenSecret: config.TOKEN_SECRET!,
    embedded: { database: false, broker: null },
    stop: async () => undefined,
    ...runtimeOverrides,
  };
  const app = await createApp(config, runtime, new JsonLogger('error'));
  await app.init();
  const http = request(app.getHttpServer());
  return {
    app,
    config,
    databaseUrl: db.url,
    http,
    async login(username, password) {
      const res = await request(app.getHttpServer()).post('/api/v1/auth/login').send({ username, password });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.accessToken as string;
    },
    async close() {
      await app.close();
      await db.drop();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
