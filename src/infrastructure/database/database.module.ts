import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseLimits, dataSourceOptions } from './data-source-options';
import { DatabaseWatch } from './database-watch';
import { migrate } from './migrate';

/** TypeORM on the configured (or embedded) PostgreSQL; pending migrations are applied on start. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(databaseUrl: string, limits?: DatabaseLimits): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(databaseUrl, {}, limits), retryAttempts: 2, retryDelay: 1000 }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            const applied = await migrate(dataSource);
            if (applied.length) new Logger('database').log({ msg: 'migrations applied', applied });
            return dataSource;
          },
        }),
      ],
      providers: [DatabaseWatch],
      exports: [DatabaseWatch],
    };
  }
}
