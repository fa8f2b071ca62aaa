import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const TZ = 'Asia/Ho_Chi_Minh';
const localDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d);
const localHm = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

/** Next month in local time: the re-planning horizon is today .. end of next month. */
function nextMonth() {
  const [y, m] = localDay(new Date()).split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 1));
  const year = d.getUTCFullYear();
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const last = new Date(Date.UTC(year, d.getUTCMonth() + 1, 0)).getUTCDate();
  return { key: `${year}-${mm}`, first: `${year}-${mm}-01`, last: `${year}-${mm}-${last}`, start: `${year}-${mm}-01T00:00:00+07:00`, end: `${year}-${mm}-${last}T23:59:59+07:00` };
}

/** The schedule mends itself: a withdrawn program, an emergency, narrower windows and a missed
 *  airing each lead to a re-plan (a durable job) that restores what the rule requires. */
describe('re-planning', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });
  const M = nextMonth();
  const entries = async () =>
    (await t.http.get(`/api/v1/channels/${ids.channel}/entries?from=${encodeURIComponent(M.start)}&to=${encodeURIComponent(M.end)}`).set(as('editor.a'))).body as Array<{ id: string; programId: string; startsAt: string; endsAt: string; kind: string; priority: string }>;
  const replansDone = async () => {
    const db = t.app.get(DataSource);
    for (let i = 0; i < 100; i++) {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'schedule.replan' AND status IN ('queued', 'running')`);
      if (n === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('replan did not finish');
  };
  const approvedProgram = async (title: string) => {
    const p = await t.http.post('/api/v1/programs').set(as('editor.a')).send({ title, audioAssetId: ids.audio, seriesId: ids.series, periodStart: M.first, periodEnd: M.last });
    await t.http.post(`/api/v1/programs/${p.body.id}/submit`).set(as('editor.a')).expect(200);
    await t.http.post(`/api/v1/programs/${p.body.id}/approve`).set(as('editor.b')).expect(200);
    return p.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    tok.admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as('admin')).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n15943,Xã Trung Thượng,commune,38\n');
    for (const u of (await t.http.get('/api/v1/units').set(as('admin'))).body.items) ids[u.code] = u.id;
    for (const [username, role] of [['editor.a', 'editor'], ['editor.b', 'editor']]) {
      await t.http.post('/api/v1/users').set(as('admin')).send({ username, displayName: username, password: 'mat-khau-dai-du', role, unitId: ids['38'] }).expect(201);
      tok[username] = await t.login(username, 'mat-khau-dai-du');
    }
    ids.channel = (await t.http.post('/api/v1/channels').set(as('editor.a')).send({ unitId: ids['15943'], name: 'Đài xã', kind: 'audio', windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }, { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', end: '18:00' }] })).body.id;
    ids.series = (await t.http.post('/api/v1/series').set(as('editor.a')).send({ unitId: ids['38'], name: 'Chuyển đổi số' })).body.id;
    await t.http.post('/api/v1/rules').set(as('editor.a')).send({ name: 'R1', seriesId: ids.series, definition: { match: {}, period: 'month', minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 } }).expect(201);
    const fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-replan-')));
    ids.audio = (await t.http.post('/api/v1/media-assets/audio').set(as('editor.a')).field('unitId', ids['38']).attach('file', fx.quietTone('a.mp3', 3, ['-c:a', 'libmp3lame']))).body.id;
    for (let i = 0; i < 100 && (await t.http.get(`/api/v1/media-assets/${ids.audio}`).set(as('editor.a'))).body.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 200));
    ids.programA = await approvedProgram('Chương trình A');
    await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: M.first, to: M.last }).expect(200);
  });
  afterAll(() => t?.close());

  it('a withdrawn program’s airings are cancelled and another approved program takes its place', async () => {
    expect((await entries()).map((e) => e.programId)).toEqual(Array(4).fill(ids.programA));
    const programB = await approvedProgram('Chương trình B');
    await t.http.post(`/api/v1/programs/${ids.programA}/retire`).set(as('editor.a')).expect(200);
    await replansDone();
    expect((await entries()).map((e) => e.programId)).toEqual(Array(4).fill(programB));
  });

  it('an emergency pre-empts an airing, which is placed again in a free slot', async () => {
    const [first] = await entries();
    const res = await t.http.post(`/api/v1/channels/${ids.channel}/entries`).set(as('editor.a')).send({ kind: 'emergency', priority: 'emergency', title: 'Cảnh báo lũ', startsAt: first.startsAt, endsAt: new Date(new Date(first.startsAt).getTime() + 10 * 60_000).toISOString() });
    expect(res.status).toBe(201);
    await replansDone();
    const after = await entries();
    const airings = after.filter((e) => e.kind === 'airing');
    expect(airings).toHaveLength(4);
    expect(airings.some((e) => e.id === first.id)).toBe(false);
    expect(after.filter((e) => e.priority === 'emergency')).toHaveLength(1);
  });

  it('narrower windows move the planned airings into the windows that remain', async () => {
    await t.http.patch(`/api/v1/channels/${ids.channel}`).set(as('editor.a')).send({ windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', end: '18:00' }] }).expect(200);
    await replansDone();
    const airings = (await entries()).filter((e) => e.kind === 'airing');
    expect(airings).toHaveLength(4);
    expect(airings.every((e) => localHm(e.startsAt) >= '17:00')).toBe(true);
  });

  it('a missed airing asks for a re-plan in the same transaction as the confirmation', async () => {
    const db = t.app.get(DataSource);
    const past = await t.http.post(`/api/v1/channels/${ids.channel}/entries`).set(as('editor.a')).send({ kind: 'announcement', title: 'Thông báo', startsAt: '2020-01-01T17:00:00+07:00', endsAt: '2020-01-01T17:05:00+07:00' });
    await t.http.post(`/api/v1/entries/${past.body.id}/confirm`).set(as('editor.a')).send({ outcome: 'missed', reason: 'Mất điện' }).expect(200);
    const [{ n: noProgram }] = await db.query(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'schedule.replan' AND payload->>'reason' = 'airing missed'`);
    expect(noProgram).toBe(0); // an announcement is no rule's airing
    const [planned] = await db.query(`SELECT id FROM schedule_entries WHERE channel_id = $1 AND kind = 'airing' AND status = 'scheduled' LIMIT 1`, [ids.channel]);
    await db.query(`UPDATE schedule_entries SET starts_at = '2020-01-02T10:00:00Z', ends_at = '2020-01-02T10:01:00Z' WHERE id = $1`, [planned.id]); // as if it were due yesterday
    await t.http.post(`/api/v1/entries/${planned.id}/confirm`).set(as('editor.a')).send({ outcome: 'missed', reason: 'Mất điện' }).expect(200);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM jobs WHERE queue = 'schedule.replan' AND payload->>'reason' = 'airing missed'`);
    expect(n).toBe(1);
  });

  it('an airing a device reports as failed, or nobody reports, is made up in its month; a late report withdraws the make-up', async () => {
    const db = t.app.get(DataSource);
    const { EvidenceService } = await import('../src/evidence/evidence.service');
    const { MissedAirings } = await import('../src/schedule/missed-airings');
    const evidence = t.app.get(EvidenceService);
    const sweeper = t.app.get(MissedAirings);
    await replansDone();
    const device = await t.http.post(`/api/v1/channels/${ids.channel}/devices`).set(as('editor.a')).send({ name: 'Cụm loa trung tâm', kind: 'speaker' });
    const deviceId = device.body.device.id as string;
    const [e, f] = (await entries()).filter((x) => x.kind === 'airing' && x.programId).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    const at = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms);
    // the device could not play E (its file was corrupted) and said so
    await evidence.record([{ eventId: 'fail-e', deviceId, channelId: ids.channel, type: 'play.failed', entryId: e.id, at: at(e.startsAt, 1000), detail: { reason: 'media-missing' } }]);
    const first = await sweeper.sweep(at(e.endsAt, 60_000));
    expect(first.missed).toEqual([e.id]);
    const [missed] = await db.query(`SELECT status, missed_reason, confirmed_by FROM schedule_entries WHERE id = $1`, [e.id]);
    expect(missed).toEqual({ status: 'missed', missed_reason: 'thiết bị báo không phát được: media-missing', confirmed_by: null });
    await replansDone();
    const makeUps = await db.query(`SELECT id, program_id, period, status FROM schedule_entries WHERE makes_up_entry_id = $1`, [e.id]);
    expect(makeUps).toEqual([{ id: expect.any(String), program_id: e.programId, period: M.key, status: 'scheduled' }]);
    // F: nobody reports it at all; after the grace period it is missed too
    const second = await sweeper.sweep(at(f.endsAt, (t.config.EVIDENCE_GRACE_S + 60) * 1000));
    expect(second.missed).toEqual([f.id]);
    expect((await db.query(`SELECT missed_reason FROM schedule_entries WHERE id = $1`, [f.id]))[0].missed_reason).toBe('không thiết bị nào báo đã phát');
    // E did play after all: another cluster's report arrives late (its backlog), inside E's airing
    await evidence.record([{ eventId: 'done-e', deviceId, channelId: ids.channel, type: 'play.completed', entryId: e.id, at: at(e.endsAt, 500) }]);
    const third = await sweeper.sweep(new Date());
    expect(third.restored).toEqual([e.id]);
    expect((await db.query(`SELECT status, evidenced_at IS NOT NULL AS evidenced FROM schedule_entries WHERE id = $1`, [e.id]))[0]).toEqual({ status: 'scheduled', evidenced: true });
    expect((await db.query(`SELECT status FROM schedule_entries WHERE id = $1`, [makeUps[0].id]))[0].status).toBe('cancelled');
    const audit = JSON.stringify((await t.http.get(`/api/v1/audit?entityId=${e.id}`).set(as('admin'))).body);
    expect(audit).toContain('schedule.missed.reported');
    expect(audit).toContain('schedule.missed.withdrawn');
  });

  it('"01 bài/tuần": each week a new item; approving item 2 schedules it in the weeks after, and compliance counts items per week', async () => {
    const db = t.app.get(DataSource);
    await replansDone();
    const series = (await t.http.post('/api/v1/series').set(as('editor.a')).send({ unitId: ids['38'], name: 'Bài tuần' })).body.id as string;
    // Thái Nguyên 2024: "mỗi tuần 01 bài" — a new item each week, aired twice
    const rule = await t.http.post('/api/v1/rules').set(as('editor.a')).send({ name: '01 bài/tuần', seriesId: series, definition: { match: {}, period: 'week', from: M.first, minPrograms: 1, minAiringsPerProgram: 2, maxAiringsPerDay: 1, freshEachPeriod: true } });
    expect(rule.status).toBe(201);
    const item = async (title: string) => {
      const p = await t.http.post('/api/v1/programs').set(as('editor.a')).send({ title, audioAssetId: ids.audio, seriesId: series });
      await t.http.post(`/api/v1/programs/${p.body.id}/submit`).set(as('editor.a')).expect(200);
      await t.http.post(`/api/v1/programs/${p.body.id}/approve`).set(as('editor.b')).expect(200);
      return p.body.id as string;
    };
    const item1 = await item('Bài 1');
    const first = await t.http.post('/api/v1/schedule/plan').set(as('editor.a')).send({ unitId: ids['38'], from: M.first, to: M.last });
    const weeks = (programId: string) => db.query(`SELECT DISTINCT period FROM schedule_entries WHERE program_id = $1 AND status = 'scheduled' ORDER BY 1`, [programId]).then((r: Array<{ period: string }>) => r.map((x) => x.period));
    const w1 = await weeks(item1);
    expect(w1).toHaveLength(1); // one week only, not every week
    expect(first.body.shortfalls.some((f: { message: string }) => f.message.includes('không còn chương trình mới nào đã duyệt'))).toBe(true);
    const item2 = await item('Bài 2'); // approval re-plans where a plan exists
    await replansDone();
    const w2 = await weeks(item2);
    expect(w2).toHaveLength(1);
    expect(w2[0] > w1[0]).toBe(true); // the week after item 1's
    const compliance = (await t.http.get(`/api/v1/compliance?unitId=${ids['38']}&from=${M.first}&to=${M.last}`).set(as('editor.a'))).body.rows.filter((r: { ruleId: string }) => r.ruleId === rule.body.id);
    const plannedWeeks = compliance.filter((r: { planned: { programs: number } }) => r.planned.programs === 1).map((r: { period: string }) => r.period);
    expect(plannedWeeks).toEqual([w1[0], w2[0]]);
  });
});
