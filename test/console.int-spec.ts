import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Browser, chromium, Page } from 'playwright-core';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', 'test-output', 'screenshots');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`${CHROMIUM} is not installed: skipping the console browser tests`);

/** The web console in Debian's Chromium, driven as its users would: in Vietnamese, on a phone for the operator. */
(hasChromium ? describe : describe.skip)('web console', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const ids: Record<string, string> = {};
  let audioFile: string;

  const shot = async (page: Page, name: string) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
  };
  const login = async (username: string, password = 'mat-khau-dai-du', viewport = { width: 1280, height: 800 }) => {
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    await page.goto(`${base}/`);
    await page.fill('[name=username]', username);
    await page.fill('[name=password]', password);
    await page.click('button.primary');
    await page.waitForSelector('#nav a');
    return page;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    const admin = await t.login(ADMIN.username, ADMIN.password);
    const as = { Authorization: `Bearer ${admin}` };
    await t.http.post('/api/v1/units/import').set(as).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n15943,Xã Sơn Điện,commune,38\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as)).body.items) ids[u.code] = u.id;
    for (const [username, role, unit] of [['bientap.a', 'editor', '38'], ['bientap.b', 'editor', '38'], ['vanhanh.sd', 'operator', '15943']]) {
      await t.http.post('/api/v1/users').set(as).send({ username, displayName: username, password: 'mat-khau-dai-du', role, unitId: ids[unit] }).expect(201);
    }
    ids.channel = (await t.http.post('/api/v1/channels').set(as).send({ unitId: ids['15943'], name: 'Đài xã Sơn Điện', kind: 'audio', windows: [] })).body.id;
    ids.series = (await t.http.post('/api/v1/series').set(as).send({ unitId: ids['38'], name: 'Chuyên mục chuyển đổi số' })).body.id;
    await t.http.post('/api/v1/rules').set(as).send({ name: 'Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần', seriesId: ids.series, definition: { match: {}, period: 'month', minPrograms: 1, minAiringsPerProgram: 3 } }).expect(201);
    audioFile = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-console-'))).quietTone('ban-tin.mp3', 20, ['-c:a', 'libmp3lame', '-b:a', '128k']);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses an empty login with a Vietnamese message next to the field, then signs in', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.click('button.primary');
    expect(await page.textContent('[name=username] + .error')).toBe('Không được để trống');
    await page.fill('[name=username]', 'bientap.a');
    await page.fill('[name=password]', 'sai-mat-khau');
    await page.click('button.primary');
    await page.waitForSelector('form .error');
    expect(await page.textContent('form .error')).toMatch(/[Mm]ật khẩu|đăng nhập/);
    await shot(page, 'login');
    await page.close();
  });

  it('an editor uploads audio with visible progress; another editor approves the program', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/upload"]');
    await page.waitForSelector('#upload');
    await page.click('#upload button.primary');
    expect(await page.textContent('[name=title] + .error')).toBe('Không được để trống'); // the form says what is missing
    await page.fill('[name=title]', 'Chuyển đổi số tháng này');
    await page.selectOption('[name=seriesId]', ids.series);
    await page.setInputFiles('[name=file]', audioFile);
    await page.click('#upload button.primary');
    await page.waitForSelector('#progress:not([hidden])');
    await page.waitForFunction(`Number(document.getElementById('up').value) === 100`, undefined, { timeout: 20_000 });
    await shot(page, 'upload-progress');
    await page.waitForSelector('#programs tr[data-id] button[data-act=submit]', { timeout: 60_000 });
    await page.click('#programs button[data-act=submit]');
    await page.waitForSelector('#programs tr[data-id] .pstatus:text("submitted")');
    await page.close();
    const other = await login('bientap.b');
    await other.click('a[href="#/upload"]');
    await other.click('#programs button[data-act=approve]');
    await other.waitForSelector('#programs tr[data-id] .pstatus:text("approved")');
    await shot(other, 'programs');
    ids.program = (await other.getAttribute('#programs tr[data-id]', 'data-id'))!;
    await other.close();
  }, 120_000);

  it('an editor makes an LED slide: the text is required, bad sizes are named, and processing shows its progress', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/upload"]');
    await page.waitForSelector('#led');
    await page.click('#led button.primary');
    expect(await page.textContent('#led [name=body] + .error')).toBe('Không được để trống');
    await page.fill('#led [name=heading]', 'Chuyển đổi số');
    await page.fill('#led [name=body]', 'Người dân cài đặt ứng dụng VNeID');
    await page.fill('#led [name=width]', '5');
    await page.click('#led button.primary');
    await page.waitForSelector('#led [name=width] + .error');
    expect(await page.textContent('#led [name=width] + .error')).toMatch(/^width: /);
    await page.fill('#led [name=width]', '384');
    await page.click('#led button.primary');
    await page.waitForFunction(`document.getElementById('led-state').textContent === 'Đã xử lý xong'`, undefined, { timeout: 30_000 });
    await page.close();
  }, 60_000);

  it('the calendar shows the planned airings of the month', async () => {
    const admin = await t.login(ADMIN.username, ADMIN.password);
    const day = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    for (const [from, to] of [['00:01', '00:02'], ['00:03', '00:04']]) {
      await t.http.post(`/api/v1/channels/${ids.channel}/entries`).set({ Authorization: `Bearer ${admin}` }).send({ kind: 'airing', programId: ids.program, startsAt: `${day}T${from}:00+07:00`, endsAt: `${day}T${to}:00+07:00` }).expect(201);
    }
    const page = await login('bientap.a');
    await page.click('a[href="#/calendar"]');
    await page.waitForSelector(`section.calendar[data-channel="${ids.channel}"] tr.prio-normal`);
    expect(await page.locator(`section.calendar[data-channel="${ids.channel}"] tr.prio-normal`).count()).toBe(2);
    await shot(page, 'calendar');
    await page.close();
  }, 60_000);

  it('an operator on a phone confirms an airing in one tap, and compliance changes', async () => {
    const page = await login('vanhanh.sd', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.waitForSelector('form.airing');
    // missed without a reason: said next to the field
    await page.click('form.airing >> nth=1 >> [name=missed]');
    expect(await page.textContent('form.airing >> nth=1 >> [name=reason] + .error')).toBe('Không được để trống');
    await shot(page, 'operator-today');
    const evidenced = async () => {
      const report = (await page.evaluate(async ([unitId]) => {
        const s = JSON.parse((globalThis as unknown as { sessionStorage: { getItem(k: string): string } }).sessionStorage.getItem('bcast.session'));
        const day = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
        const r = await fetch(`/api/v1/compliance?unitId=${unitId}&from=${day.slice(0, 8)}01&to=${day}`, { headers: { Authorization: `Bearer ${s.token}` } });
        return r.json();
      }, [ids['15943']])) as { rows: Array<{ evidenced: { airings: number } }> };
      return report.rows[0].evidenced.airings as number;
    };
    expect(await evidenced()).toBe(0);
    await page.click('form.airing >> nth=0 >> [name=aired]');
    await page.waitForSelector('form.airing >> nth=0 >> em');
    expect(await evidenced()).toBe(1);
    await page.close();
  }, 60_000);

  it('an operator starts and stops an emergency alert', async () => {
    const page = await login('vanhanh.sd', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.click('a[href="#/alerts"]');
    await page.waitForSelector('#alert');
    await page.fill('[name=title]', 'Cảnh báo lũ quét');
    await page.check(`[name=channelIds][value="${ids.channel}"]`);
    await page.fill('[name=streamUrl]', 'ftp://sai');
    await page.click('#alert button.primary');
    await page.waitForSelector('[name=streamUrl] + .error');
    expect(await page.textContent('[name=streamUrl] + .error')).toMatch(/streamUrl: không đúng định dạng/);
    await page.fill('[name=streamUrl]', 'http://radio.thanhhoa.vn/khan-cap');
    await page.click('#alert button.primary');
    await page.waitForSelector('#active [data-stop]');
    await shot(page, 'alert-active');
    await page.click('#active [data-stop]');
    await page.waitForFunction(`!document.querySelector('#active [data-stop]')`);
    // an approved program as the alert's audio
    await page.fill('[name=title]', 'Thông báo khẩn về dịch bệnh');
    await page.check(`[name=channelIds][value="${ids.channel}"]`);
    await page.selectOption('[name=source]', 'program');
    await page.selectOption('[name=programId]', ids.program);
    await page.click('#alert button.primary');
    await page.waitForSelector('#active [data-stop]');
    expect(await page.textContent('#active')).toContain('Thông báo khẩn về dịch bệnh');
    await page.click('#active [data-stop]');
    await page.waitForFunction(`!document.querySelector('#active [data-stop]')`);
    await page.close();
  }, 60_000);

  it('exports the compliance report as valid XLSX and PDF, with Vietnamese text', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/reports"]');
    await page.waitForSelector('#report');
    await page.click('#report button.primary');
    await page.waitForSelector('#compliance tr[data-channel]');
    expect(await page.textContent('#communes-share')).toMatch(/^\d+\/1$/); // one commune in this province
    await shot(page, 'reports');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#xlsx')]);
    const xlsxPath = await xlsx.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxPath!);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tuân thủ', 'Tổng hợp theo tháng', 'Theo đơn vị']);
    const sheet = wb.getWorksheet('Tuân thủ')!;
    expect(String(sheet.getCell('A1').value)).toContain('Báo cáo thực hiện quy định phát lại');
    expect(sheet.getRow(5).values).toContain('Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('#pdf')]);
    const bytes = readFileSync((await pdf.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.subarray(-6).toString()).toMatch(/%%EOF/);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('Đài xã Sơn Điện');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(3); // header + two airings
    await page.close();
  }, 60_000);

  it('an editor plans the month from the calendar and reads the explanations; the calendar shows the rule status', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/calendar"]');
    await page.waitForSelector('#plan');
    expect(await page.textContent(`section.calendar[data-channel="${ids.channel}"] .rules`)).toMatch(/Mỗi tháng 01 chương trình.*: (Có nguy cơ|Đạt|Không đạt)/);
    await page.selectOption('#plan [name=unitId]', ids['38']);
    await page.click('#plan button.primary');
    await page.waitForSelector('#plan-result');
    // the channel has no broadcast windows: nothing can be placed, and the planner says why, in Vietnamese
    expect(await page.textContent('#shortfalls')).toMatch(/Đài xã Sơn Điện/);
    await shot(page, 'calendar-plan');
    await page.close();
  }, 60_000);

  it('registers a device and shows its token once', async () => {
    const page = await login('vanhanh.sd', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.click('a[href="#/devices"]');
    await page.waitForSelector('#register');
    await page.click('#register button.primary');
    expect(await page.textContent('#register [name=name] + .error')).toBe('Không được để trống');
    await page.fill('#register [name=name]', 'Cụm loa thôn Bản Khạn');
    await page.click('#register button.primary');
    await page.waitForSelector('#new-token');
    expect(await page.textContent('#new-token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await shot(page, 'device-registered');
    await page.reload();
    await page.waitForSelector('#devices tr[data-id]');
    expect(await page.locator('#new-token').count()).toBe(0); // never shown again
    await page.close();
  }, 60_000);

  it('an operator types a bulletin, it is spoken and scheduled to play in seconds', async () => {
    const page = await login('vanhanh.sd', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.waitForSelector('#now');
    await page.click('#now button[name=speak]');
    expect(await page.textContent('#now [name=text] + .error')).toBe('Không được để trống');
    await page.fill('#now [name=text]', 'Thông báo: chiều nay mất điện từ 14 giờ đến 16 giờ để sửa chữa đường dây.');
    await page.click('#now button[name=speak]');
    await page.waitForSelector('#now-done', { timeout: 90_000 });
    await page.close();
  }, 120_000);

  it('an operator records on the phone and broadcasts it', async () => {
    const page = await login('vanhanh.sd', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.waitForSelector('#record');
    await page.click('#record');
    await page.waitForFunction(`document.getElementById('rec-state').textContent === '●'`);
    await page.waitForTimeout(2500); // the fake microphone's beeps
    await page.click('#record');
    await page.waitForSelector('#now-done, #now .error', { timeout: 90_000 });
    await shot(page, 'operator-broadcast-now');
    expect(await page.locator('#now .error').allTextContents()).toEqual([]);
    await page.close();
  }, 120_000);

  it('the rule editor puts the server’s Vietnamese message next to the wrong field', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/rules"]');
    await page.waitForSelector('#rule');
    await page.fill('#rule [name=name]', 'Mỗi tuần 01 tin');
    await page.fill('#rule [name="definition.minPrograms"]', '500');
    await page.click('#rule button.primary');
    await page.waitForSelector('#rule [name="definition.minPrograms"] + .error');
    expect(await page.textContent('#rule [name="definition.minPrograms"] + .error')).toBe('definition.minPrograms: phải là số nguyên từ 0 đến 100');
    await shot(page, 'rules');
    await page.fill('#rule [name="definition.minPrograms"]', '1');
    await page.selectOption('#rule [name="definition.period"]', 'week');
    await page.click('#rule button.primary');
    await page.waitForSelector('#rules td:text("Mỗi tuần 01 tin")');
    await page.close();
  }, 60_000);

  it('drills down from the report to a channel’s broadcast log', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/reports"]');
    await page.click('#report button.primary');
    await page.click(`#compliance tr[data-channel="${ids.channel}"] a.drill`);
    await page.waitForSelector('#channel-log');
    expect(await page.locator('#channel-log tr.prio-normal').count()).toBe(2);
    expect(await page.textContent('#channel-log')).toContain('Đã phát');
    await page.close();
  }, 60_000);

  it('switches to English', async () => {
    const page = await login('bientap.a');
    await page.click('#lang');
    await page.waitForSelector('#nav a:text("Reports")');
    await page.close();
  });
});
