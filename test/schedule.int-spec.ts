import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const TZ = 'Asia/Ho_Chi_Minh';
const localHm = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
const localDay = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(iso));

/** Months relative to today (local), so the test means the same whenever it runs. */
function monthOf(offset: number) {
  const [y, m] = localDay(new Date().toISOString()).split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + offset, 1));
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const mm = String(month).padStart(2, '0');
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dates = Array.from({ length: days }, (_, i) => `${year}-${mm}-${String(i + 1).padStart(2, '0')}`);
  return { key: `${year}-${mm}`, label: `tháng ${month}/${year}`, first: dates[0], last: dates[days - 1], dates, start: `${dates[0]}T00:00:00+07:00`, end: `${dates[days - 1]}T23:59:59+07:00` };
}
const NEXT = monthOf(1);
const PREV = monthOf(-1);
const NOW_MONTH = monthOf(0);
const sundays = (m: ReturnType<typeof monthOf>) => m.dates.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 0);

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
    // Mường Mìn broadcasts only on two Sunday midnights next month: not enough for 4 airings.
    const sundaysOff = sundays(NEXT).slice(2);
    ids.ch15945 = (await t.http.post('/api/v1/channels').set(as('editor.a')).send({ unitId: ids['15945'], name: 'Đài xã Mường Mìn', kind: 'audio', windows: [{ days: [7], start: '00:00', end: '00:01' }], daysOff: sundaysOff })).body.id;

    const series = await t.http.post('/api/v1/series').set(as('editor.a')).send({ unitId: ids['38'], name: 'Chuyên mục chuyển đổi số' });
    ids.series = series.body.id;
    const rule = await t.http.post('/api/v1/rules').set(as('editor.a')).send({
      name: 'Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần',
      seriesId: ids.series,
      // in effect since last month, which the tests below judge
      definition: { match: {}, period: 'month', from: PREV.first, minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 },
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ unitId: ids['38'], targetUnitId: ids['38'], definition: { match: { seriesId: ids.series } } });

    const fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-sched-')));
    const audio = await t.http.post('/api/v1/media-assets/audio').set(as('editor.a')).field('unitId', ids['38']).attach('file', fx.quietTone('cds12.mp3', 3, ['-c:a', 'libmp3lame']));
    for (let i = 0; i < 100; i++) {
      if ((await t.http.get(`/api/v1/media-assets/${audio.body.id}`).set(as('editor.a'))).body.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    ids.audio = audio.body.id;
    for (const [key, m] of [['program', NEXT], ['programPrev', PREV]] as const) {
      const program = await t.http.post('/api/v1/programs').set(as('editor.a')).send({ title: `Chuyển đổi số ${m.label}`, audioAssetId: audio.body.id, seriesId: ids.series, periodStart: m.first, periodEnd: m.last });
      ids[key] = program.body.id;
      await t.http.post(`/api/v1/programs/${ids[key]}/submit`).set(as('editor.a')).expect(200);
      await t.http.post(`/api/v1/programs/${ids[key]}/approve`).set(as('editor.b')).expect(200);
    }
  });
  afterAll(() => t?.close());

  it('plans next month for every commune of the province, and explains the one it cannot serve', async () => {
    // a dry run tells what a real run creates, and writes nothing; booleans are read strictly
    const dry = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: NEXT.first, to: NEXT.last, dryRun: true });
    expect(dry.body).toMatchObject({ dryRun: true, created: 10 });
    expect(dry.body.airings).toHaveLength(10);
    for (const bad of ['yes', 1, 'TRUE']) {
      const r = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: NEXT.first, to: NEXT.last, dryRun: bad });
      expect([r.status, r.body.fields?.[0]?.field]).toEqual([400, 'dryRun']);
    }
    const res = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: NEXT.first, to: NEXT.last });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, channels: 3, rules: 1, created: 10 });
    expect(res.body.airings).toBeUndefined();
    expect(res.body.created).toBe(dry.body.created); // the dry run told the truth
    expect(res.body.shortfalls).toEqual([
      expect.objectContaining({
        channelId: ids.ch15945, period: NEXT.key, code: 'NOT_ENOUGH_TIME', required: 4, planned: 2,
        message: `Kênh Đài xã Mường Mìn, ${NEXT.label}: cần 4 lượt × 1 phút («Chuyển đổi số ${NEXT.label}»), chỉ còn 2 phút trống`,
      }),
    ]);

    const entries = await t.http.get(`/api/v1/channels/${ids.ch15943}/entries?from=${encodeURIComponent(NEXT.start)}&to=${encodeURIComponent(NEXT.end)}`).set(as('operator.ts'));
    expect(entries.status).toBe(200);
    expect(entries.body).toHaveLength(4);
    expect(new Set(entries.body.map((e: { startsAt: string }) => localDay(e.startsAt))).size).toBe(4);
    for (const e of entries.body) {
      expect(e).toMatchObject({ kind: 'airing', source: 'planner', programId: ids.program, programTitle: `Chuyển đổi số ${NEXT.label}`, period: NEXT.key, status: 'scheduled' });
      expect(['05:30', '17:00']).toContain(localHm(e.startsAt));
    }

    // planning again adds nothing: the rule is already met
    const again = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: NEXT.first, to: NEXT.last });
    expect(again.body.created).toBe(0);
    const audit = await t.http.get('/api/v1/audit?entityType=schedule').set(as('admin'));
    expect(audit.body.some((e: { action: string; actorName: string }) => e.action === 'schedule.plan' && e.actorName === 'editor.a')).toBe(true);
  });

  it('refuses double bookings in the database: of five racing inserts exactly one wins, the others get 409', async () => {
    const body = { kind: 'relay', streamUrl: 'https://radio.thanhhoa.example/live', title: 'Tiếp âm Đài tỉnh', startsAt: `${NEXT.dates[4]}T05:00:00+07:00`, endsAt: `${NEXT.dates[4]}T05:30:00+07:00` };
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
    const order = await t.http.post(`/api/v1/channels/${ids.ch15943}/entries`).set(as('editor.a')).send({ kind: 'announcement', startsAt: `${NEXT.dates[4]}T06:00:00+07:00`, endsAt: `${NEXT.dates[4]}T05:00:00+07:00` });
    expect(order.body.fields[0].field).toBe('endsAt');
    const draft = await t.http.post('/api/v1/programs').set(as('editor.a')).send({ title: 'Nháp', audioAssetId: (await t.http.get(`/api/v1/programs/${ids.program}`).set(as('editor.a'))).body.audioAssetId });
    const unapproved = await t.http.post(`/api/v1/channels/${ids.ch15943}/entries`).set(as('editor.a')).send({ kind: 'airing', programId: draft.body.id, startsAt: `${NEXT.dates[5]}T05:30:00+07:00`, endsAt: `${NEXT.dates[5]}T05:31:00+07:00` });
    expect(unapproved.status).toBe(409);
    expect(unapproved.body.code).toBe('PROGRAM_NOT_SCHEDULABLE');
    const plan = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: NEXT.last, to: NEXT.first });
    expect(plan.status).toBe(400);
    expect((await t.http.post('/api/v1/schedule/plan').set(as('operator.ts')).send({ unitId: ids['15943'], from: NEXT.first, to: NEXT.last })).status).toBe(403);
  });

  it('counts operator confirmations as evidence: compliance per rule × channel × month, in local time', async () => {
    // Last month, Trung Thượng aired its program four times (confirmed); Sơn Điện only twice.
    const air = async (channel: string, day: string, who: string) => {
      const e = await t.http.post(`/api/v1/channels/${ids[channel]}/entries`).set(as('editor.a')).send({ kind: 'airing', programId: ids.programPrev, startsAt: `${day}T17:00:00+07:00`, endsAt: `${day}T17:01:00+07:00` });
      expect(e.status).toBe(201);
      const c = await t.http.post(`/api/v1/entries/${e.body.id}/confirm`).set(as(who)).send({ outcome: 'aired' });
      expect(c.status).toBe(200);
      expect(c.body).toMatchObject({ status: 'aired', confirmedBy: expect.any(String) });
      return e.body.id;
    };
    for (const day of [PREV.dates[1], PREV.dates[8], PREV.dates[15], PREV.dates[22]]) await air('ch15943', day, 'operator.ts');
    for (const day of [PREV.dates[2], PREV.dates[9]]) await air('ch15944', day, 'editor.a');
    // The last minute of last month, local time, still counts for last month.
    const midnight = await t.http.post(`/api/v1/channels/${ids.ch15944}/entries`).set(as('editor.a')).send({ kind: 'airing', programId: ids.programPrev, startsAt: `${PREV.last}T23:59:00+07:00`, endsAt: `${PREV.last}T23:59:30+07:00` });
    const missed = await t.http.post(`/api/v1/entries/${midnight.body.id}/confirm`).set(as('editor.a')).send({ outcome: 'missed' });
    expect(missed.status).toBe(400);
    expect(missed.body.fields[0].field).toBe('reason');
    await t.http.post(`/api/v1/entries/${midnight.body.id}/confirm`).set(as('editor.a')).send({ outcome: 'missed', reason: 'Mất điện' }).expect(200);
    expect((await t.http.post(`/api/v1/entries/${midnight.body.id}/confirm`).set(as('operator.ts')).send({ outcome: 'aired' })).status).toBe(404); // not their commune

    const future = (await t.http.get(`/api/v1/channels/${ids.ch15943}/entries?from=${encodeURIComponent(NEXT.start)}&to=${encodeURIComponent(NEXT.end)}`).set(as('operator.ts'))).body[0];
    const early = await t.http.post(`/api/v1/entries/${future.id}/confirm`).set(as('operator.ts')).send({ outcome: 'aired' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('ENTRY_NOT_STARTED');

    const res = await t.http.get(`/api/v1/compliance?unitId=${ids['38']}&from=${PREV.first}&to=${NEXT.last}`).set(as('editor.a'));
    expect(res.status).toBe(200);
    const cell = (channel: string, month: string) => res.body.rows.find((r: { channelId: string; period: string }) => r.channelId === ids[channel] && r.period === month);
    expect(res.body.rows).toHaveLength(3 * 3);
    expect(cell('ch15943', PREV.key)).toMatchObject({ status: 'ok', evidenced: { programs: 1, airings: 4 }, planned: { programs: 1, airings: 4 }, required: { programs: 1, airingsPerProgram: 4 } });
    expect(cell('ch15944', PREV.key)).toMatchObject({ status: 'violated', evidenced: { programs: 0, airings: 2 }, planned: { airings: 2 } });
    expect(cell('ch15943', NOW_MONTH.key).status).toBe('at_risk');
    expect(cell('ch15943', NEXT.key)).toMatchObject({ status: 'at_risk', planShort: false, planned: { programs: 1, airings: 4 } });
    expect(cell('ch15945', NEXT.key)).toMatchObject({ status: 'at_risk', planShort: true, planned: { programs: 0, airings: 2 } });
    expect(res.body.summary).toEqual({ ok: 1, at_risk: 6, violated: 2 });
    // the operator sees only the commune's own channel
    const mine = await t.http.get(`/api/v1/compliance?unitId=${ids['15943']}&from=${PREV.first}&to=${PREV.last}`).set(as('operator.ts'));
    expect(mine.body.rows.map((r: { channelId: string }) => r.channelId)).toEqual([ids.ch15943]);
    expect((await t.http.get(`/api/v1/compliance?unitId=${ids['38']}&from=${PREV.first}&to=${PREV.last}`).set(as('operator.ts'))).status).toBe(404);
  });

  it('stores device play events once and counts a reported play.completed as evidence', async () => {
    const { EvidenceService } = await import('../src/evidence/evidence.service');
    const evidence = t.app.get(EvidenceService);
    // Sơn Điện had two confirmed airings last month; two more were played but nobody confirmed them.
    const extra = [];
    for (const day of [PREV.dates[16], PREV.dates[23]]) {
      const e = await t.http.post(`/api/v1/channels/${ids.ch15944}/entries`).set(as('editor.a')).send({ kind: 'airing', programId: ids.programPrev, startsAt: `${day}T17:00:00+07:00`, endsAt: `${day}T17:01:00+07:00` });
      extra.push(e.body);
    }
    const devices = ['7d8f3c1e-6a2b-4f1d-9e0a-1b2c3d4e5f60', '8e9f4d2f-7b3c-4a2e-8f1b-2c3d4e5f6a71'];
    const events = extra.flatMap((entry) =>
      devices.flatMap((deviceId) => [
        { eventId: `${deviceId.slice(0, 8)}-${entry.id}-s`, deviceId, channelId: ids.ch15944, type: 'play.started' as const, entryId: entry.id, at: new Date(entry.startsAt) },
        { eventId: `${deviceId.slice(0, 8)}-${entry.id}-c`, deviceId, channelId: ids.ch15944, type: 'play.completed' as const, entryId: entry.id, at: new Date(new Date(entry.startsAt).getTime() + 60_000) },
      ]),
    );
    expect(await evidence.record(events)).toEqual({ accepted: 8, duplicates: 0, rejected: 0 });
    // after an outage the device sends its queue again: nothing is stored twice
    expect(await evidence.record(events)).toEqual({ accepted: 0, duplicates: 8, rejected: 0 });
    const res = await t.http.get(`/api/v1/compliance?unitId=${ids['38']}&from=${PREV.first}&to=${PREV.last}`).set(as('editor.a'));
    const cell = res.body.rows.find((r: { channelId: string }) => r.channelId === ids.ch15944);
    expect(cell).toMatchObject({ status: 'ok', evidenced: { programs: 1, airings: 4 } });
  });

  it('R1 for a whole year across the province: planned month by month, and compliance agrees', async () => {
    const year = Number(NEXT.key.slice(0, 4)) + 1; // the next calendar year: every slot lies ahead
    const all = await t.http.post('/api/v1/programs').set(as('editor.a')).send({ title: `Chuyển đổi số năm ${year}`, audioAssetId: ids.audio, seriesId: ids.series, periodStart: `${year}-01-01`, periodEnd: `${year}-12-31` });
    await t.http.post(`/api/v1/programs/${all.body.id}/submit`).set(as('editor.a')).expect(200);
    await t.http.post(`/api/v1/programs/${all.body.id}/approve`).set(as('editor.b')).expect(200);
    const plan = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: `${year}-01-01`, to: `${year}-12-31` });
    expect(plan.status).toBe(200);
    const res = await t.http.get(`/api/v1/compliance?unitId=${ids['38']}&from=${year}-01-01&to=${year}-12-31`).set(as('editor.a'));
    const rows = res.body.rows as Array<{ channelId: string; period: string; planShort: boolean; planned: { programs: number; airings: number }; status: string }>;
    for (const ch of [ids.ch15943, ids.ch15944]) {
      const mine = rows.filter((r) => r.channelId === ch);
      expect(mine.map((r) => r.period)).toEqual(Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`));
      expect(mine.every((r) => !r.planShort && r.planned.programs === 1 && r.planned.airings === 4 && r.status === 'at_risk')).toBe(true);
    }
    // Mường Mìn has one minute on Sunday nights (4 or 5 a month): the months the planner says it
    // cannot fill are exactly the months compliance reports as short of plan.
    const tight = rows.filter((r) => r.channelId === ids.ch15945);
    expect(tight).toHaveLength(12);
    const explained = (plan.body.shortfalls as Array<{ channelId: string; period: string }>).filter((s) => s.channelId === ids.ch15945).map((s) => s.period);
    expect(tight.filter((r) => r.planShort).map((r) => r.period)).toEqual(explained);
  });

  it('a rule made today judges nothing before today (it takes effect the day it is made, in its unit’s time zone)', async () => {
    const made = await t.http.post('/api/v1/rules').set(as('editor.a')).send({ name: 'Quy định mới', seriesId: ids.series, definition: { match: {}, period: 'month', minPrograms: 1, minAiringsPerProgram: 4 } });
    expect(made.status).toBe(201);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    expect(made.body.definition.from).toBe(today);
    const past = await t.http.get(`/api/v1/compliance?unitId=${ids['38']}&from=${PREV.first}&to=${PREV.last}`).set(as('editor.a'));
    expect(past.body.rows.filter((r: { ruleId: string }) => r.ruleId === made.body.id)).toEqual([]);
    const now = await t.http.get(`/api/v1/compliance?unitId=${ids['38']}&from=${today}&to=${today}`).set(as('editor.a'));
    expect(now.body.rows.filter((r: { ruleId: string }) => r.ruleId === made.body.id).length).toBeGreaterThan(0);
    // editing the definition keeps the date unless a new one is given
    const edited = await t.http.patch(`/api/v1/rules/${made.body.id}`).set(as('editor.a')).send({ definition: { match: { seriesId: ids.series }, period: 'month', minPrograms: 1, minAiringsPerProgram: 3 } });
    expect([edited.status, edited.body.definition?.from, edited.body.fields]).toEqual([200, today, undefined]);
    await t.http.patch(`/api/v1/rules/${made.body.id}`).set(as('editor.a')).send({ active: false }).expect(200);
  });
});
