import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const TZ = 'Asia/Ho_Chi_Minh';
const hhmm = (t: Date) => t.toLocaleTimeString('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const localDay = (t: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(t);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Thông tư 39/2020/TT-BTTTT: bản tin từ hệ thống thông tin nguồn trung ương, cấp tỉnh xuống đài truyền
 * thanh cấp xã có ba mức — thông thường (xã chủ động bố trí), ưu tiên (phát đầu tiên ở phiên kế tiếp),
 * khẩn cấp (phát ngay, ngắt mọi nội dung).
 */
describe('bulletins from above: normal, priority, emergency', () => {
  let t: TestApp;
  let db: DataSource;
  const ids: Record<string, string> = {};
  const tok: Record<string, string> = {};
  const as = (who = 'editor') => ({ Authorization: `Bearer ${tok[who]}` });
  const communes: string[] = [];
  const speakers: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    tok.admin = await t.login(ADMIN.username, ADMIN.password);
    const csv = ['code,name,kind,parent_code', '38,Tỉnh Thanh Hóa,province,', '389,Huyện Quan Sơn,district,38'];
    for (let i = 1; i <= 12; i++) csv.push(`${16000 + i},Xã ${String(i).padStart(2, '0')},commune,389`);
    await t.http.post('/api/v1/units/import').set(as('admin')).set('Content-Type', 'text/csv').send(csv.join('\n') + '\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units?limit=100').set(as('admin'))).body.items) ids[u.code] = u.id;
    for (const [username, role, unit] of [['editor', 'editor', '389'], ['editor2', 'editor', '389'], ['operator', 'operator', '16001']]) {
      await t.http.post('/api/v1/users').set(as('admin')).send({ username, displayName: username, password: 'mat-khau-dai-du', role, unitId: ids[unit] }).expect(201);
      tok[username] = await t.login(username, 'mat-khau-dai-du');
    }
    const windows = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }, { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', end: '18:00' }];
    for (let i = 1; i <= 12; i++) {
      communes.push(ids[String(16000 + i)]);
      speakers.push((await t.http.post('/api/v1/channels').set(as()).send({ unitId: ids[String(16000 + i)], name: `Đài xã ${i}`, kind: 'audio', windows }).expect(201)).body.id);
    }
    const fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-bulletin-')));
    const up = await t.http.post('/api/v1/media-assets/audio').set(as()).field('unitId', ids['389']).attach('file', fx.quietTone('ban-tin.mp3', 3, ['-c:a', 'libmp3lame']));
    ids.audio = up.body.id;
    for (let i = 0; i < 150; i++) {
      const a = (await t.http.get(`/api/v1/media-assets/${ids.audio}`).set(as())).body;
      if (a.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);
  afterAll(() => t?.close());

  it('a normal bulletin is offered to 12 communes: 7 place it, 3 decline with reasons, 2 let it expire — the report says exactly that', async () => {
    const validUntil = new Date(Date.now() + 20_000);
    const sent = await t.http.post('/api/v1/bulletins').set(as()).send({ targetUnitId: ids['389'], level: 'normal', title: 'Thông báo lịch tiêm chủng', mediaAssetId: ids.audio, validUntil: validUntil.toISOString() });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ level: 'normal', source: 'district', channels: 12 });
    // offered, not placed: the commune's operator sees it in the inbox
    const inbox = (await t.http.get('/api/v1/bulletins/inbox').set(as('operator'))).body;
    expect(inbox).toEqual([expect.objectContaining({ bulletinId: sent.body.id, channelId: speakers[0], level: 'normal', status: 'offered' })]);
    const at = new Date(Date.now() + 6_000).toISOString();
    for (const ch of speakers.slice(0, 7)) {
      const res = await t.http.post(`/api/v1/bulletins/${sent.body.id}/channels/${ch}/place`).set(as(ch === speakers[0] ? 'operator' : 'editor')).send({ startsAt: at });
      expect([res.status, res.body.status]).toEqual([200, 'placed']);
    }
    const reasons = ['Trùng giờ tiếp âm VOV1', 'Nội dung không áp dụng cho xã', 'Trùng giờ tiếp âm VOV1'];
    for (const [i, reason] of reasons.entries()) {
      expect((await t.http.post(`/api/v1/bulletins/${sent.body.id}/channels/${speakers[7 + i]}/decline`).set(as()).send({ reason })).status).toBe(200);
    }
    // what cannot be done says why: handled twice, no reason, outside the validity, another commune's channel
    expect((await t.http.post(`/api/v1/bulletins/${sent.body.id}/channels/${speakers[7]}/decline`).set(as()).send({ reason: 'x' })).body.code).toBe('BULLETIN_HANDLED');
    expect((await t.http.post(`/api/v1/bulletins/${sent.body.id}/channels/${speakers[10]}/decline`).set(as()).send({})).body.fields[0].field).toBe('reason');
    const late = await t.http.post(`/api/v1/bulletins/${sent.body.id}/channels/${speakers[10]}/place`).set(as()).send({ startsAt: new Date(validUntil.getTime() + 60_000).toISOString() });
    expect([late.status, late.body.fields?.[0]?.field]).toEqual([400, 'startsAt']);
    expect((await t.http.post(`/api/v1/bulletins/${sent.body.id}/channels/${speakers[1]}/place`).set(as('operator')).send({ startsAt: at })).status).toBe(404);
    // a time another announcement already holds: 409, and the bulletin is still waiting there
    await t.http.post(`/api/v1/channels/${speakers[10]}/entries`).set(as()).send({ kind: 'announcement', mediaAssetId: ids.audio, title: 'Thông báo của xã', startsAt: at, endsAt: new Date(Date.parse(at) + 60_000).toISOString() }).expect(201);
    const clash = await t.http.post(`/api/v1/bulletins/${sent.body.id}/channels/${speakers[10]}/place`).set(as()).send({ startsAt: at });
    expect([clash.status, clash.body.code]).toEqual([409, 'SCHEDULE_CONFLICT']);
    expect(await db.query(`SELECT status, entry_id FROM bulletin_deliveries WHERE bulletin_id = $1 AND channel_id = $2`, [sent.body.id, speakers[10]])).toEqual([{ status: 'offered', entry_id: null }]);
    // the placed ones are announcements on the communes' calendars
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM schedule_entries e JOIN bulletin_deliveries d ON d.entry_id = e.id WHERE d.bulletin_id = $1 AND e.kind = 'announcement' AND e.status = 'scheduled'`, [sent.body.id]);
    expect(n).toBe(7);

    await new Promise((r) => setTimeout(r, Math.max(0, validUntil.getTime() - Date.now() + 500)));
    expect((await t.http.post(`/api/v1/bulletins/${sent.body.id}/channels/${speakers[10]}/place`).set(as()).send({ startsAt: new Date().toISOString() })).body.code).toBe('BULLETIN_EXPIRED');
    const today = localDay(new Date());
    const report = (await t.http.get('/api/v1/reports/bulletins').query({ unitId: ids['389'], from: today, to: today }).set(as())).body;
    expect(report.totals).toEqual({ received: 12, placed: 7, aired: 0, declined: 3, expired: 2, open: 0 });
    expect(report.rows).toHaveLength(12);
    expect(report.rows.filter((r: { declined: number }) => r.declined).map((r: { unitName: string; declineReasons: string[] }) => [r.unitName, r.declineReasons])).toEqual([
      ['Xã 08', ['Trùng giờ tiếp âm VOV1']], ['Xã 09', ['Nội dung không áp dụng cho xã']], ['Xã 10', ['Trùng giờ tiếp âm VOV1']],
    ]);
    expect(report.rows.filter((r: { expired: number }) => r.expired).map((r: { unitName: string }) => r.unitName)).toEqual(['Xã 11', 'Xã 12']);
    expect(report.rows[0]).toMatchObject({ unitName: 'Xã 01', level: 'normal', source: 'district', received: 1, placed: 1 });
  }, 60_000);

  it('two priority bulletins open the next session in the operator’s order; what they push out is re-planned, and said so', async () => {
    // a session three minutes from now, one minute long, already full: a manual announcement, then a planned airing
    const start = new Date(Math.ceil((Date.now() + 3 * 60_000) / 60_000) * 60_000);
    const end = new Date(start.getTime() + 60_000);
    const ch = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: communes[0], name: 'Đài xã 1 — phiên thử', kind: 'audio', windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: hhmm(start), end: hhmm(end) === '00:00' ? '24:00' : hhmm(end) }] })).body.id;
    const series = (await t.http.post('/api/v1/series').set(as()).send({ unitId: ids['389'], name: 'Chuyên mục an toàn giao thông' })).body.id;
    const program = (await t.http.post('/api/v1/programs').set(as()).send({ unitId: ids['389'], title: 'An toàn giao thông', audioAssetId: ids.audio, seriesId: series })).body.id;
    await t.http.post(`/api/v1/programs/${program}/submit`).set(as()).expect(200);
    await t.http.post(`/api/v1/programs/${program}/approve`).set(as('editor2')).expect(200);
    const day = localDay(start);
    const rule = (await t.http.post('/api/v1/rules').set(as()).send({ name: 'An toàn giao thông 10 ngày', seriesId: series, targetUnitId: communes[0], definition: { match: {}, period: 'range', from: day, to: addDays(day, 9), minPrograms: 1, minAiringsPerProgram: 1 } })).body.id;
    // d: the bulletin's (and the program's) length; one bulletin still leaves room for both, two do not
    const d = (await t.http.get(`/api/v1/media-assets/${ids.audio}`).set(as())).body.durationMs as number;
    const announcement = (await t.http.post(`/api/v1/channels/${ch}/entries`).set(as()).send({ kind: 'announcement', mediaAssetId: ids.audio, title: 'Thông báo của xã', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 52_000).toISOString() })).body.id;
    const [{ id: planned }] = await db.query(
      `INSERT INTO schedule_entries (channel_id, kind, status, source, program_id, rule_id, period, starts_at, ends_at) VALUES ($1, 'airing', 'scheduled', 'planner', $2, $3, $4, $5, $6) RETURNING id`,
      [ch, program, rule, `${day}..${addDays(day, 9)}`, new Date(start.getTime() + 52_000), new Date(start.getTime() + 52_000 + d)],
    );

    const send = async (title: string) => (await t.http.post('/api/v1/bulletins').set(as()).send({ targetUnitId: communes[0], level: 'priority', title, mediaAssetId: ids.audio, validUntil: new Date(Date.now() + 86_400_000).toISOString() })).body;
    const first = await send('Tin ưu tiên: phòng chống rét đậm');
    const second = await send('Tin ưu tiên: lịch cắt điện');
    const entries = async () => db.query(`SELECT id, title, status, starts_at, ends_at FROM schedule_entries WHERE channel_id = $1 AND status = 'scheduled' AND starts_at < $2 ORDER BY starts_at`, [ch, end]);
    const at = (n: number) => new Date(start.getTime() + n * d); // after n bulletins
    // both first in the session, in the order they came; the announcement pushed later; the planned airing no longer fits
    expect((await entries()).map((e: { title: string | null; starts_at: Date }) => [e.title, e.starts_at])).toEqual([
      ['Tin ưu tiên: phòng chống rét đậm', at(0)], ['Tin ưu tiên: lịch cắt điện', at(1)], ['Thông báo của xã', at(2)],
    ]);
    expect((await db.query(`SELECT status FROM schedule_entries WHERE id = $1`, [planned]))[0].status).toBe('cancelled');
    expect((await db.query(`SELECT id FROM schedule_entries WHERE id = $1 AND starts_at = $2`, [announcement, at(2)])).length).toBe(1);
    const inbox = (await t.http.get('/api/v1/bulletins/inbox').set(as('operator'))).body.filter((x: { channelId: string }) => x.channelId === ch);
    expect(inbox.map((x: { bulletinId: string; level: string; status: string }) => [x.bulletinId, x.level, x.status])).toEqual([[first.id, 'priority', 'placed'], [second.id, 'priority', 'placed']]);
    expect(inbox[1].note).toMatch(/«An toàn giao thông» \(\d\d:\d\d\) không còn chỗ trong phiên sau bản tin ưu tiên: đã hủy và được lập lịch lại/);

    // the operator wants the power cut first
    const ordered = await t.http.post(`/api/v1/channels/${ch}/bulletin-order`).set(as('operator')).send({ bulletinIds: [second.id, first.id] });
    expect(ordered.status).toBe(200);
    expect((await entries()).map((e: { title: string | null; starts_at: Date }) => [e.title, e.starts_at])).toEqual([
      ['Tin ưu tiên: lịch cắt điện', at(0)], ['Tin ưu tiên: phòng chống rét đậm', at(1)], ['Thông báo của xã', at(2)],
    ]);
    expect((await t.http.post(`/api/v1/channels/${ch}/bulletin-order`).set(as('operator')).send({ bulletinIds: [second.id] })).body.fields[0].field).toBe('bulletinIds');

    // the displaced airing is planned again in a later session of the rule's dates
    let again: Array<{ starts_at: Date }> = [];
    for (let i = 0; i < 100 && !again.length; i++) {
      again = await db.query(`SELECT starts_at FROM schedule_entries WHERE channel_id = $1 AND rule_id = $2 AND status = 'scheduled'`, [ch, rule]);
      if (!again.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(again).toHaveLength(1);
    expect(new Date(again[0].starts_at).getTime()).toBeGreaterThanOrEqual(end.getTime());
  }, 60_000);

  it('an emergency bulletin becomes an alert on every loudspeaker of the subtree at once', async () => {
    const sent = await t.http.post('/api/v1/bulletins').set(as()).send({ targetUnitId: ids['389'], level: 'emergency', source: 'province', title: 'Khẩn cấp: lũ quét', mediaAssetId: ids.audio, validUntil: new Date(Date.now() + 3_600_000).toISOString() });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ level: 'emergency', source: 'province', alertId: expect.any(String) });
    const [alert] = (await t.http.get('/api/v1/alerts?active=true').set(as())).body.items;
    expect(alert).toMatchObject({ id: sent.body.alertId, title: 'Khẩn cấp: lũ quét' });
    const all: Array<{ id: string }> = await db.query(`SELECT c.id FROM channels c JOIN units u ON u.id = c.unit_id WHERE u.path LIKE (SELECT path FROM units WHERE id = $1) || '%' AND c.kind = 'audio'`, [ids['389']]);
    expect([...alert.channelIds].sort()).toEqual(all.map((c) => c.id).sort());
    const [{ alerted }] = await db.query(`SELECT count(*)::int AS alerted FROM bulletin_deliveries WHERE bulletin_id = $1 AND status = 'alerted'`, [sent.body.id]);
    expect(alerted).toBe(all.length);
    await t.http.post(`/api/v1/alerts/${sent.body.alertId}/stop`).set(as()).expect(200);
    // bad input: named, nothing written
    const before = await db.query(`SELECT count(*)::int AS n FROM bulletins`);
    for (const [body, field] of [[{ level: 'loud' }, 'level'], [{ validUntil: '2020-01-01T00:00:00Z' }, 'validUntil'], [{ mediaAssetId: 'x' }, 'mediaAssetId']] as const) {
      const res = await t.http.post('/api/v1/bulletins').set(as()).send({ ...{ targetUnitId: ids['389'], level: 'normal', title: 'x', mediaAssetId: ids.audio, validUntil: new Date(Date.now() + 60_000).toISOString() }, ...body });
      expect([res.status, res.body.fields?.[0]?.field]).toEqual([400, field]);
    }
    expect((await t.http.post('/api/v1/bulletins').set(as('operator')).send({ targetUnitId: ids['389'], level: 'normal', title: 'x', mediaAssetId: ids.audio, validUntil: new Date(Date.now() + 60_000).toISOString() })).status).toBe(403);
    expect(await db.query(`SELECT count(*)::int AS n FROM bulletins`)).toEqual(before);
  });
});
