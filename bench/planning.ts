/**
 * Planning one month for 3,300 communes (one audio channel each, three series with rules) through
 * the real PlanningService on real PostgreSQL, including storing every airing; then the
 * compliance report over the same data for one province and for the whole country; then a national
 * campaign over the same month on every commune's loudspeaker and a new LED board each. Beside each
 * planning figure, the raw one: the same rows inserted by one client with multi-row INSERTs into a copy
 * of the table (issue #16: planning within 2× of it).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx ts-node --transpile-only bench/planning.ts [communes=3300]
 *   (without DATABASE_URL an embedded PostgreSQL is started)
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { Actor } from '../src/auth/actor';
import { loadConfig } from '../src/infrastructure/config/app-config';
import { JsonLogger } from '../src/infrastructure/logging/json-logger';
import { ServerOnlyAccessPolicy } from '../src/infrastructure/mqtt/broker-access-policy';
import { startEmbeddedBroker } from '../src/infrastructure/mqtt/embedded-broker';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { ComplianceService } from '../src/schedule/compliance.service';
import { PlanningService } from '../src/schedule/planning.service';
import { benchDatabase } from './support/fleet';
import { peakRssLine, phaseRss } from './support/peak-rss';
import { reproduceLine, scriptArgs } from './support/script';

const COMMUNES = Number(process.argv[2] ?? 3300);
const PROVINCES = 34;

async function main() {
  const stops: Array<() => Promise<void>> = [];
  const database = await benchDatabase(54398);
  const url = new URL(database.url);
  const broker = await startEmbeddedBroker(0, new ServerOnlyAccessPolicy('bench', 'bench'), '127.0.0.1');
  stops.push(broker.stop);

  const config = loadConfig({ DATABASE_URL: url.toString(), MQTT_URL: `mqtt://bench:bench@127.0.0.1:${broker.port}`, TOKEN_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'bench-password', MEDIA_WORKERS: '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'bcast-bench-data-')) });
  const app = await createApp(config, { databaseUrl: url.toString(), mqttUrl: config.MQTT_URL!, tokenSecret: config.TOKEN_SECRET!, embedded: { database: false, broker: null }, stop: async () => undefined }, new JsonLogger('error'));
  await app.init();
  const db = new Client({ connectionString: url.toString() });
  await db.connect();

  console.log(`seeding ${PROVINCES} provinces, ${COMMUNES} communes with one channel each, 3 series with rules and their approved programs…`);
  const national = randomUUID();
  await db.query(`INSERT INTO units (id, code, name, kind, parent_id, path, depth, timezone) VALUES ($1, 'VN', 'Việt Nam', 'national', NULL, $2, 0, 'Asia/Ho_Chi_Minh')`, [national, `${national}/`]);
  await db.query(
    `INSERT INTO units (id, code, name, kind, parent_id, path, depth, timezone)
     SELECT id, 'P' || n, 'Tỉnh ' || n, 'province', $1, $2 || id || '/', 1, 'Asia/Ho_Chi_Minh'
       FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $3) n) p`,
    [national, `${national}/`, PROVINCES],
  );
  await db.query(
    `INSERT INTO units (id, code, name, kind, parent_id, path, depth, timezone)
     SELECT c.id, 'C' || c.n, 'Xã ' || c.n, 'commune', p.id, p.path || c.id || '/', 2, 'Asia/Ho_Chi_Minh'
       FROM (SELECT gen_random_uuid() AS id, n, n % $2 AS k FROM generate_series(1, $1) n) c
       JOIN (SELECT id, path, (row_number() OVER (ORDER BY code)) - 1 AS k FROM units WHERE kind = 'province') p ON p.k = c.k`,
    [COMMUNES, PROVINCES],
  );
  const windows = JSON.stringify([{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }, { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', end: '18:00' }]);
  await db.query(`INSERT INTO channels (unit_id, name, kind, windows) SELECT id, 'Đài ' || name, 'audio', $1::jsonb FROM units WHERE kind = 'commune'`, [windows]);
  const [{ id: adminId }] = (await db.query(`SELECT id FROM users WHERE username = 'admin'`)).rows;
  const [{ id: approver }] = (await db.query(`INSERT INTO users (username, display_name, password_hash, role) VALUES ('approver', 'x', 'x', 'admin') RETURNING id`)).rows;
  const [{ id: asset }] = (await db.query(
    `INSERT INTO media_assets (unit_id, kind, status, title, original_name, original_bytes, progress, sha256, bytes, mime, duration_ms)
     VALUES ($1, 'audio', 'ready', 'x', 'x.mp3', 1, 100, repeat('a', 64), 1, 'audio/mpeg', 900000) RETURNING id`,
    [national],
  )).rows;
  const month = { from: '2027-01-01', to: '2027-01-31' };
  const rules = [
    ['Chuyển đổi số', { period: 'month', minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 }],
    ['An toàn giao thông', { period: 'month', minPrograms: 2, minAiringsPerProgram: 2, maxAiringsPerDay: 1 }],
    ['Bản tin tuần', { period: 'week', minPrograms: 1, minAiringsPerProgram: 2, minSpacingHours: 24 }],
  ] as const;
  for (const [name, def] of rules) {
    const [{ id: series }] = (await db.query(`INSERT INTO series (unit_id, name) VALUES ($1, $2) RETURNING id`, [national, name])).rows;
    await db.query(`INSERT INTO rules (series_id, unit_id, target_unit_id, name, definition) VALUES ($1, $2, $2, $3, $4)`, [series, national, name, JSON.stringify({ ...def, match: { seriesId: series } })]);
    for (let i = 0; i < 6; i++) {
      await db.query(
        `INSERT INTO programs (unit_id, title, series_id, audio_asset_id, status, created_by, approved_by, approved_at, period_start, period_end)
         VALUES ($1, $2, $3, $4, 'approved', $5, $6, now(), $7, $8)`,
        [national, `${name} ${i + 1}`, series, asset, adminId, approver, month.from, month.to],
      );
    }
  }
  const actor = new Actor(adminId, 'admin', 'admin', null, null);
  const planning = app.get(PlanningService);
  const now = new Date('2026-12-31T17:00:00Z');

  const t0 = process.hrtime.bigint();
  const report = await planning.plan(actor, national, month.from, month.to, false, now);
  const planSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const planRss = phaseRss();
  const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM schedule_entries`)).rows;

  const compliance = app.get(ComplianceService);
  const [{ id: province }] = (await db.query(`SELECT id FROM units WHERE kind = 'province' ORDER BY code LIMIT 1`)).rows;
  const timings: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = process.hrtime.bigint();
    await compliance.report(actor, province, month.from, month.to, now);
    timings.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const s = process.hrtime.bigint();
  const country = await compliance.report(actor, national, month.from, month.to, now);
  const countryMs = Number(process.hrtime.bigint() - s) / 1e6;
  const complianceRss = phaseRss();
  const provinceChannels: string[] = (await db.query(`SELECT c.id FROM channels c JOIN units u ON u.id = c.unit_id WHERE u.parent_id = $1`, [province])).rows.map((r: { id: string }) => r.id);
  const monthEnd = '2027-02-01'; // (the day after month.to: the raw query's end is exclusive)
  const provinceRaw = await rawCountMs(url.toString(), month.from, monthEnd, provinceChannels, 5);
  const countryRaw = await rawCountMs(url.toString(), month.from, monthEnd, null, 1);

  const planRaw = await rawInsertSeconds(url.toString(), `TRUE`);

  // A national campaign for the same month: every commune gets an LED board; the campaign asks each
  // loudspeaker for 3 airings of its program and each board for its 2 slides every day 06:00–22:00.
  await db.query(`INSERT INTO channels (unit_id, name, kind, windows) SELECT id, 'Bảng LED ' || name, 'display', '[]'::jsonb FROM units WHERE kind = 'commune'`);
  const slideIds: string[] = [];
  for (const k of [1, 2]) {
    const [{ id }] = (await db.query(
      `INSERT INTO media_assets (unit_id, kind, status, title, original_name, original_bytes, progress, sha256, bytes, mime, display_ms, width, height, duration_ms)
       VALUES ($1, 'slide', 'ready', $2, 'slide.png', 1, 100, repeat($3, 64), 1, 'image/png', 8000, 384, 192, 8000) RETURNING id`,
      [national, `Trang ${k}`, String(k)],
    )).rows;
    slideIds.push(id);
  }
  const [{ id: campaignProgram }] = (await db.query(
    `INSERT INTO programs (unit_id, title, audio_asset_id, status, created_by, approved_by, approved_at) VALUES ($1, 'Ngày Chuyển đổi số quốc gia', $2, 'approved', $3, $4, now()) RETURNING id`,
    [national, asset, adminId, approver],
  )).rows;
  await db.query('ANALYZE');
  const c0 = process.hrtime.bigint();
  const campaign = await app.get(CampaignsService).create(actor, {
    name: 'Ngày Chuyển đổi số quốc gia', unitId: national, startsOn: month.from, endsOn: month.to,
    audio: { programIds: [campaignProgram], minAiringsPerProgram: 3, maxAiringsPerDay: 1 },
    display: { mediaAssetIds: slideIds, dailyWindows: [{ start: '06:00', end: '22:00' }] },
  }, now);
  const campaignSeconds = Number(process.hrtime.bigint() - c0) / 1e9;
  const campaignRss = phaseRss();
  const campaignRaw = await rawInsertSeconds(url.toString(), `kind = 'slides' OR program_id = '${campaignProgram}'`);
  // the same province now that each commune also has an LED board under the campaign's display rule
  const withBoards: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s0 = process.hrtime.bigint();
    await compliance.report(actor, province, month.from, month.to, now);
    withBoards.push(Number(process.hrtime.bigint() - s0) / 1e6);
  }

  // A whole year of airings and ~10 million device events, for the country-year compliance query.
  let yearLine = 'country-year: skipped (BENCH_YEAR=0)';
  if (process.env.BENCH_YEAR !== '0') {
    console.log('planning the rest of 2027 and loading ~10 million play events (setup, not timed)…');
    for (let m = 2; m <= 12; m++) {
      const mm = String(m).padStart(2, '0');
      const last = new Date(Date.UTC(2027, m, 0)).getUTCDate();
      await db.query(`UPDATE programs SET period_start = NULL, period_end = NULL`);
      await planning.plan(actor, national, `2027-${mm}-01`, `2027-${mm}-${last}`, false, now);
    }
    await db.query(`SELECT ensure_play_event_partitions('2027-01-01', 12)`);
    // Nine devices per channel report started + completed for nine airings in ten.
    await db.query(
      `INSERT INTO play_events (device_id, event_id, at, type, channel_id, entry_id)
       SELECT md5(e.channel_id::text || d)::uuid, e.id::text || '-' || d || '-' || t.kind, e.starts_at + t.off, t.kind, e.channel_id, e.id
         FROM schedule_entries e
         CROSS JOIN generate_series(1, 9) d
         CROSS JOIN (VALUES ('play.started', interval '0'), ('play.completed', interval '1 minute')) t(kind, off)
        WHERE e.status = 'scheduled' AND abs(hashtext(e.id::text)) % 10 <> 0`,
    );
    await db.query(
      `UPDATE schedule_entries e SET evidenced_at = x.at, shown_at = CASE WHEN e.kind = 'slides' THEN x.shown END FROM (
         SELECT entry_id, min(at) FILTER (WHERE type = 'play.completed') AS at, min(at) FILTER (WHERE type = 'play.started') AS shown
           FROM play_events GROUP BY entry_id) x
        WHERE e.id = x.entry_id`,
    );
    await db.query('ANALYZE');
    const [{ events }] = (await db.query(`SELECT count(*)::int AS events FROM play_events`)).rows;
    const [{ entries }] = (await db.query(`SELECT count(*)::int AS entries FROM schedule_entries`)).rows;
    const setupRss = phaseRss();
    const runs: number[] = [];
    let rows = 0;
    for (let i = 0; i < 3; i++) {
      const s0 = process.hrtime.bigint();
      rows = (await compliance.report(actor, national, '2027-01-01', '2027-12-31', new Date('2028-01-15T00:00:00Z'))).rows.length;
      runs.push(Number(process.hrtime.bigint() - s0) / 1e6);
    }
    const yearMs = runs.sort((a, b) => a - b)[1];
    const yearRaw = await rawCountMs(url.toString(), '2027-01-01', '2028-01-01', null, 3);
    yearLine = `Compliance, whole country, 2027: median ${yearMs.toFixed(0)} ms of 3 (${rows} rows; ${entries} entries, ${events} play events) ${phaseRss()}; the year's setup (planning 11 months, loading events) ${setupRss}\n  raw: ${RAW_COUNT} ${yearRaw.toFixed(0)} ms; ratio ${(yearMs / yearRaw).toFixed(1)}× (goal < 2 s: ${yearMs < 2000 ? 'met' : 'NOT met'})`;
  }

  console.log(`\nPlanning ${month.from}..${month.to}: ${report.channels} channels, ${report.rules} rules`);
  console.log(`  planned and stored ${report.created} airings (${n} rows) in ${planSeconds.toFixed(2)} s; ${report.shortfalls.length} shortfalls ${planRss}`);
  console.log(`  raw: the same ${planRaw.rows} rows inserted by one client (a process of its own), ${planRaw.batch} per statement, into a copy of the table (same indexes, exclusion and foreign keys): ${planRaw.seconds.toFixed(2)} s; ratio ${(planSeconds / planRaw.seconds).toFixed(2)}× (goal ≤ 2×: ${planSeconds / planRaw.seconds <= 2 ? 'met' : 'NOT met'})`);
  console.log(`National campaign ${month.from}..${month.to} on ${campaign.plan.channels} channels (loudspeakers and LED boards): ${campaign.plan.created - campaign.plan.showings} airings + ${campaign.plan.showings} slide showings planned and stored in ${campaignSeconds.toFixed(2)} s (audio-only month above: ${planSeconds.toFixed(2)} s); ${campaign.plan.shortfalls.length} shortfalls ${campaignRss}`);
  console.log(`  raw: the same ${campaignRaw.rows} rows inserted the same way: ${campaignRaw.seconds.toFixed(2)} s; ratio ${(campaignSeconds / campaignRaw.seconds).toFixed(2)}× (goal ≤ 2×: ${campaignSeconds / campaignRaw.seconds <= 2 ? 'met' : 'NOT met'})`);
  const provinceMs = timings.sort((a, b) => a - b)[2];
  console.log(`Compliance, one province (${Math.round(COMMUNES / PROVINCES)} channels), one month: median ${provinceMs.toFixed(0)} ms of 5 (goal < 50 ms: ${provinceMs < 50 ? 'met' : 'NOT met'})`);
  console.log(`  raw: ${RAW_COUNT} ${provinceRaw.toFixed(1)} ms (median of 5); ratio ${(provinceMs / provinceRaw).toFixed(1)}×`);
  const boardsMs = withBoards.sort((a, b) => a - b)[2];
  console.log(`  the same province with its ${Math.round(COMMUNES / PROVINCES)} LED boards under the campaign (loudspeakers and boards): median ${boardsMs.toFixed(0)} ms of 5 (goal < 50 ms: ${boardsMs < 50 ? 'met' : 'NOT met'})`);
  console.log(`Compliance, whole country, one month: ${countryMs.toFixed(0)} ms (${country.rows.length} rule × channel × period rows) ${complianceRss}`);
  console.log(`  raw: ${RAW_COUNT} ${countryRaw.toFixed(0)} ms; ratio ${(countryMs / countryRaw).toFixed(1)}×`);
  console.log(yearLine);
  console.log(peakRssLine());
  console.log(reproduceLine('planning', [COMMUNES], ['DATABASE_URL']));

  await db.end();
  await app.close();
  for (const stop of stops.reverse()) await stop();
  if (process.env.BENCH_KEEP) console.log(`kept database ${database.name}`);
  await database.drop(Boolean(process.env.BENCH_KEEP));
}

const RAW_COUNT = 'the same entries counted by one GROUP BY (channel, program, local month), planned and evidenced:';

/** The raw count (bench/support/raw-figures.ts), in a process of its own: median of `runs`, ms. */
async function rawCountMs(databaseUrl: string, from: string, to: string, channelIds: string[] | null, runs: number): Promise<number> {
  return (await rawFigure(['count', databaseUrl, from, to, JSON.stringify(channelIds), String(runs)])).ms;
}

/**
 * The raw figure beside planning (bench/support/raw-figures.ts), in a process of its own: reading the
 * rows back and inserting them is not the service's memory.
 */
async function rawInsertSeconds(databaseUrl: string, where: string): Promise<{ rows: number; seconds: number; batch: number }> {
  return rawFigure(['insert', databaseUrl, where]);
}

async function rawFigure(args: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, [...scriptArgs(__dirname, 'support/raw-figures'), ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
