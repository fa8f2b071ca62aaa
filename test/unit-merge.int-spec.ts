import { DataSource } from 'typeorm';
import { ADMIN, startTestApp, TestApp } from './support/test-app';
import { seedApprovedProgram } from './support/seed-program';

const TZ = 'Asia/Ho_Chi_Minh';
const localDay = (t: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(t);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthStart = (day: string, n: number) => {
  const [y, m] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 10);
};

/**
 * Communes that merge (Nghị quyết về sắp xếp đơn vị hành chính cấp xã, in force from 1 July 2025):
 * three communes become one on the first of this month, after a year of broadcasting; reports of the
 * months before read byte for byte as they did; the new commune plans and its devices play the next
 * day; a split gives the channels back.
 */
describe('communes that merge, and split', () => {
  let t: TestApp;
  let db: DataSource;
  const ids: Record<string, string> = {};
  const as = (token = ids.admin) => ({ Authorization: `Bearer ${token}` });
  const today = localDay(new Date());
  const on = monthStart(today, 0); // the merge takes effect on the first of this month
  const yearFrom = monthStart(today, -12);
  const yearTo = addDays(on, -1);

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    ids.admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv')
      .send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n389,Huyện Quan Sơn,district,38\n1,Xã Sơn Hà,commune,389\n2,Xã Sơn Lư,commune,389\n3,Xã Tam Lư,commune,389\n4,Xã Trung Hạ,commune,389\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as())).body.items) ids[u.code] = u.id;
    await t.http.post('/api/v1/users').set(as()).send({ username: 'vanhanh.sonha', displayName: 'Vận hành Sơn Hà', password: 'mat-khau-dai-du', role: 'operator', unitId: ids['1'] }).expect(201);
    await t.http.post('/api/v1/users').set(as()).send({ username: 'bientap.qs', displayName: 'Biên tập', password: 'mat-khau-dai-du', role: 'editor', unitId: ids['389'] }).expect(201);
    const windows = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }];
    for (const c of ['1', '2', '3', '4']) ids[`ch${c}`] = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: ids[c], name: `Đài xã ${c}`, kind: 'audio', windows }).expect(201)).body.id;
    const dev = (await t.http.post(`/api/v1/channels/${ids.ch1}/devices`).set(as()).send({ name: 'Cụm loa bản Son', kind: 'speaker' }).expect(201)).body;
    [ids.device, ids.deviceToken] = [dev.device.id, dev.token];
    const series = (await t.http.post('/api/v1/series').set(as()).send({ unitId: ids['389'], name: 'Chuyển đổi số' })).body.id;
    // R1 for the district, and a commune's own rule (Sơn Lư: one airing a month of the same series)
    ids.rule = (await t.http.post('/api/v1/rules').set(as()).send({ name: 'Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần', seriesId: series, definition: { match: {}, period: 'month', from: yearFrom, minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 } }).expect(201)).body.id;
    ids.communeRule = (await t.http.post('/api/v1/rules').set(as()).send({ name: 'Sơn Lư: mỗi tháng 1 lượt', seriesId: series, targetUnitId: ids['2'], definition: { match: {}, period: 'month', from: yearFrom, minPrograms: 1, minAiringsPerProgram: 1 } }).expect(201)).body.id;
    const program = await seedApprovedProgram(db, { unitId: ids['389'], seriesId: series, title: 'Chuyển đổi số', author: 'admin', approver: 'bientap.qs', sha256Char: 'b' });
    ids.program = program;
    // a year of airings: days 2, 9, 16, 23 of each month at 06:00; devices reported them, except Tam Lư's in odd months
    await db.query(
      `INSERT INTO schedule_entries (channel_id, kind, status, source, program_id, rule_id, period, starts_at, ends_at, evidenced_at)
       SELECT ch, 'airing', 'scheduled', 'planner', $2, $3, to_char(m, 'YYYY-MM'), ((m + (d - 1) * interval '1 day')::date + time '06:00') AT TIME ZONE 'Asia/Ho_Chi_Minh',
              ((m + (d - 1) * interval '1 day')::date + time '06:10') AT TIME ZONE 'Asia/Ho_Chi_Minh',
              CASE WHEN ch = $5 AND extract(month FROM m)::int % 2 = 1 THEN NULL ELSE ((m + (d - 1) * interval '1 day')::date + time '06:10') AT TIME ZONE 'Asia/Ho_Chi_Minh' END
         FROM unnest($1::uuid[]) ch, generate_series($4::date, ($6::date - interval '1 month'), interval '1 month') m, unnest(ARRAY[2, 9, 16, 23]) d`,
      [[ids.ch1, ids.ch2, ids.ch3, ids.ch4], program, ids.rule, yearFrom, ids.ch3, on],
    );
  }, 120_000);
  afterAll(() => t?.close());

  /** The reports a district keeps: compliance as JSON and the broadcast log CSV, for the year before the merge. */
  const reports = async () => {
    const out: Record<string, string> = {};
    for (const u of ['389', '1', '2', '3']) {
      const c = await t.http.get('/api/v1/compliance').query({ unitId: ids[u], from: yearFrom, to: yearTo }).set(as());
      expect(c.status).toBe(200);
      out[`compliance:${u}`] = JSON.stringify(c.body);
    }
    out.log = (await t.http.get('/api/v1/reports/broadcast-log.csv').query({ unitId: ids['389'], from: yearFrom, to: yearTo }).set(as())).text;
    return out;
  };

  it('merges three communes: the months before read byte for byte as before; the new commune plans and its device plays the next day; a split gives the channels back', async () => {
    const before = await reports();
    expect(JSON.parse(before['compliance:1']).rows).toHaveLength(12);
    expect(JSON.parse(before['compliance:2']).rows).toHaveLength(24); // the district's rule and its own
    expect(before.log.split('\r\n').length).toBeGreaterThan(4 * 4 * 12);

    // bad merges are refused, naming the field, and change nothing
    for (const [body, field] of [
      [{ unitIds: [ids['1'], ids['2']], into: { code: '99001', name: 'Xã X' }, on: addDays(on, 1) }, 'on'],
      [{ unitIds: [ids['1'], ids['389']], into: { code: '99001', name: 'Xã X' }, on }, 'unitIds'],
    ] as const) {
      const res = await t.http.post('/api/v1/units/merge').set(as()).send(body);
      expect([res.status, res.body.fields?.[0]?.field]).toEqual([400, field]);
    }
    expect((await t.http.post('/api/v1/units/merge').set(as(await t.login('bientap.qs', 'mat-khau-dai-du'))).send({ unitIds: [ids['1'], ids['2']], into: { code: '99001', name: 'Xã X' }, on })).status).toBe(403);
    const channelOwners = async () => db.query(`SELECT id, unit_id FROM channels ORDER BY id`);
    const ownersBefore = await channelOwners();
    const taken = await t.http.post('/api/v1/units/merge').set(as()).send({ unitIds: [ids['1'], ids['2']], into: { code: '389', name: 'Xã X' }, on });
    expect([taken.status, taken.body.code]).toEqual([409, 'UNIT_CODE_TAKEN']);
    expect(await channelOwners()).toEqual(ownersBefore);
    expect(await db.query(`SELECT count(*)::int AS n FROM unit_merges`)).toEqual([{ n: 0 }]);

    const merged = await t.http.post('/api/v1/units/merge').set(as()).send({ unitIds: [ids['1'], ids['2'], ids['3']], into: { code: '16210', name: 'Xã Sơn Thủy' }, on });
    expect(merged.status).toBe(201);
    expect(merged.body).toMatchObject({ on, channels: 3, unit: { name: 'Xã Sơn Thủy', kind: 'commune', parentId: ids['389'] } });
    ids.merged = merged.body.unit.id;
    // history reads as it did
    expect(await reports()).toEqual(before);
    // a commune merges once
    const again = await t.http.post('/api/v1/units/merge').set(as()).send({ unitIds: [ids['1'], ids['4']], into: { code: '16211', name: 'Xã Y' }, on });
    expect([again.status, again.body.fields?.[0]?.field]).toEqual([400, 'unitIds']);
    // the new commune holds the channels now; the operator of Sơn Hà works for Sơn Thủy
    const channels = (await t.http.get('/api/v1/channels').query({ unitId: ids.merged }).set(as())).body.map((c: { id: string }) => c.id).sort();
    expect(channels).toEqual([ids.ch1, ids.ch2, ids.ch3].sort());
    const operator = await t.login('vanhanh.sonha', 'mat-khau-dai-du');
    expect((await t.http.get('/api/v1/channels').set(as(operator))).body).toHaveLength(3);
    // the commune's own rule ended the day before and goes on for the new commune
    const rules = (await t.http.get('/api/v1/rules').set(as())).body as Array<{ id: string; name: string; targetUnitId: string; definition: { from?: string; to?: string } }>;
    expect(rules.find((r) => r.id === ids.communeRule)!.definition.to).toBe(addDays(on, -1));
    expect(rules.filter((r) => r.name === 'Sơn Lư: mỗi tháng 1 lượt' && r.targetUnitId === ids.merged).map((r) => r.definition.from)).toEqual([on]);
    // a report across the merge date shows both: the former communes before, the new one from the merge
    const across = (await t.http.get('/api/v1/compliance').query({ unitId: ids['389'], from: addDays(on, -1), to: on }).set(as())).body.rows as Array<{ ruleId: string; unitId: string; channelId: string; periodStart: string }>;
    expect(across.filter((r) => r.channelId === ids.ch1 && r.ruleId === ids.rule).map((r) => [r.periodStart, r.unitId]).sort()).toEqual([[monthStart(today, -1), ids['1']], [on, ids.merged]]);
    // Sơn Lư's own rule goes on for the whole merged commune, one station
    expect(across.filter((r) => r.ruleId !== ids.rule && r.periodStart === on).map((r) => r.channelId).sort()).toEqual([ids.ch1, ids.ch2, ids.ch3].sort());

    // the next day: the new commune plans, and its device gets the airing
    const tomorrow = addDays(today, 1);
    const plan = await t.http.post('/api/v1/schedule/plan').set(as()).send({ unitId: ids.merged, from: tomorrow, to: addDays(tomorrow, 6) });
    expect(plan.status).toBe(200);
    const next: Array<{ id: string; channel_id: string }> = await db.query(`SELECT id, channel_id FROM schedule_entries WHERE channel_id = ANY($1::uuid[]) AND starts_at >= now() AND status = 'scheduled'`, [[ids.ch1, ids.ch2, ids.ch3]]);
    expect(new Set(next.map((e) => e.channel_id))).toEqual(new Set([ids.ch1, ids.ch2, ids.ch3]));
    let playlist: { entries: Array<{ id: string }> } | null = null;
    for (let i = 0; i < 50 && !playlist?.entries.some((e) => next.some((n) => n.id === e.id)); i++) {
      const res = await t.http.get(`/api/v1/devices/${ids.device}/playlist`).set({ Authorization: `Bearer ${ids.deviceToken}` });
      playlist = res.status === 200 ? res.body : null;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(playlist?.entries.some((e) => next.some((n) => n.id === e.id))).toBe(true);

    // the split: each channel goes back to its commune, and so do the operator and the rule
    const split = await t.http.post(`/api/v1/units/${ids.merged}/split`).set(as());
    expect(split.status).toBe(200);
    const owners = await db.query(`SELECT id, unit_id FROM channels WHERE id = ANY($1::uuid[]) ORDER BY name`, [[ids.ch1, ids.ch2, ids.ch3]]);
    expect(owners).toEqual([{ id: ids.ch1, unit_id: ids['1'] }, { id: ids.ch2, unit_id: ids['2'] }, { id: ids.ch3, unit_id: ids['3'] }]);
    expect((await t.http.get('/api/v1/channels').set(as(await t.login('vanhanh.sonha', 'mat-khau-dai-du')))).body.map((c: { id: string }) => c.id)).toEqual([ids.ch1]);
    expect((await t.http.get('/api/v1/rules').set(as())).body.find((r: { id: string }) => r.id === ids.communeRule).definition.to).toBeUndefined();
    expect(await reports()).toEqual(before);
    expect((await t.http.post(`/api/v1/units/${ids.merged}/split`).set(as())).body.fields?.[0]?.field).toBe('id');
  }, 120_000);
});
