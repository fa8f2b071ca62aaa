import { existsSync, mkdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', 'test-output', 'screenshots');
// a light green 1×1 PNG: every tile the local tile server answers
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPY+OIfAASQAmOzT7JXAAAAAElFTkSuQmCC', 'base64');

/**
 * The province's clusters on a map (Leaflet from this origin), coloured by state, with the list of
 * faults — with a tile server, and with the tile server gone (the plain view still draws every cluster).
 */
(existsSync(CHROMIUM) ? describe : describe.skip)('map of clusters and LED boards', () => {
  let tiles: Server;
  let tileRequests = 0;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tiles = createServer((_req, res) => {
      tileRequests++;
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(TILE);
    });
    await new Promise<void>((r) => tiles.listen(0, '127.0.0.1', r));
    t = await startTestApp({ MAP_TILE_URL: `http://127.0.0.1:${(tiles.address() as AddressInfo).port}/{z}/{x}/{y}.png` });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = { Authorization: `Bearer ${await t.login(ADMIN.username, ADMIN.password)}` };
    await t.http.post('/api/v1/units/import').set(admin).set('Content-Type', 'text/csv')
      .send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n1,Xã Sơn Điện,commune,38\n2,Xã Mường Mìn,commune,38\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(admin)).body.items) ids[u.code] = u.id;
    const channel = async (unit: string, name: string, kind = 'audio') => (await t.http.post('/api/v1/channels').set(admin).send({ unitId: ids[unit], name, kind, windows: [] }).expect(201)).body.id;
    const device = async (ch: string, name: string, lat: number | null, lng: number | null, kind = 'speaker') => {
      const res = (await t.http.post(`/api/v1/channels/${ch}/devices`).set(admin).send({ name, kind, ...(lat === null ? {} : { lat, lng }) }).expect(201)).body;
      ids[`token:${res.device.id}`] = res.token;
      return res.device.id as string;
    };
    const a = await channel('1', 'Đài xã Sơn Điện');
    const b = await channel('2', 'Đài xã Mường Mìn');
    const led = await channel('1', 'Bảng LED chợ Sơn Điện', 'display');
    ids.playing = await device(a, 'Cụm loa bản Bo', 20.331, 104.853);
    ids.idle = await device(a, 'Cụm loa bản Păng', 20.342, 104.871);
    ids.ledIdle = await device(led, 'Bảng LED chợ', 20.336, 104.861, 'led');
    ids.offline = await device(b, 'Cụm loa bản Chanh', 20.402, 104.95);
    ids.old = await device(b, 'Cụm loa bản Poọng', 20.41, 104.97);
    ids.unplaced = await device(b, 'Cụm loa mới lắp', null, null);
    // the offline cluster's last words before it went silent: a playlist, then a failed airing
    await t.http.post(`/api/v1/devices/${ids.offline}/events`).set({ Authorization: `Bearer ${ids[`token:${ids.offline}`]}` }).send([
      { eventId: 'e1', deviceId: ids.offline, type: 'playlist.applied', at: new Date(Date.now() - 4 * 3600_000).toISOString(), playlistVersion: 1 },
      { eventId: 'e2', deviceId: ids.offline, type: 'media.failed', at: new Date(Date.now() - 3.5 * 3600_000).toISOString(), detail: { reason: 'hash-mismatch' } },
    ]).expect(200);
    const db = t.app.get(DataSource);
    // what the devices last said (as the presence flush stores it)
    await db.query(`UPDATE devices SET online = true, last_seen_at = now(), now_playing = 'Bản tin sáng' WHERE id = $1`, [ids.playing]);
    await db.query(`UPDATE devices SET online = true, last_seen_at = now() WHERE id = ANY($1::uuid[])`, [[ids.idle, ids.ledIdle, ids.unplaced]]);
    await db.query(`UPDATE devices SET online = false, last_seen_at = now() - interval '3 hours 10 minutes' WHERE id = $1`, [ids.offline]);
    await db.query(`UPDATE devices SET online = true, last_seen_at = now(), acked_playlist_version = 1 WHERE id = $1`, [ids.old]);
    // Mường Mìn's playlist went to version 5 two hours ago (after the compiler has settled the channel's first version)
    for (let i = 0; i < 100; i++) {
      const [{ compiled, pending }] = await db.query(`SELECT EXISTS (SELECT 1 FROM channel_playlists WHERE channel_id = $1) AS compiled, EXISTS (SELECT 1 FROM playlist_changes WHERE channel_id = $1) AS pending`, [b]);
      if (compiled && !pending) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await db.query(`UPDATE channel_playlists SET version = 5, generated_at = now() - interval '2 hours 5 minutes' WHERE channel_id = $1`, [b]);
    await db.query(`UPDATE devices SET acked_playlist_version = 5 WHERE id = $1`, [ids.unplaced]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    tiles?.close();
  });

  /** Signed in, on the map, under the console's real CSP (the tile server's origin allowed, nothing else). */
  const openMap = async (): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const violations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
    await page.goto(`${base}/`);
    await page.fill('[name=username]', ADMIN.username);
    await page.fill('[name=password]', ADMIN.password);
    await page.click('button.primary');
    await page.waitForSelector('#nav a');
    await page.click('a[href="#/map"]');
    await page.locator('path.device').nth(4).waitFor();
    expect(violations).toEqual([]);
    return page;
  };

  const colours = async (page: Page) => {
    const out: Record<string, string | null> = {};
    for (const key of ['playing', 'idle', 'ledIdle', 'offline', 'old']) out[key] = await page.locator(`path.device-${ids[key]}`).getAttribute('fill');
    return out;
  };
  const expected = { playing: '#1f7a3a', idle: '#1a5fb4', ledIdle: '#1a5fb4', offline: '#b3261e', old: '#c98a00' };

  it('draws every placed cluster and board in its state’s colour over the tiles, and lists the faults with how long they have lasted', async () => {
    const page = await openMap();
    expect(await page.locator('path.device').count()).toBe(5);
    expect(await colours(page)).toEqual(expected);
    // the tiles came from the configured server
    for (let i = 0; i < 50 && !(await page.locator('img.leaflet-tile-loaded').count()); i++) await page.waitForTimeout(100);
    expect(await page.locator('img.leaflet-tile-loaded').count()).toBeGreaterThan(0);
    expect(tileRequests).toBeGreaterThan(0);
    // the faults: the offline cluster (longest first) and the one on an old playlist, nothing else
    const faults = await page.locator('#faults tr[data-device]').evaluateAll((rows) => rows.map((r) => [(r as unknown as { dataset: { device: string; state: string } }).dataset.device, (r as unknown as { dataset: { state: string } }).dataset.state, r.lastElementChild!.textContent]));
    expect(faults).toEqual([[ids.offline, 'offline', expect.stringMatching(/^3 giờ 1\d phút$/)], [ids.old, 'oldPlaylist', expect.stringMatching(/^2 giờ \d phút$/)]]);
    expect(await page.textContent('.legend')).toContain('1 thiết bị chưa có tọa độ');
    // a cluster's popup leads to its channel's recent airings
    await page.locator(`path.device-${ids.offline}`).click();
    await page.waitForSelector('.leaflet-popup-content a');
    expect(await page.textContent('.leaflet-popup-content')).toContain('Cụm loa bản Chanh');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'map-tiles.png') });
    // its page: what it reported before it went silent
    await page.click('.leaflet-popup-content a[href^="#/device"]');
    await page.waitForSelector('#device-events tr[data-type]');
    expect(await page.locator('#device-events tr[data-type]').evaluateAll((rows) => rows.map((r) => r.textContent))).toEqual([
      expect.stringContaining('Tải tệp lỗi'), expect.stringContaining('Nhận danh sách phát'),
    ]);
    expect(await page.textContent('#device-events')).toContain('hash-mismatch');
    await page.close();
  }, 60_000);

  it('still draws every cluster, with the communes’ areas, when the tile server is unreachable', async () => {
    await new Promise((r) => tiles.close(r));
    tiles.closeAllConnections?.();
    const page = await openMap();
    expect(await page.locator('path.device').count()).toBe(5);
    expect(await colours(page)).toEqual(expected);
    expect(await page.locator('img.leaflet-tile-loaded').count()).toBe(0);
    expect(await page.locator('path.unit-area').count()).toBe(2); // one area per commune with placed devices
    // filtered to one commune: its clusters only
    await page.selectOption('#map-filter [name=unit]', ids['2']);
    // (no string predicates: the console's CSP forbids evaluating them)
    for (let i = 0; i < 50 && (await page.locator('path.device').count()) !== 2; i++) await page.waitForTimeout(100);
    expect(await page.locator('path.device').count()).toBe(2);
    await page.selectOption('#map-filter [name=unit]', '');
    await page.locator('path.device').nth(4).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'map-no-tiles.png') });
    await page.close();
  }, 60_000);
});
