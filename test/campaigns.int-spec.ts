import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const TZ = 'Asia/Ho_Chi_Minh';
const localDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const at = (day: string, hm: string) => new Date(`${day}T${hm}:00+07:00`);
const TODAY = localDay(new Date());
const YESTERDAY = addDays(TODAY, -1);
const TOMORROW = addDays(TODAY, 1);
/** Days 11–20 of next month: always after tomorrow, whatever day the test runs. */
const NEXT = (() => {
  const [y, m] = TODAY.split('-').map(Number);
  const first = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { from: addDays(first, 10), to: addDays(first, 19) };
})();

/**
 * Campaigns (seeds 001, 002, 004: Ngày Chuyển đổi số quốc gia 10/10). 004_…txt asks for programs "trên
 * hệ thống truyền thanh cấp huyện, cấp xã" and content "trên bảng tin điện tử công cộng cỡ lớn … (màn
 * hình LED, LCD, cổng chào...)": one campaign, both media, every commune of a district, in one request.
 */
describe('campaigns: loudspeakers and LED boards of a district in one request', () => {
  let t: TestApp;
  let db: DataSource;
  const tok: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const communes: string[] = [];
  const as = (who = 'editor.a') => ({ Authorization: `Bearer ${tok[who]}` });
  const ready = async (id: string) => {
    for (let i = 0; i < 150; i++) {
      const a = (await t.http.get(`/api/v1/media-assets/${id}`).set(as())).body;
      if (a.status !== 'processing') return a;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`media ${id} still processing`);
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    tok.admin = await t.login(ADMIN.username, ADMIN.password);
    const csv = ['code,name,kind,parent_code', '38,Tỉnh Thanh Hóa,province,', '389,Huyện Quan Sơn,district,38', '390,Huyện Mường Lát,district,38'];
    for (let i = 1; i <= 12; i++) csv.push(`${15900 + i},Xã ${i} Quan Sơn,commune,389`);
    csv.push('16001,Xã Tam Chung,commune,390');
    await t.http.post('/api/v1/units/import').set(as('admin')).set('Content-Type', 'text/csv').send(csv.join('\n') + '\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units?limit=100').set(as('admin'))).body.items) ids[u.code] = u.id;
    for (const [username, role, unit] of [['editor.a', 'editor', '389'], ['editor.b', 'editor', '389'], ['editor.ml', 'editor', '390']]) {
      await t.http.post('/api/v1/users').set(as('admin')).send({ username, displayName: username, password: 'mat-khau-dai-du', role, unitId: ids[unit] }).expect(201);
      tok[username] = await t.login(username, 'mat-khau-dai-du');
    }
    const windows = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }, { days: [1, 2, 3, 4, 5, 6, 7], start: '17:00', end: '18:00' }];
    for (let i = 1; i <= 12; i++) {
      const unitId = ids[String(15900 + i)];
      communes.push(unitId);
      ids[`speaker${i}`] = (await t.http.post('/api/v1/channels').set(as()).send({ unitId, name: `Đài xã ${i}`, kind: 'audio', windows }).expect(201)).body.id;
      ids[`board${i}`] = (await t.http.post('/api/v1/channels').set(as()).send({ unitId, name: `Bảng LED xã ${i}`, kind: 'display', windows: [] }).expect(201)).body.id;
    }
    const fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-campaign-')));
    const audio = await t.http.post('/api/v1/media-assets/audio').set(as()).field('unitId', ids['389']).attach('file', fx.quietTone('cds.mp3', 3, ['-c:a', 'libmp3lame']));
    ids.audio = (await ready(audio.body.id)).id;
    const program = await t.http.post('/api/v1/programs').set(as()).send({ unitId: ids['389'], title: 'Ngày Chuyển đổi số quốc gia 10/10', audioAssetId: ids.audio });
    ids.program = program.body.id;
    await t.http.post(`/api/v1/programs/${ids.program}/submit`).set(as()).expect(200);
    await t.http.post(`/api/v1/programs/${ids.program}/approve`).set(as('editor.b')).expect(200);
    for (const [key, heading] of [['slide1', 'NGÀY CHUYỂN ĐỔI SỐ QUỐC GIA 10/10'], ['slide2', 'CÀI ĐẶT VNEID MỨC ĐỘ 2']]) {
      const s = await t.http.post('/api/v1/media-assets/slide').set(as()).send({ unitId: ids['389'], width: 384, height: 192, heading, body: 'Chuyển đổi số toàn dân, toàn diện' });
      expect(s.status).toBe(202);
      ids[key] = (await ready(s.body.id)).id;
    }
  }, 120_000);
  afterAll(() => t?.close());

  it('plans both media on 12 communes in one request, and shows compliance per unit', async () => {
    const res = await t.http.post('/api/v1/campaigns').set(as()).send({
      name: 'Ngày Chuyển đổi số quốc gia 10/10',
      unitId: ids['389'],
      startsOn: NEXT.from,
      endsOn: NEXT.to,
      audio: { programIds: [ids.program], minAiringsPerProgram: 3, maxAiringsPerDay: 1 },
      display: { mediaAssetIds: [ids.slide1, ids.slide2], dailyWindows: [{ start: '06:00', end: '22:00' }] },
    });
    expect(res.status).toBe(201);
    ids.campaign = res.body.campaign.id;
    // 3 airings on each of 12 loudspeakers, one 06:00–22:00 showing a day on each of 12 boards for 10 days
    expect(res.body.plan).toMatchObject({ dryRun: false, channels: 24, rules: 2, created: 12 * 3 + 12 * 10, showings: 120, cancelled: 0, shortfalls: [] });
    // each kind on its own kind of channel
    const kinds = await db.query(
      `SELECT c.kind AS channel_kind, e.kind, count(*)::int AS n, count(DISTINCT e.channel_id)::int AS channels, min(array_length(e.media_asset_ids, 1)) AS slides
         FROM schedule_entries e JOIN channels c ON c.id = e.channel_id JOIN campaigns k ON e.rule_id IN (k.audio_rule_id, k.display_rule_id)
        WHERE k.id = $1 AND e.status = 'scheduled' GROUP BY 1, 2 ORDER BY 1`,
      [ids.campaign],
    );
    expect(kinds).toEqual([{ channel_kind: 'audio', kind: 'airing', n: 36, channels: 12, slides: null }, { channel_kind: 'display', kind: 'slides', n: 120, channels: 12, slides: 2 }]);
    const [{ first, last }] = await db.query(`SELECT min(starts_at) AS first, max(ends_at) AS last FROM schedule_entries WHERE channel_id = $1 AND status = 'scheduled'`, [ids.board1]);
    expect([first, last]).toEqual([at(NEXT.from, '06:00'), at(NEXT.to, '22:00')]);
    // the LED board's calendar lists them (what the console draws)
    const cal = await t.http.get(`/api/v1/channels/${ids.board1}/entries`).query({ from: at(NEXT.from, '00:00').toISOString(), to: at(NEXT.from, '23:59').toISOString() }).set(as());
    expect(cal.body).toMatchObject([{ kind: 'slides', title: 'Ngày Chuyển đổi số quốc gia 10/10 (bảng LED)', mediaAssetIds: [ids.slide1, ids.slide2] }]);

    const compliance = await t.http.get(`/api/v1/campaigns/${ids.campaign}/compliance`).set(as());
    expect(compliance.status).toBe(200);
    expect(compliance.body.units).toHaveLength(12);
    expect(compliance.body.summary).toEqual({ ok: 0, at_risk: 12, violated: 0 });
    expect(compliance.body.units[0]).toMatchObject({
      audio: { required: 3, planned: 3, evidenced: 0, status: 'at_risk', planShort: false },
      display: { requiredMinutes: 9600, plannedMinutes: 9600, evidencedMinutes: 0, status: 'at_risk', planShort: false },
      status: 'at_risk',
    });
    // the general compliance report (and its XLSX/PDF) has the boards too, in minutes
    const general = (await t.http.get('/api/v1/compliance').query({ unitId: ids['389'], from: NEXT.from, to: NEXT.to }).set(as())).body;
    const boards = general.rows.filter((r: { medium?: string }) => r.medium === 'display');
    const speakers = general.rows.filter((r: { medium?: string }) => !r.medium);
    expect([boards.length, speakers.length]).toEqual([12, 12]);
    expect(boards[0]).toMatchObject({ period: `${NEXT.from}..${NEXT.to}`, minutes: { required: 9600, planned: 9600, evidenced: 0 }, status: 'at_risk', planShort: false });
    expect(speakers[0]).toMatchObject({ required: { programs: 1, airingsPerProgram: 3 }, planned: { programs: 1, airings: 3 }, status: 'at_risk' });
    // the report a district sends
    const csv = await t.http.get(`/api/v1/campaigns/${ids.campaign}/compliance.csv`).set(as()).buffer(true).parse((r, cb) => {
      let s = '';
      r.on('data', (c: Buffer) => (s += c.toString('utf8')));
      r.on('end', () => cb(null, s));
    });
    expect(csv.status).toBe(200);
    expect(csv.body.split('\r\n')).toHaveLength(14);
    expect(csv.body).toContain('Xã 1 Quan Sơn,3,3,0,9600,9600,0,chưa đủ bằng chứng');
    // planning again adds nothing: a dry run says so
    const again = await t.http.post(`/api/v1/campaigns/${ids.campaign}/plan`).set(as()).send({ dryRun: true });
    expect(again.body).toMatchObject({ created: 0, cancelled: 0, shortfalls: [], airings: [], slides: [] });
  });

  it('re-plans when the campaign changes: the boards get the new slides, shortened dates give back their days', async () => {
    const res = await t.http.patch(`/api/v1/campaigns/${ids.campaign}`).set(as()).send({ endsOn: addDays(NEXT.to, -2), display: { mediaAssetIds: [ids.slide2], dailyWindows: [{ start: '07:00', end: '21:00' }] } });
    expect(res.status).toBe(200);
    expect(res.body.plan).toMatchObject({ showings: 12 * 8, cancelled: 12 * 8, shortfalls: [] });
    const rows = await db.query(
      `SELECT count(*)::int AS n, min(to_char(starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI')) AS starts, bool_and(media_asset_ids = ARRAY[$2::uuid]) AS new_slides,
              max((starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text AS last_day
         FROM schedule_entries WHERE channel_id = $1 AND status = 'scheduled'`,
      [ids.board1, ids.slide2],
    );
    expect(rows).toEqual([{ n: 8, starts: '07:00', new_slides: true, last_day: addDays(NEXT.to, -2) }]);
    const [{ airings }] = await db.query(`SELECT count(*)::int AS airings FROM schedule_entries WHERE channel_id = $1 AND status = 'scheduled' AND (starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > $2`, [ids.speaker1, addDays(NEXT.to, -2)]);
    expect(airings).toBe(0);
  });

  it('counts what boards and loudspeakers reported: minutes shown from when the board started showing', async () => {
    // a commune campaign that began yesterday: yesterday's airing and showing were placed by hand and reported by the devices
    const c = await t.http.post('/api/v1/campaigns').set(as()).send({
      name: 'Tuần lễ VNeID', unitId: ids['15901'], startsOn: YESTERDAY, endsOn: TOMORROW,
      audio: { programIds: [ids.program], minAiringsPerProgram: 2 },
      display: { mediaAssetIds: [ids.slide1], dailyWindows: [{ start: '06:00', end: '22:00' }] },
    });
    expect(c.status).toBe(201);
    const airing = await t.http.post(`/api/v1/channels/${ids.speaker1}/entries`).set(as()).send({ kind: 'airing', programId: ids.program, startsAt: at(YESTERDAY, '17:00').toISOString(), endsAt: at(YESTERDAY, '17:05').toISOString() });
    const showing = await t.http.post(`/api/v1/channels/${ids.board1}/entries`).set(as()).send({ kind: 'slides', mediaAssetId: ids.slide1, startsAt: at(YESTERDAY, '06:00').toISOString(), endsAt: at(YESTERDAY, '22:00').toISOString() });
    expect([airing.status, showing.status]).toEqual([201, 201]);
    const report = async (channel: string, kind: string, events: Array<[string, string, Date]>) => {
      const d = await t.http.post(`/api/v1/channels/${channel}/devices`).set(as()).send({ name: kind, kind });
      expect(d.status).toBe(201);
      const res = await t.http.post(`/api/v1/devices/${d.body.device.id}/events`).set({ Authorization: `Bearer ${d.body.token}` })
        .send(events.map(([eventId, type, when]) => ({ eventId, deviceId: d.body.device.id, type, entryId: type.startsWith('play') ? (kind === 'led' ? showing.body.id : airing.body.id) : undefined, at: when.toISOString() })));
      expect(res.body).toMatchObject({ accepted: events.length, refused: 0 });
      return d.body;
    };
    await report(ids.speaker1, 'speaker', [['s1', 'play.started', at(YESTERDAY, '17:00')], ['s2', 'play.completed', at(YESTERDAY, '17:05')]]);
    const led = await report(ids.board1, 'led', [['l1', 'play.started', at(YESTERDAY, '08:00')], ['l2', 'play.completed', at(YESTERDAY, '22:00')]]);
    const compliance = (await t.http.get(`/api/v1/campaigns/${c.body.campaign.id}/compliance`).set(as())).body;
    expect(compliance.units).toHaveLength(1);
    expect(compliance.units[0]).toMatchObject({
      unitId: ids['15901'],
      audio: { required: 2, evidenced: 1, airingsEvidenced: 1 },
      display: { requiredMinutes: 3 * 960, evidencedMinutes: 14 * 60 },
      status: 'at_risk',
    });
    // the general report counts the same minutes for the campaign's display rule
    const general = (await t.http.get('/api/v1/compliance').query({ unitId: ids['15901'], from: YESTERDAY, to: TOMORROW }).set(as())).body;
    const board = general.rows.find((r: { medium?: string; ruleId: string }) => r.medium === 'display' && r.ruleId === c.body.campaign.displayRuleId);
    expect(board).toMatchObject({ channelId: ids.board1, minutes: { required: 3 * 960, evidenced: 14 * 60 } });
    // tomorrow's showing reaches the board with the campaign's slides
    const playlist = await t.http.get(`/api/v1/devices/${led.device.id}/playlist`).set({ Authorization: `Bearer ${led.token}` });
    const tomorrow = playlist.body.entries.find((e: { startsAt: string }) => e.startsAt === at(TOMORROW, '06:00').toISOString());
    expect(tomorrow).toMatchObject({ kind: 'slides', endsAt: at(TOMORROW, '22:00').toISOString(), media: [{ mime: 'image/png' }] });
  });

  it('refuses wrong kinds, bad dates and units out of reach, naming the field, and writes nothing', async () => {
    const base = { name: 'Sai', unitId: ids['389'], startsOn: NEXT.from, endsOn: NEXT.to };
    const before = await db.query(`SELECT (SELECT count(*) FROM campaigns)::int AS campaigns, (SELECT count(*) FROM rules)::int AS rules`);
    const cases: Array<[object, number, string, string]> = [
      [{ ...base, display: { mediaAssetIds: [ids.audio], dailyWindows: [{ start: '06:00', end: '22:00' }] } }, 422, 'WRONG_KIND', 'display.mediaAssetIds.0'],
      [{ ...base, audio: { programIds: [ids.slide1], minAiringsPerProgram: 3 } }, 400, 'VALIDATION_FAILED', 'audio.programIds.0'],
      [{ ...base, display: { mediaAssetIds: [ids.slide1], dailyWindows: [{ start: '22:00', end: '06:00' }] } }, 400, 'VALIDATION_FAILED', 'display.dailyWindows.0'],
      [{ ...base, endsOn: addDays(NEXT.from, -1), audio: { programIds: [ids.program], minAiringsPerProgram: 3 } }, 400, 'VALIDATION_FAILED', 'endsOn'],
      [{ ...base, endsOn: addDays(NEXT.from, 400), audio: { programIds: [ids.program], minAiringsPerProgram: 3 } }, 400, 'VALIDATION_FAILED', 'endsOn'],
      [{ ...base }, 400, 'VALIDATION_FAILED', 'audio'],
      [{ ...base, audio: { programIds: [ids.program], minAiringsPerProgram: 0 } }, 400, 'VALIDATION_FAILED', 'audio.minAiringsPerProgram'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await t.http.post('/api/v1/campaigns').set(as()).send(body);
      expect([status, code, field]).toEqual([res.status, res.body.code, res.body.fields?.[0]?.field]);
      expect(res.body.message).toMatch(/[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệôốồổỗộơớờởỡợưứừửữựíìỉĩịúùủũụ]/i);
    }
    // another district's editor cannot reach Quan Sơn: not found, not forbidden details
    const other = await t.http.post('/api/v1/campaigns').set(as('editor.ml')).send({ ...base, audio: { programIds: [ids.program], minAiringsPerProgram: 1 } });
    expect(other.status).toBe(404);
    expect((await t.http.get(`/api/v1/campaigns/${ids.campaign}`).set(as('editor.ml'))).status).toBe(404);
    expect(await db.query(`SELECT (SELECT count(*) FROM campaigns)::int AS campaigns, (SELECT count(*) FROM rules)::int AS rules`)).toEqual(before);
  });

  it('cancels: what is still to come goes, history stays', async () => {
    const res = await t.http.post(`/api/v1/campaigns/${ids.campaign}/cancel`).set(as());
    expect([res.status, res.body.status]).toEqual([200, 'cancelled']);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM schedule_entries e JOIN campaigns k ON e.rule_id IN (k.audio_rule_id, k.display_rule_id) WHERE k.id = $1 AND e.status = 'scheduled'`, [ids.campaign]);
    expect(n).toBe(0);
    expect((await t.http.patch(`/api/v1/campaigns/${ids.campaign}`).set(as()).send({ name: 'x' })).status).toBe(409);
  });

  it('asks boards for N showings a day instead of whole windows: spread, spaced, judged in their minutes', async () => {
    const base = { name: 'Tuần lễ VNeID', unitId: ids['389'], startsOn: NEXT.from, endsOn: addDays(NEXT.from, 1) };
    const display = { mediaAssetIds: [ids.slide1], dailyWindows: [{ start: '06:00', end: '11:00' }, { start: '14:00', end: '22:00' }], showingsPerDay: 4, showingMinutes: 15, minSpacingMinutes: 120 };
    // more showings than the windows hold: refused, naming the field, nothing written
    const bad = await t.http.post('/api/v1/campaigns').set(as()).send({ ...base, display: { ...display, showingsPerDay: 60 } });
    expect([bad.status, bad.body.code, bad.body.fields?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', 'display.showingsPerDay']);
    expect(bad.body.fields[0].message).toContain('không vừa các khung giờ');

    const dry = await t.http.post('/api/v1/campaigns').set(as()).send({ ...base, display });
    expect(dry.status).toBe(201);
    expect(dry.body.plan).toMatchObject({ showings: 12 * 2 * 4, shortfalls: [] });
    const rows: Array<{ starts: string; minutes: number }> = await db.query(
      `SELECT to_char(starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') AS starts, (extract(epoch FROM ends_at - starts_at) / 60)::int AS minutes
         FROM schedule_entries WHERE channel_id = $1 AND status = 'scheduled' AND rule_id = (SELECT display_rule_id FROM campaigns WHERE id = $2) ORDER BY starts_at`,
      [ids.board1, dry.body.campaign.id],
    );
    // 13 hours of windows / 4 = one every 195 minutes, carried over the midday break
    expect(rows).toEqual(['06:00', '09:15', '14:00', '17:15'].flatMap((hm) => [NEXT.from, addDays(NEXT.from, 1)].map((d) => ({ d, hm }))).sort((a, b) => (a.d + a.hm < b.d + b.hm ? -1 : 1)).map(({ d, hm }) => ({ starts: `${d} ${hm}`, minutes: 15 })));
    const compliance = (await t.http.get(`/api/v1/campaigns/${dry.body.campaign.id}/compliance`).set(as())).body;
    expect(compliance.units[0].display).toMatchObject({ requiredMinutes: 2 * 4 * 15, plannedMinutes: 120, evidencedMinutes: 0, planShort: false });
    await t.http.post(`/api/v1/campaigns/${dry.body.campaign.id}/cancel`).set(as()).expect(200);
  });
});
