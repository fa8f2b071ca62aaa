import { withDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const admin = process.env.BCAST_TEST_ADMIN_URL;
  const run = process.env.BCAST_TEST_RUN;
  if (admin && run) {
    // Databases of test files that crashed before dropping their own.
    await withDatabase(admin, async (c) => {
      const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`bcast_t_${run}_%`]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }).catch(() => undefined);
  }
  for (const stop of (globalThis.__bcastTestStops ?? []).reverse()) await stop().catch(() => undefined);
}
