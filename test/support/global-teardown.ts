import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  // what the services under test published to devices and the contract does not allow
  const violations = process.env.BCAST_CONTRACT_FILE && existsSync(process.env.BCAST_CONTRACT_FILE) ? readFileSync(process.env.BCAST_CONTRACT_FILE, 'utf8').trim() : '';
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
  if (violations) {
    const out = join(__dirname, '..', '..', 'test-output');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'contract-violations.jsonl'), violations + '\n');
    throw new Error(`the service published ${violations.split('\n').length} payload(s) the device contract (docs/contract) does not allow; test-output/contract-violations.jsonl:\n${violations.split('\n').slice(0, 5).join('\n')}`);
  }
}
