import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export async function withDatabase<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file, cloned from the run's template. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.BCAST_TEST_ADMIN_URL!;
  const name = `bcast_t_${process.env.BCAST_TEST_RUN}_${randomBytes(4).toString('hex')}`;
  await withDatabase(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.BCAST_TEST_TEMPLATE}`));
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => withDatabase(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
