import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** The project root whether running from src/ (ts) or dist/src/ (js). */
const projectRoot = join(__dirname, '..', '..', '..');

/** One definition of how the service talks to PostgreSQL, used by the app, the CLI and tests. */
/** Connection and statement limits: a sick database answers 503 in seconds instead of hanging requests. */
export interface DatabaseLimits {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}, limits: DatabaseLimits = { connectTimeoutMs: 3000, statementTimeoutMs: 120_000 }): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(projectRoot, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(projectRoot, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      max: 20,
      application_name: 'bcast',
      connectionTimeoutMillis: limits.connectTimeoutMs,
      // server side, and client side for a server that stopped answering altogether
      statement_timeout: limits.statementTimeoutMs,
      query_timeout: limits.statementTimeoutMs + 5000,
      keepAlive: true,
    },
    ...extra,
  } as DataSourceOptions;
}
