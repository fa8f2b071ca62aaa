import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DataSource } from 'typeorm';
import { eventually } from './support/mqtt-device';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
// Debian's Chromium is on the CI machine; a machine with only Node.js skips this file (and says so).
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`${CHROMIUM} is not installed: skipping the LED board player test`);

/**
 * An LED board player (players/, display output) against the real service and the run's broker:
 * a text slide scheduled seconds ahead shows on the board page at its start, read by headless
 * Chromium at the board's resolution (screenshot in test-output/screenshots), with its Vietnamese
 * title intact; the server gets the play events.
 */
(hasChromium ? describe : describe.skip)('an LED board player against the real service', () => {
  let t: TestApp;
  let player: ChildProcess;
  let log = '';
  const ids: Record<string, string> = {};
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer().address() as { port: number }).port;
    const admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as(admin)).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n1,Xã Sơn Điện,commune,38\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as(admin))).body.items) ids[u.code] = u.id;
    ids.channel = (await t.http.post('/api/v1/channels').set(as(admin)).send({ unitId: ids['1'], name: 'Bảng LED chợ Sơn Điện', kind: 'display', windows: [] })).body.id;
    const slide = await t.http.post('/api/v1/media-assets/slide').set(as(admin)).send({ unitId: ids['1'], width: 384, height: 192, heading: 'Chuyển đổi số', body: 'Người dân cài đặt ứng dụng VNeID', ticker: 'Đài truyền thanh xã Sơn Điện' });
    expect(slide.status).toBe(202);
    await eventually(async () => (await t.http.get(`/api/v1/media-assets/${slide.body.id}`).set(as(admin))).body.status === 'ready', 30_000, 'slide rendered');
    ids.slide = slide.body.id;
    const device = await t.http.post(`/api/v1/channels/${ids.channel}/devices`).set(as(admin)).send({ name: 'Bảng LED chợ', kind: 'led' });
    ids.device = device.body.device.id;
    const dir = mkdtempSync(join(tmpdir(), 'bcast-led-'));
    const mqttUrl = new URL(process.env.MQTT_URL!);
    // on the run's broker the board logs in as the service would let any client in (the system
    // Mosquitto admits anyone; the embedded test broker only its service account)
    const config = { serverUrl: `http://127.0.0.1:${port}`, brokerUrl: `mqtt://127.0.0.1:${mqttUrl.port || 1883}`, deviceId: ids.device, token: device.body.token, topicPrefix: t.config.MQTT_TOPIC_PREFIX, output: 'display', dataDir: dir, displayPort: 0, pullIntervalS: 2, heartbeatS: 2, drainIntervalMs: 20, reconnectJitterMs: 100, minFreeBytes: 0 };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    player = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'players/src/main.ts'), '--config', join(dir, 'config.json')], { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') }, stdio: ['ignore', 'pipe', 'pipe'] });
    player.stdout!.on('data', (d) => (log += d));
    player.stderr!.on('data', (d) => (log += d));
    await eventually(async () => /"msg":"started"/.test(log), 30_000, 'player started');
  }, 120_000);

  afterAll(async () => {
    player?.kill('SIGTERM');
    await t?.close();
  });

  it('shows a scheduled slide at its start, with its Vietnamese title, and reports it', async () => {
    const admin = await t.login(ADMIN.username, ADMIN.password);
    const start = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000);
    const entry = await t.http.post(`/api/v1/channels/${ids.channel}/entries`).set(as(admin)).send({ kind: 'slides', mediaAssetId: ids.slide, title: 'Tuyên truyền chuyển đổi số', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 20_000).toISOString() });
    expect(entry.status).toBe(201);
    const boardUrl = /"msg":"board page","device":"[^"]+","url":"([^"]+)"/.exec(log)![1];
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 384, height: 192 } });
      await page.goto(boardUrl);
      // before its start: the idle page
      expect(await page.textContent('#band')).toBe('');
      await page.waitForFunction(() => document.getElementById('band')!.textContent === 'Tuyên truyền chuyển đổi số', undefined, { timeout: 15_000 });
      const shownAt = Date.now();
      expect(shownAt - start.getTime()).toBeLessThan(1500); // start plus the page's half-second poll
      await page.waitForFunction(() => (document.querySelector('#slide img') as HTMLImageElement | null)?.naturalWidth === 384, undefined, { timeout: 5000 });
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'led-board.png') });
    } finally {
      await browser.close();
    }
    const db = t.app.get(DataSource);
    const started = await eventually(async () => {
      const r = await db.query(`SELECT at FROM play_events WHERE entry_id = $1 AND type = 'play.started'`, [entry.body.id]);
      return r.length > 0 && r;
    }, 15_000, 'play.started reported');
    expect(Math.abs(new Date(started[0].at).getTime() - start.getTime())).toBeLessThan(1000);
  }, 90_000);
});
