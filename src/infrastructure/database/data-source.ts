/** DataSource for the TypeORM CLI (npm run migration:run / migration:generate). */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('DATABASE_URL must be set for migration commands (e.g. postgres://postgres@127.0.0.1:5432/bcast)');
}
export default new DataSource(dataSourceOptions(url));
