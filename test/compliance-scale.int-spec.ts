import { DataSource } from 'typeorm';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/** Next month, local dates (the report's statuses then do not depend on today's date within it). */
function nextMonth() {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date()).split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 1));
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return { from: `${d.getUTCFullYear()}-${mm}-01`, to: `${d.getUTCFullYear()}-${mm}-${last}` };
}

type Row = { ruleId: string; channelId: string; period: string; planned: unknown; evidenced: unknown; levels: unknown; status: string; unitId: string };
const key = (r: Row) => `${r.ruleId}|${r.channelId}|${r.period}`;

/**
 * A report over more channels than a district's (over 1,000) is counted differently from a province's:
 * one scan of the period's entries joined to the channels, in two parts on two connections, instead of
 * each channel's entries through the index. Both must say the same: the country's rows are its
 * provinces' rows. 003_…txt: "mỗi tháng 01 Chương trình và phát lại ít nhất 03 lần/tháng"; a weekly
 * bulletin asking a new item each week.
 */
describe('compliance of the whole country', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  const ids: Record<string, string> = {};
  const month = nextMonth();

  beforeAll(async () => {
    t = await startTestApp();
    auth = { Authorization: `Bearer ${await t.login(ADMIN.username, ADMIN.password)}` };
    const db = t.app.get(DataSource);
    const [{ id: national }] = await db.query(`INSERT INTO units (id, code, name, kind, parent_id, path, depth, timezone) SELECT g, 'VN', 'Việt Nam', 'national', NULL, g || '/', 0, 'Asia/Ho_Chi_Minh' FROM gen_random_uuid() g RETURNING id`);
    ids.national = national;
    for (const [code, communes] of [['P1', 560], ['P2', 545]] as const) {
      const [{ id, path }] = await db.query(
        `INSERT INTO units (id, code, name, kind, parent_id, path, depth, timezone) SELECT g, $1::text, 'Tỉnh ' || $1::text, 'province', $2, (SELECT path FROM units WHERE id = $2) || g || '/', 1, 'Asia/Ho_Chi_Minh' FROM gen_random_uuid() g RETURNING id, path`,
        [code, national],
      );
      ids[code] = id;
      await db.query(
        `INSERT INTO units (id, code, name, kind, parent_id, path, depth, timezone)
         SELECT g, $1::text || '-' || n, 'Xã ' || n, 'commune', $2, $3 || g || '/', 2, 'Asia/Ho_Chi_Minh' FROM (SELECT gen_random_uuid() AS g, n FROM generate_series(1, $4) n) x`,
        [code, id, path, communes],
      );
    }
    const windows = JSON.stringify([{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }, { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', end: '18:00' }]);
    await db.query(`INSERT INTO channels (unit_id, name, kind, windows) SELECT id, 'Đài ' || name, 'audio', $1::jsonb FROM units WHERE kind = 'commune'`, [windows]);
    const [{ id: admin }] = await db.query(`SELECT id FROM users WHERE username = $1`, [ADMIN.username]);
    const [{ id: approver }] = await db.query(`INSERT INTO users (username, display_name, password_hash, role) VALUES ('approver', 'x', 'x', 'admin') RETURNING id`);
    const [{ id: asset }] = await db.query(
      `INSERT INTO media_assets (unit_id, kind, status, title, original_name, original_bytes, progress, sha256, bytes, mime, duration_ms)
       VALUES ($1, 'audio', 'ready', 'x', 'x.mp3', 1, 100, repeat('a', 64), 1, 'audio/mpeg', 600000) RETURNING id`,
      [national],
    );
    const rules = [
      ['Chuyển đổi số', { period: 'month', minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 }],
      ['Bản tin tuần', { period: 'week', minPrograms: 1, minAiringsPerProgram: 2, minSpacingHours: 24, freshEachPeriod: true }],
    ] as const;
    for (const [name, definition] of rules) {
      const [{ id: series }] = await db.query(`INSERT INTO series (unit_id, name) VALUES ($1, $2) RETURNING id`, [national, name]);
      await db.query(`INSERT INTO rules (series_id, unit_id, target_unit_id, name, definition) VALUES ($1, $2, $2, $3, $4)`, [series, national, name, JSON.stringify({ ...definition, match: { seriesId: series } })]);
      for (let i = 0; i < 6; i++) {
        await db.query(
          `INSERT INTO programs (unit_id, title, series_id, audio_asset_id, status, created_by, approved_by, approved_at) VALUES ($1, $2, $3, $4, 'approved', $5, $6, now())`,
          [national, `${name} ${i + 1}`, series, asset, admin, approver],
        );
      }
    }
    const plan = await t.http.post('/api/v1/schedule/plan').set(auth).send({ unitId: national, from: month.from, to: month.to });
    expect(plan.status).toBe(200);
    expect(plan.body.created).toBeGreaterThan(1105 * 4);
    // evidence of every kind on some airings: the devices' reports, an operator's confirmation; a few cancelled
    await db.query(`UPDATE schedule_entries SET evidenced_at = starts_at + interval '1 minute' WHERE abs(hashtext(id::text)) % 3 = 0`);
    await db.query(`UPDATE schedule_entries SET status = 'aired' WHERE abs(hashtext(id::text)) % 5 = 1`);
    await db.query(`UPDATE schedule_entries SET status = 'cancelled' WHERE abs(hashtext(id::text)) % 17 = 2`);
  }, 120_000);

  afterAll(async () => t?.close());

  it('says for the country what its provinces say, row for row', async () => {
    const country = await t.http.get(`/api/v1/compliance?unitId=${ids.national}&from=${month.from}&to=${month.to}`).set(auth);
    expect(country.status).toBe(200);
    const provinces: Row[] = [];
    for (const code of ['P1', 'P2']) {
      const res = await t.http.get(`/api/v1/compliance?unitId=${ids[code]}&from=${month.from}&to=${month.to}`).set(auth);
      expect(res.status).toBe(200);
      provinces.push(...res.body.rows);
    }
    const rows: Row[] = country.body.rows;
    const weeks = new Set(rows.filter((r) => r.period.includes('W')).map((r) => r.period)).size;
    expect(rows).toHaveLength(1105 * (1 + weeks));
    expect(provinces).toHaveLength(rows.length);
    const byKey = new Map(provinces.map((r) => [key(r), r]));
    for (const r of rows) expect({ ...byKey.get(key(r)) }).toEqual({ ...r });
    // and the counts are not all alike: evidence of both kinds, and periods met and not
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['ok', 'at_risk']));
    expect(rows.some((r) => (r.levels as { confirmed: number }).confirmed > 0 && (r.levels as { reported: number }).reported > 0)).toBe(true);
  });
});
