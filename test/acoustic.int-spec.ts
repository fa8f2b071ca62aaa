import { ChildProcess } from 'node:child_process';
import JSZip from 'jszip';
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DataSource } from 'typeorm';
import { HEARD_THRESHOLD } from '../src/evidence/acoustic/signature-match';
import { resolveFfmpegBinaries } from '../src/infrastructure/ffmpeg/ffmpeg-binaries';
import type { EmbeddedBrokerHandle } from '../src/infrastructure/mqtt/embedded-broker';
import { AudioFixtures } from './support/audio-fixtures';
import { eventually } from './support/mqtt-device';
import { spawnTs } from './support/service-process';
import type { TestApp } from './support/test-app';
import { importTwoCommunes, provinceEditors, startAppWithBroker, uploadReadyAudio } from './support/two-communes';

const ROOT = join(__dirname, '..');
const ROOM = join(__dirname, 'support', 'room');
const PROGRAM_S = 24;
const CHROMIUM = '/usr/bin/chromium';

/**
 * Acoustic proof of airing end to end: the real service, its broker, and two player processes
 * whose loudspeaker is a file (test/support/room/ffplay plays in real time into it) and whose
 * monitor input is a command reading that file through a simulated room (reverb, the band of a
 * horn and a cheap microphone, street noise, 20 dB down). One cluster is heard; the other's
 * amplifier is off (its monitor hears the street alone): it is flagged "không có âm thanh" within
 * that airing, and its airing counts as reported, not heard.
 */
