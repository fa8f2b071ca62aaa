import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const TZ = 'Asia/Ho_Chi_Minh';
const localHm = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
const localDay = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(iso));

/**
 * Channels, a province's rule reaching every commune below it (R1, R2), the planner writing the
 * airings, and the database refusing double bookings.
 * 003_…txt: "mỗi tháng 01 Chương trình và phát lại ít nhất 03 lần/tháng".
 */
describe('schedules and rebroadcast rules', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });

  beforeAll(async () => {
    t = await startTestApp();
    tok.admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as('admin')).set('Content-Type', 'text/csv').send(
      'code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n15943,Xã Trung Thượng,commune,38\n15944,Xã Sơn Điện,commune,38\n15945,Xã Mường Mìn,commune,38\n',
    );
    for (const u of (await t.http.get('/api/v1/units').set(as('admin'))).body.items) ids[u.code] = u.id;
    for (const [username, role, unit] of [['editor.a', 'editor', '38'], ['editor.b', 'editor', '38'], ['operator.ts', 'operator', '15943']]) {
      await t.http.post('/api/v1/users').set(as('admin')).send({ username, displayName: username, password: 'mat-khau-dai-du', role, unitId: ids[unit] }).expect(201);
      tok[username] = await t.login(username, 'mat-khau-dai-du');
    }
    const windows = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }, { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', end: '18:00' }];
    for (const code of ['15943', '15944']) {
      const c = await t.http.post('/api/v1/channels').set(as('editor.a')).send({ unitId: ids[code], name: `Đài xã ${code}`, kind: 'audio', windows });
      expect(c.status).toBe(201);
      ids[`ch${code}`] = c.body.id;
    }
    // Mường Mìn broadcasts only on two Sunday midnights in December: not enough for 4 airings.
    const sundaysOff = ['2026-12-06', '2026-12-13'];
    ids.ch15945 = (await t.http.post('/api/v1/channels').set(as('editor.a')).send({ unitId: ids['15945'], name: 'Đài xã Mường Mìn', kind: 'audio', windows: [{ days: [7], start: '00:00', end: '00:01' }], daysOff: sundaysOff })).body.id;

    const series = await t.http.post('/api/v1/series').set(as('editor.a')).send({ unitId: ids['38'], name: 'Chuyên mục chuyển đổi số' });
    ids.series = series.body.id;
    const rule = await t.http.post('/api/v1/rules').set(as('editor.a')).send({
      name: 'Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần',
      seriesId: ids.series,
      definition: { match: {}, period: 'month', minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 },
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ unitId: ids['38'], targetUnitId: ids['38'], definition: { match: { seriesId: ids.series } } });

    const fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-sched-')));
    const audio = await t.http.post('/api/v1/media-assets/audio').set(as('editor.a')).field('unitId', ids['38']).attach('file', fx.quietTone('cds12.mp3', 3, ['-c:a', 'libmp3lame']));
    for (let i = 0; i < 100; i++) {
      if ((await t.http.get(`/api/v1/media-assets/${audio.body.id}`).set(as('editor.a'))).body.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const program = await t.http.post('/api/v1/programs').set(as('editor.a')).send({ title: 'Chuyển đổi số tháng 12/2026', audioAssetId: audio.body.id, seriesId: ids.series, periodStart: '2026-12-01', periodEnd: '2026-12-31' });
    ids.program = program.body.id;
    await t.http.post(`/api/v1/programs/${ids.program}/submit`).set(as('editor.a')).expect(200);
    await t.http.post(`/api/v1/programs/${ids.program}/approve`).set(as('editor.b')).expect(200);
  });
  afterAll(() => t?.close());

  it('plans December for every commune of the province, and explains the one it cannot serve', async () => {
    const res = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: '2026-12-01', to: '2026-12-31' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, channels: 3, rules: 1, created: 10 });
    expect(res.body.shortfalls).toEqual([
      expect.objectContaining({
        channelId: ids.ch15945, period: '2026-12', code: 'NOT_ENOUGH_TIME', required: 4, planned: 2,
        message: 'Kênh Đài xã Mường Mìn, tháng 12/2026: cần 4 lượt × 1 phút («Chuyển đổi số tháng 12/2026»), chỉ còn 2 phút trống',
      }),
    ]);

    const entries = await t.http.get(`/api/v1/channels/${ids.ch15943}/entries?from=2026-11-30T17:00:00Z&to=2026-12-31T17:00:00Z`).set(as('operator.ts'));
    expect(entries.status).toBe(200);
    expect(entries.body).toHaveLength(4);
    expect(new Set(entries.body.map((e: { startsAt: string }) => localDay(e.startsAt))).size).toBe(4);
    for (const e of entries.body) {
      expect(e).toMatchObject({ kind: 'airing', source: 'planner', programId: ids.program, period: '2026-12', status: 'scheduled' });
      expect(['05:30', '17:00']).toContain(localHm(e.startsAt));
    }

    // planning again adds nothing: the rule is already met
    const again = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: '2026-12-01', to: '2026-12-31' });
    expect(again.body.created).toBe(0);
    const audit = await t.http.get('/api/v1/audit?entityType=schedule').set(as('admin'));
    expect(audit.body.some((e: { action: string; actorName: string }) => e.action === 'schedule.plan' && e.actorName === 'editor.a')).toBe(true);
  });

  it('refuses double bookings in the database: of five racing inserts exactly one wins, the others get 409', async () => {
    const body = { kind: 'relay', streamUrl: 'https://radio.thanhhoa.example/live', title: 'Tiếp âm Đài tỉnh', startsAt: '2027-01-05T05:00:00+07:00', endsAt: '2027-01-05T05:30:00+07:00' };
    const results = await Promise.all(Array.from({ length: 5 }, () => t.http.post(`/api/v1/channels/${ids.ch15944}/entries`).set(as('editor.a')).send(body)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(results.find((r) => r.status === 409)!.body).toMatchObject({ code: 'SCHEDULE_CONFLICT', message: 'Kênh đã có nội dung cùng mức ưu tiên trong khoảng thời gian này' });
    // a different priority level may overlap: an emergency pre-empts
    const emergency = await t.http.post(`/api/v1/channels/${ids.ch15944}/entries`).set(as('operator.ts')).send({ ...body, kind: 'emergency', priority: 'emergency', title: 'Bão số 3' });
    expect(emergency.status).toBe(404); // not the operator's commune
    const byEditor = await t.http.post(`/api/v1/channels/${ids.ch15944}/entries`).set(as('editor.a')).send({ ...body, kind: 'emergency', priority: 'emergency', title: 'Bão số 3' });
    expect(byEditor.status).toBe(201);
    // a cancelled entry frees its time
    const winner = results.find((r) => r.status === 201)!.body;
    await t.http.post(`/api/v1/entries/${winner.id}/cancel`).set(as('editor.a')).expect(200);
    expect((await t.http.post(`/api/v1/channels/${ids.ch15944}/entries`).set(as('editor.a')).send(body)).status).toBe(201);
  });

  it('rejects bad rules, windows and entries with the field named, writing nothing', async () => {
    const rule = await t.http.post('/api/v1/rules').set(as('editor.a')).send({ name: 'Sai', seriesId: ids.series, definition: { match: {}, period: 'fortnight', minPrograms: -1, minAiringsPerProgram: 0 } });
    expect(rule.status).toBe(400);
    expect(rule.body.fields.map((f: { field: string }) => f.field)).toEqual(['definition.period', 'definition.minPrograms', 'definition.minAiringsPerProgram']);
    const window = await t.http.post('/api/v1/channels').set(as('editor.a')).send({ unitId: ids['15943'], name: 'Ngược', kind: 'audio', windows: [{ days: [1], start: '18:00', end: '17:00' }] });
    expect(window.status).toBe(400);
    expect(window.body.fields[0].field).toBe('windows.0');
    const badDay = await t.http.post('/api/v1/channels').set(as('editor.a')).send({ unitId: ids['15943'], name: 'X', kind: 'audio', windows: [{ days: [8], start: '05:00', end: '06:00' }] });
    expect(badDay.body.fields[0].field).toBe('windows.0.days');
    const order = await t.http.post(`/api/v1/channels/${ids.ch15943}/entries`).set(as('editor.a')).send({ kind: 'announcement', startsAt: '2027-01-05T06:00:00+07:00', endsAt: '2027-01-05T05:00:00+07:00' });
    expect(order.body.fields[0].field).toBe('endsAt');
    const draft = await t.http.post('/api/v1/programs').set(as('editor.a')).send({ title: 'Nháp', audioAssetId: (await t.http.get(`/api/v1/programs/${ids.program}`).set(as('editor.a'))).body.audioAssetId });
    const unapproved = await t.http.post(`/api/v1/channels/${ids.ch15943}/entries`).set(as('editor.a')).send({ kind: 'airing', programId: draft.body.id, startsAt: '2027-01-06T05:30:00+07:00', endsAt: '2027-01-06T05:31:00+07:00' });
    expect(unapproved.status).toBe(409);
    expect(unapproved.body.code).toBe('PROGRAM_NOT_SCHEDULABLE');
    const plan = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: '2026-12-31', to: '2026-12-01' });
    expect(plan.status).toBe(400);
    expect((await t.http.post('/api/v1/schedule/plan').set(as('operator.ts')).send({ unitId: ids['15943'], from: '2026-12-01', to: '2026-12-31' })).status).toBe(403);
  });
});
