/**
 * The raw figures beside the benchmarks, each run in a process of its own (rows read back, payloads made
 * for a bare client, are not the service's memory); prints its result as JSON on its last line.
 *
 *   raw-figures.ts insert <database url> <where>   the rows the planner stored, read back (not timed) and
 *                                                  inserted by one client into a copy of schedule_entries
 *   raw-figures.ts count <database url> <from> <to> <channel ids as JSON, or null> <runs>
 *                                                  the same entries counted by one GROUP BY; median ms
 *   raw-figures.ts publish <broker url> <credentials as JSON, or null> <topic prefix> <count> <bytes>
 *                                                  a bare MQTT.js client publishing as many retained QoS 1
 *                                                  messages of that size, 2,000 unacknowledged at a time
 *                                                  (as the service), then clearing them; seconds
 *   raw-figures.ts events <database url> <plan file> 200,000 rows inserted into a table like play_events,
 *                                                  2,000 per multi-row INSERT; seconds
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { Client } from 'pg';

const RAW_BATCH = 1000;
const RAW_COLUMNS = ['channel_id', 'kind', 'priority', 'status', 'source', 'program_id', 'rule_id', 'period', 'starts_at', 'ends_at', 'created_by', 'title', 'media_asset_id', 'media_asset_ids', 'makes_up_entry_id'];

/**
 * The raw figure beside planning: the rows the planner stored (`where`), read back (not timed) and
 * inserted by one client in one transaction, RAW_BATCH rows per multi-row INSERT, into a fresh copy of
 * schedule_entries with the same indexes, overlap exclusion and foreign keys — no planning, no reads.
 */
async function rawInsertSeconds(db: Client, where: string): Promise<{ rows: number; seconds: number; batch: number }> {
  const rows = (await db.query({ text: `SELECT ${RAW_COLUMNS.join(', ')} FROM schedule_entries WHERE ${where}`, rowMode: 'array' })).rows as unknown[][];
  await db.query(`DROP TABLE IF EXISTS raw_entries; CREATE TABLE raw_entries (LIKE schedule_entries INCLUDING ALL)`);
  const fks = (await db.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'schedule_entries'::regclass AND contype = 'f'`)).rows;
  for (const fk of fks) await db.query(`ALTER TABLE raw_entries ADD CONSTRAINT raw_${fk.conname} ${fk.def}`);
  const t0 = process.hrtime.bigint();
  await db.query('BEGIN');
  for (let i = 0; i < rows.length; i += RAW_BATCH) {
    const part = rows.slice(i, i + RAW_BATCH);
    const k = RAW_COLUMNS.length;
    const values = part.map((_, j) => `(${RAW_COLUMNS.map((_c, c) => `$${j * k + c + 1}`).join(', ')})`);
    await db.query(`INSERT INTO raw_entries (${RAW_COLUMNS.join(', ')}) VALUES ${values.join(', ')}`, part.flat());
  }
  await db.query('COMMIT');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await db.query(`DROP TABLE raw_entries`);
  return { rows: rows.length, seconds, batch: RAW_BATCH };
}

/** The raw figure beside a compliance report: one aggregate over the same entries — what reading them
 * costs — without the rules, periods, merges and evidence levels the report works out. Median of `runs`. */
async function rawCountMs(db: Client, from: string, to: string, channelIds: string[] | null, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await db.query(
      `SELECT channel_id, program_id, to_char(starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM') AS month,
              count(*), count(*) FILTER (WHERE status = 'aired' OR evidenced_at IS NOT NULL)
         FROM schedule_entries
        WHERE status IN ('scheduled', 'aired') AND program_id IS NOT NULL
          AND starts_at >= ($1::date AT TIME ZONE 'Asia/Ho_Chi_Minh') AND starts_at < ($2::date AT TIME ZONE 'Asia/Ho_Chi_Minh')
          AND ($3::uuid[] IS NULL OR channel_id = ANY($3::uuid[]))
        GROUP BY 1, 2, 3`,
      [from, to, channelIds],
    );
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function publishSeconds(url: string, credentials: { username: string; password: string } | null, prefix: string, count: number, bytes: number): Promise<number> {
  const client = await connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, clientId: `bench-raw-${randomBytes(6).toString('hex')}`, ...(credentials ?? {}) });
  const windowed = async (body: string) => {
    let next = 0;
    const sender = async () => {
      while (next < count) await client.publishAsync(`${prefix}/raw/${next++}/playlist`, body, { qos: 1, retain: true });
    };
    await Promise.all(Array.from({ length: 2000 }, sender));
  };
  const t0 = performance.now();
  await windowed('x'.repeat(bytes));
  const seconds = (performance.now() - t0) / 1000;
  await windowed(''); // clear them
  await client.endAsync();
  return seconds;
}

async function insertEvents(db: Client, plan: { at0: number; senders: Array<{ id: string; channel: string; entryId: string }> }): Promise<{ rows: number; batch: number; seconds: number }> {
  await db.query(`CREATE TABLE raw_events (LIKE play_events_default INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
  const rows = 200_000;
  const batch = 2000;
  const { senders, at0 } = plan;
  const t0 = performance.now();
  for (let b = 0; b < rows / batch; b++) {
    const values: string[] = [];
    const params: unknown[] = [];
    for (let j = 0; j < batch; j++) {
      const p = params.length;
      const sender = senders[j % senders.length];
      values.push(`($${p + 1}, $${p + 2}, $${p + 3}, 'play.started', $${p + 4}, $${p + 5}, 1, NULL)`);
      params.push(sender.id, `raw-${b}-${j}`, new Date(at0 + j * 1000), sender.channel, sender.entryId);
    }
    await db.query(`INSERT INTO raw_events (device_id, event_id, at, type, channel_id, entry_id, playlist_version, detail) VALUES ${values.join(',')}`, params);
  }
  const seconds = (performance.now() - t0) / 1000;
  await db.query(`DROP TABLE raw_events`);
  return { rows, batch, seconds };
}

async function main() {
  const [what, url, ...args] = process.argv.slice(2);
  if (what === 'publish') {
    console.log(JSON.stringify({ seconds: await publishSeconds(url, JSON.parse(args[0]), args[1], Number(args[2]), Number(args[3])) }));
    return;
  }
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    if (what === 'insert') console.log(JSON.stringify(await rawInsertSeconds(db, args[0])));
    else if (what === 'events') console.log(JSON.stringify(await insertEvents(db, JSON.parse(readFileSync(args[0], 'utf8')))));
    else console.log(JSON.stringify({ ms: await rawCountMs(db, args[0], args[1], JSON.parse(args[2]), Number(args[3])) }));
  } finally {
    await db.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