describe('acoustic proof of airing', () => {
  let t: TestApp;
  let broker: EmbeddedBrokerHandle;
  let db: DataSource;
  const players: ChildProcess[] = [];
  const logs: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let editor: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    const started = await startAppWithBroker();
    ({ t, broker } = started);
    db = t.app.get(DataSource);
    Object.assign(ids, await importTwoCommunes(t));
    const { editor: author, reviewer } = await provinceEditors(t, ids['38']);
    editor = author;
    const fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-acoustic-')));
    const audio = await uploadReadyAudio(t, editor, ids['38'], fx.announcement('thong-bao.mp3', PROGRAM_S));
    ids.series = (await t.http.post('/api/v1/series').set(as(editor)).send({ unitId: ids['38'], name: 'Thông báo của xã' })).body.id;
    const now = new Date(Date.now() + 7 * 3600_000);
    ids.from = `${now.toISOString().slice(0, 7)}-01`;
    ids.to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    ids.program = (await t.http.post('/api/v1/programs').set(as(editor)).send({ title: 'Thông báo tiêm phòng', audioAssetId: audio, seriesId: ids.series, periodStart: ids.from, periodEnd: ids.to })).body.id;
    await t.http.post(`/api/v1/programs/${ids.program}/submit`).set(as(editor)).expect(200);
    await t.http.post(`/api/v1/programs/${ids.program}/approve`).set(as(reviewer)).expect(200);
    // "Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần", verified where a cluster has a monitor
    await t.http.post('/api/v1/rules').set(as(editor)).send({ name: 'Thông báo của xã, xác thực âm thanh', seriesId: ids.series, definition: { match: {}, period: 'month', minPrograms: 1, minAiringsPerProgram: 1, evidence: 'acoustic' } }).expect(201);

    const ffmpeg = resolveFfmpegBinaries(process.env.FFMPEG_PATH, process.env.FFPROBE_PATH).ffmpeg;
    for (const [name, commune, room] of [['heard', '1', 'room'], ['deaf', '2', 'deaf']] as const) {
      ids[`${name}Channel`] = (await t.http.post('/api/v1/channels').set(as(editor)).send({ unitId: ids[commune], name: `Đài xã ${commune}`, kind: 'audio', windows: [] })).body.id;
      const device = await t.http.post(`/api/v1/channels/${ids[`${name}Channel`]}/devices`).set(as(editor)).send({ name: `Cụm loa ${name}`, kind: 'speaker' });
      ids[`${name}Device`] = device.body.device.id;
      const dir = mkdtempSync(join(tmpdir(), `bcast-acoustic-${name}-`));
      const speaker = join(dir, 'speaker.raw');
      writeFileSync(speaker, '');
      const config = {
        serverUrl: started.url, brokerUrl: broker.url, deviceId: ids[`${name}Device`], token: device.body.token, topicPrefix: t.config.MQTT_TOPIC_PREFIX,
        output: 'audio', audioCommand: 'ffplay', allowInsecure: true, dataDir: join(dir, 'data'), heartbeatS: 2, pullIntervalS: 2, alertPollS: 1, drainIntervalMs: 20, reconnectJitterMs: 200, minFreeBytes: 0,
        monitor: { command: [process.execPath, join(ROOM, 'room-monitor.js'), speaker, room], sampleRate: 16000, windows: 2, windowS: 5 },
      };
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      logs[name] = '';
      const child = spawnTs('players/src/main.ts', ['--config', join(dir, 'config.json')], { ...process.env, PATH: `${ROOM}${delimiter}${process.env.PATH}`, SPEAKER_FILE: speaker, FFMPEG: ffmpeg });
      child.stdout!.on('data', (d) => (logs[name] += d));
      child.stderr!.on('data', (d) => (logs[name] += d));
      players.push(child);
    }
    await eventually(async () => (await t.http.get('/api/v1/devices').set(as(editor))).body.items.filter((d: { online: boolean }) => d.online).length === 2, 30_000, 'both players online');
    // each announces the protocol it speaks and its features, the monitor among them
    for (const d of (await t.http.get('/api/v1/devices').set(as(editor))).body.items) expect(d).toMatchObject({ protocol: 'bcast/v1.1', features: ['http-alert', 'http-events', 'monitor'] });
  }, 180_000);

  afterAll(async () => {
    for (const p of players) p.kill('SIGTERM');
    await t?.close();
    await broker?.stop();
  });

  it('verifies the heard airing acoustically, and flags the silent cluster within its airing', async () => {
    const start = new Date(Math.ceil((Date.now() + 10_000) / 1000) * 1000);
    const end = new Date(start.getTime() + (PROGRAM_S + 2) * 1000);
    for (const name of ['heard', 'deaf']) {
      const res = await t.http.post(`/api/v1/channels/${ids[`${name}Channel`]}/entries`).set(as(editor)).send({ kind: 'airing', programId: ids.program, startsAt: start.toISOString(), endsAt: end.toISOString() });
      expect(res.status).toBe(201);
      ids[`${name}Entry`] = res.body.id;
    }
    // both graded before the airing is over: the last window ends two seconds before the program does
    const checks = await eventually(async () => {
      const rows = await db.query(`SELECT device_id, verdict, score, lag_ms, level_db, checked_at FROM acoustic_checks WHERE verdict <> 'pending'`);
      return rows.length === 2 && rows;
    }, (PROGRAM_S + 20) * 1000, `both airings graded; heard player: ${logs.heard}; deaf player: ${logs.deaf}`);
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    writeFileSync(join(ROOT, 'test-output', 'acoustic-checks.json'), JSON.stringify(checks, null, 2)); // the scores, for whoever tunes the room
    const heard = checks.find((c: { device_id: string }) => c.device_id === ids.heardDevice);
    const deaf = checks.find((c: { device_id: string }) => c.device_id === ids.deafDevice);
    expect(heard).toMatchObject({ verdict: 'heard' });
    expect(heard.score).toBeGreaterThan(0.6);
    expect(Math.abs(heard.lag_ms)).toBeLessThan(1000); // the room's latency and the pipes', not a second more
    expect(deaf.verdict).toBe('not-heard'); // the street, loud enough not to be silence
    expect(deaf.score).toBeLessThan(HEARD_THRESHOLD);
    expect(new Date(deaf.checked_at).getTime()).toBeLessThan(end.getTime() + 3000); // within its airing

    // the flag, as the console and the operator's page read it
    const devices = (await t.http.get('/api/v1/devices').set(as(editor))).body.items as Array<{ id: string; flags: string[]; silentEntryId: string | null; state: string }>;
    expect(devices.find((d) => d.id === ids.deafDevice)).toMatchObject({ silentEntryId: ids.deafEntry, state: 'silent' });
    expect(devices.find((d) => d.id === ids.deafDevice)!.flags).toContain('silent');
    expect(devices.find((d) => d.id === ids.heardDevice)!.flags).not.toContain('silent');

    // what compliance counts, once both players have reported completion too
    await eventually(async () => (await db.query(`SELECT count(*)::int AS n FROM schedule_entries WHERE evidenced_at IS NOT NULL AND id = ANY($1)`, [[ids.heardEntry, ids.deafEntry]]))[0].n === 2, 20_000, 'both airings reported completed');
    const report = await t.http.get(`/api/v1/compliance?unitId=${ids['38']}&from=${ids.from}&to=${ids.to}`).set(as(editor));
    const rowOf = (channel: string) => report.body.rows.find((r: { channelId: string }) => r.channelId === channel);
    expect(rowOf(ids.heardChannel)).toMatchObject({ levels: { acoustic: 1, notHeard: 0, reported: 0, confirmed: 0 }, evidenced: { airings: 1 }, status: 'ok' });
    // reported by the player but not heard: shown as such, and not enough for a rule asking for acoustic proof
    expect(rowOf(ids.deafChannel)).toMatchObject({ levels: { acoustic: 0, notHeard: 1, reported: 0, confirmed: 0 }, evidenced: { airings: 0 } });
    // the entry as the calendar reads it
    const listed = await t.http.get(`/api/v1/channels/${ids.heardChannel}/entries?from=${start.toISOString()}&to=${end.toISOString()}`).set(as(editor));
    expect(listed.body.find((e: { id: string }) => e.id === ids.heardEntry)).toMatchObject({ acoustic: 'heard' });
  }, 120_000);

  it('shows each airing’s evidence level and the flag in the console, and the share verified acoustically in the reports', async () => {
    // the district's official report: per commune, how many airings were verified acoustically
    const binary = (res: unknown, cb: (err: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      (res as NodeJS.ReadableStream).on('data', (d: Buffer) => chunks.push(d));
      (res as NodeJS.ReadableStream).on('end', () => cb(null, Buffer.concat(chunks)));
    };
    const docx = await t.http.post('/api/v1/reports/official').set(as(editor)).send({ unitId: ids['38'], from: ids.from, to: ids.to, format: 'docx' }).buffer(true).parse(binary as never);
    expect(docx.status).toBe(200);
    const xml = await (await JSZip.loadAsync(docx.body as Buffer)).file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).toContain('1 (xác thực âm thanh 1/1 — 100 %)'); // Xã Sơn Điện: heard
    expect(text).toContain('1 (xác thực âm thanh 0/1 — 0 %)'); // Xã Mường Mìn: reported, not heard
    expect(text).toContain('micro giám sát xác thực bằng âm thanh 1 lượt (50 % số lượt đã phát), 1 lượt thiết bị báo đã phát nhưng micro không nghe thấy');

    if (!existsSync(CHROMIUM)) return console.warn(`${CHROMIUM} is not installed: the console part of the acoustic test is skipped`);
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(`${base}/`);
      await page.fill('[name=username]', 'editor.a');
      await page.fill('[name=password]', 'mat-khau-dai-du');
      await page.click('button.primary');
      await page.waitForSelector('#nav a');
      // the operator's page opens with the silent cluster
      await page.goto(`${base}/#/today`);
      await page.waitForSelector('#silent-clusters');
      expect(await page.locator('#silent-clusters li').evaluateAll((li) => li.map((x) => (x as unknown as { dataset: { device: string } }).dataset.device))).toEqual([ids.deafDevice]);
      expect(await page.textContent('#silent-clusters')).toContain('Cụm loa không có âm thanh');
      // each device's page: the flag, and each airing's level
      await page.goto(`${base}/#/device?id=${ids.deafDevice}`);
      await page.waitForSelector('#device-airings');
      expect(await page.textContent('#silent')).toContain('Không có âm thanh');
      expect(await page.getAttribute(`#device-airings tr[data-id="${ids.deafEntry}"] .evl`, 'data-level')).toBe('notHeard');
      expect(await page.textContent('#device-events')).toContain('Micro giám sát nghe');
      await page.goto(`${base}/#/device?id=${ids.heardDevice}`);
      await page.waitForSelector(`#device-airings tr[data-id="${ids.heardEntry}"]`);
      expect(await page.textContent(`#device-airings tr[data-id="${ids.heardEntry}"] .evl`)).toContain('Đã xác thực bằng âm thanh');
      expect(await page.locator('#silent').count()).toBe(0);
      // the devices list flags it
      await page.goto(`${base}/#/devices`);
      await page.waitForSelector(`#devices tr[data-id="${ids.deafDevice}"]`);
      expect(await page.textContent(`#devices tr[data-id="${ids.deafDevice}"]`)).toContain('không có âm thanh');
      expect(await page.textContent(`#devices tr[data-id="${ids.heardDevice}"]`)).not.toContain('không có âm thanh');
      expect(await page.textContent(`#devices tr[data-id="${ids.heardDevice}"] .protocol`)).toBe('bcast/v1.1 · http-alert, http-events, monitor');
      mkdirSync(join(ROOT, 'test-output', 'screenshots'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-output', 'screenshots', 'console-silent-cluster.png'), fullPage: true });
      await page.close();
    } finally {
      await browser.close();
    }
  }, 60_000);
});
