import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** The project root whether running from src/ (ts) or dist/src/ (js). */
const projectRoot = join(__dirname, '..', '..', '..');

/** One definition of how the service talks to PostgreSQL, used by the app, the CLI and tests. */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(projectRoot, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(projectRoot, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: { max: 20, application_name: 'bcast' },
    ...extra,
  } as DataSourceOptions;
}
