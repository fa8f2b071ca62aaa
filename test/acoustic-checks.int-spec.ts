import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { BandEnergies, encodeWindow, FRAME_BLOCKS, frameLevels, levelDb } from '../players/src/monitor/signature';
import { AcousticReferences } from '../src/evidence/acoustic/acoustic-references';
import { AcousticVerifier } from '../src/evidence/acoustic/acoustic-verifier';
import { resolveFfmpegBinaries } from '../src/infrastructure/ffmpeg/ffmpeg-binaries';
import { AudioFixtures } from './support/audio-fixtures';
import { eventually } from './support/mqtt-device';
import { startTestApp, TestApp } from './support/test-app';
import { importTwoCommunes, provinceEditors, uploadReadyAudio } from './support/two-communes';

const RATE = 16_000;

/**
 * The service's side of acoustic checks, through the device API as a player with a monitor would
 * speak it: windows heard through a room (made here with the real ffmpeg) are graded against the
 * delivered file; a replayed event is one check; an event for another channel's airing or outside
 * it grades nothing; a relay has no file to compare; malformed signatures are refused by field.
 */
describe('acoustic checks (service)', () => {
  let t: TestApp;
  let db: DataSource;
  let editor: string;
  let heard: Float32Array;
  const ids: Record<string, string> = {};
  let t0 = 0;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const device = () => ({ Authorization: `Bearer ${ids.token}` });

  /** The windows a monitor reports: 5 s each at the file's offsets, from what the room made of it. */
  const windowsAt = (samples: Float32Array, offsetsMs: number[]) =>
    offsetsMs.map((offsetMs) => {
      const part = samples.subarray(Math.round((offsetMs / 1000) * RATE), Math.round(((offsetMs + 5000) / 1000) * RATE));
      const bands = new BandEnergies(RATE);
      bands.push(part);
      return { offsetMs, levelDb: levelDb(part), sig: encodeWindow(frameLevels(bands.take(), FRAME_BLOCKS)) };
    });
  // airings one after another, ended within the last ten minutes (a monitor's report is evidence up to ten minutes after)
  let slot = 0;
  const entry = async (channel: string, body: object = { kind: 'airing', programId: ids.program }, startsAt = new Date(t0 + 30_000 * slot++)) => {
    const res = await t.http.post(`/api/v1/channels/${channel}/entries`).set(as(editor)).send({ ...body, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 30_000).toISOString() });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const monitored = (eventId: string, entryId: string, windows: unknown, at = new Date()) =>
    t.http.post(`/api/v1/devices/${ids.device}/events`).set(device()).send([{ eventId, deviceId: ids.device, type: 'play.monitored', entryId, at: at.toISOString(), detail: { algorithm: 'bcast-env-1', windows } }]);
  const verdictOf = (eventId: string) => eventually(async () => {
    const [c] = await db.query(`SELECT verdict, score, reason FROM acoustic_checks WHERE event_id = $1 AND verdict <> 'pending'`, [eventId]);
    return c;
  }, 20_000, `check ${eventId} graded`);

  beforeAll(async () => {
    t0 = Math.floor(Date.now() / 1000) * 1000 - 540_000;
    t = await startTestApp();
    db = t.app.get(DataSource);
    Object.assign(ids, await importTwoCommunes(t));
    const { editor: author, reviewer } = await provinceEditors(t, ids['38']);
    editor = author;
    const fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-acoustic-checks-')));
    const file = fx.announcement('thong-bao.mp3', 24);
    const audio = await uploadReadyAudio(t, editor, ids['38'], file);
    const series = (await t.http.post('/api/v1/series').set(as(editor)).send({ unitId: ids['38'], name: 'Thông báo' })).body.id;
    ids.program = (await t.http.post('/api/v1/programs').set(as(editor)).send({ title: 'Thông báo tiêm phòng', audioAssetId: audio, seriesId: series })).body.id;
    await t.http.post(`/api/v1/programs/${ids.program}/submit`).set(as(editor)).expect(200);
    await t.http.post(`/api/v1/programs/${ids.program}/approve`).set(as(reviewer)).expect(200);
    ids.channel = (await t.http.post('/api/v1/channels').set(as(editor)).send({ unitId: ids['1'], name: 'Đài xã Sơn Điện', kind: 'audio', windows: [] })).body.id;
    ids.other = (await t.http.post('/api/v1/channels').set(as(editor)).send({ unitId: ids['2'], name: 'Đài xã Mường Mìn', kind: 'audio', windows: [] })).body.id;
    const reg = await t.http.post(`/api/v1/channels/${ids.channel}/devices`).set(as(editor)).send({ name: 'Cụm loa chợ', kind: 'speaker' });
    ids.device = reg.body.device.id;
    ids.token = reg.body.token;
    // the room: echo, the telephone band, street noise 10 dB down, 20 dB quieter, at 16 kHz
    const ffmpeg = resolveFfmpegBinaries(process.env.FFMPEG_PATH, process.env.FFPROBE_PATH).ffmpeg;
    const raw = execFileSync(ffmpeg, ['-v', 'error', '-i', file, '-f', 'lavfi', '-i', 'anoisesrc=c=pink:a=0.05:d=30:r=44100',
      '-filter_complex', '[0]aecho=0.8:0.6:40|90:0.4|0.25[r];[r][1]amix=inputs=2:duration=first,highpass=f=300,lowpass=f=3400,volume=-20dB', '-ac', '1', '-ar', String(RATE), '-f', 'f32le', 'pipe:1'], { maxBuffer: 64 << 20 });
    heard = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).slice();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('grades what a monitor heard of an airing against the delivered file, once per event, reference computed once per file', async () => {
    const airing = await entry(ids.channel);
    // heard 700 ms later than the player reckons (its audio path), at 2 s, 9 s and 16 s into the file
    const windows = windowsAt(heard, [2700, 9700, 16_700]).map((w) => ({ ...w, offsetMs: w.offsetMs - 700 }));
    expect((await monitored('m-1', airing, windows)).body).toMatchObject({ accepted: 1, refused: 0 });
    const check = await verdictOf('m-1');
    expect(check.verdict).toBe('heard');
    expect(check.score).toBeGreaterThan(0.6);
    const [{ lag_ms: lag }] = await db.query(`SELECT lag_ms FROM acoustic_checks WHERE event_id = 'm-1'`);
    expect(Math.abs(lag - 700)).toBeLessThanOrEqual(50);
    const [e] = await db.query(`SELECT acoustic, acoustic_score FROM schedule_entries WHERE id = $1`, [airing]);
    expect(e).toMatchObject({ acoustic: 'heard' });
    // the same event again (a lost PUBACK): a duplicate, not a second check
    expect((await monitored('m-1', airing, windows)).body).toMatchObject({ accepted: 0, duplicates: 1 });
    // a second airing of the same file: graded from the cached reference
    const decodedBefore = t.app.get(AcousticReferences).decoded;
    const second = await entry(ids.channel);
    await monitored('m-2', second, windowsAt(heard, [3000, 12_000]));
    expect((await verdictOf('m-2')).verdict).toBe('heard');
    expect(t.app.get(AcousticReferences).decoded).toBe(decodedBefore);
    expect(await db.query(`SELECT count(*)::int AS n FROM acoustic_checks WHERE entry_id = ANY($1)`, [[airing, second]])).toEqual([{ n: 2 }]);
    // a device whose monitor has reported counts its channel as monitored
    const [{ monitor_seen_at: seen }] = await db.query(`SELECT monitor_seen_at FROM devices WHERE id = $1`, [ids.device]);
    expect(seen).not.toBeNull();
  }, 60_000);

  it('says silent, not heard, or cannot verify — and flags the device until an airing is heard again', async () => {
    const airing = await entry(ids.channel);
    const silence = new Float32Array(heard.length);
    await monitored('s-1', airing, windowsAt(silence, [2000, 9000]));
    expect((await verdictOf('s-1')).verdict).toBe('silent');
    await db.query(`UPDATE devices SET online = true, last_seen_at = now() WHERE id = $1`, [ids.device]); // (as its status messages would)
    let [d] = (await t.http.get(`/api/v1/devices?channelId=${ids.channel}`).set(as(editor))).body.items;
    expect(d).toMatchObject({ state: 'silent', silentEntryId: airing });
    expect(d.flags).toContain('silent');
    // the flagged-only list has it, as the operator's page asks
    expect((await t.http.get('/api/v1/devices?flagged=true').set(as(editor))).body.items.map((x: { id: string }) => x.id)).toContain(ids.device);
    // the room alone, loud: not heard
    const street = Float32Array.from({ length: heard.length }, (_, i) => 0.02 * Math.sin(i / 3) * Math.sin(i / 4001));
    await monitored('n-1', airing, windowsAt(street, [2000, 9000]));
    expect((await verdictOf('n-1')).verdict).toBe('not-heard');
    // a relay has no file to compare with: stored, graded as unverifiable, no verdict on the airing
    const relay = await entry(ids.channel, { kind: 'relay', title: 'Tiếp âm VOV1', streamUrl: 'https://stream.example.vn/vov1' });
    await monitored('r-1', relay, windowsAt(heard, [2000]));
    expect(await verdictOf('r-1')).toMatchObject({ verdict: 'unverifiable', reason: 'no-file' });
    expect((await db.query(`SELECT acoustic FROM schedule_entries WHERE id = $1`, [relay]))[0].acoustic).toBeNull();
    // heard again: the flag goes
    const later = await entry(ids.channel);
    await monitored('h-2', later, windowsAt(heard, [2000, 9000, 16_000]));
    expect((await verdictOf('h-2')).verdict).toBe('heard');
    [d] = (await t.http.get(`/api/v1/devices?channelId=${ids.channel}`).set(as(editor))).body.items;
    expect(d.flags).not.toContain('silent');
    expect(d.silentEntryId).toBeNull();
  }, 60_000);

  it('grades nothing for another channel’s airing or outside the airing, and refuses malformed signatures by field', async () => {
    const foreign = await entry(ids.other);
    expect((await monitored('f-1', foreign, windowsAt(heard, [2000]))).body).toMatchObject({ accepted: 1 });
    const past = await entry(ids.channel, undefined, new Date(t0 - 3600_000)); // ended 50 minutes before the report
    expect((await monitored('p-1', past, windowsAt(heard, [2000]))).body).toMatchObject({ accepted: 1 });
    await t.app.get(AcousticVerifier).kick();
    expect(await db.query(`SELECT event_id FROM acoustic_checks WHERE event_id IN ('f-1', 'p-1')`)).toEqual([]);

    const airing = await entry(ids.channel);
    const good = windowsAt(heard, [2000])[0];
    const cases: Array<[unknown, string]> = [
      [[], '0.detail.windows'],
      [[{ ...good, sig: 'không phải base64!' }], '0.detail.windows.0.sig'],
      [[{ ...good, sig: 'A'.repeat(1004) }], '0.detail.windows.0.sig'],
      [[{ ...good, offsetMs: -5 }], '0.detail.windows.0.offsetMs'],
      [[{ ...good, levelDb: 12 }], '0.detail.windows.0.levelDb'],
      [Array(7).fill(good), '0.detail.windows'],
    ];
    for (const [windows, field] of cases) {
      const res = await monitored(`bad-${field}-${JSON.stringify(windows).length}`, airing, windows);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 0, refused: 1 });
      expect(res.body.problems.map((p: { field: string }) => p.field)).toContain(field);
      expect(res.body.problems.find((p: { field: string }) => p.field === field).message).toMatch(/[ạảãáàăâđêôơư]/); // in Vietnamese
    }
    const noEntry = await t.http.post(`/api/v1/devices/${ids.device}/events`).set(device()).send([{ eventId: 'x-1', deviceId: ids.device, type: 'play.monitored', at: new Date().toISOString(), detail: { algorithm: 'other', windows: [good] } }]);
    expect(noEntry.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['0.detail.algorithm', '0.entryId']);
    expect(await db.query(`SELECT count(*)::int AS n FROM play_events WHERE event_id LIKE 'bad-%' OR event_id = 'x-1'`)).toEqual([{ n: 0 }]);
  }, 60_000);

  it('refuses a rule asking for an evidence level it does not know', async () => {
    const series = (await t.http.post('/api/v1/series').set(as(editor)).send({ unitId: ids['38'], name: 'Khác' })).body.id;
    const res = await t.http.post('/api/v1/rules').set(as(editor)).send({ name: 'Sai', seriesId: series, definition: { match: {}, period: 'month', minPrograms: 1, minAiringsPerProgram: 3, evidence: 'microphone' } });
    expect([400, 422]).toContain(res.status);
    expect(JSON.stringify(res.body)).toContain('evidence');
  });
});
