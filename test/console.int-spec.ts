import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { Browser, chromium, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
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
    // the tests' own waitForFunction predicates are evaluated as strings, which the console's CSP forbids;
    // the console itself runs under its CSP in the test below
    const page = await browser.newPage({ viewport, acceptDownloads: true, bypassCSP: true });
    await page.goto(`${base}/`);
    await page.fill('[name=username]', username);
    await page.fill('[name=password]', password);
    await page.click('button.primary');
    await page.waitForSelector('#nav a');
    return page;
  };

  beforeAll(async () => {
    // The calendar tests put today's airings at 00:01–00:04 commune time and confirm them as past, and the
    // later tests read "today" again: a run that starts across the commune's midnight waits until 00:06.
    const minute = (Date.now() / 60_000 + 7 * 60) % 1440;
    if (minute >= 1435 || minute < 6) {
      const wait = ((6 - minute + 1440) % 1440) * 60_000;
      console.warn(`web console: waiting ${Math.ceil(wait / 1000)} s for 00:06 in Asia/Ho_Chi_Minh (the tests use today's first minutes)`);
      await new Promise((r) => setTimeout(r, wait));
    }
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
  }, 15 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('runs under its Content Security Policy: every page of the menu, no violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const violations: string[] = [];
    page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
    await page.goto(`${base}/`);
    await page.fill('[name=username]', ADMIN.username);
    await page.fill('[name=password]', ADMIN.password);
    await page.click('button.primary');
    await page.waitForSelector('#nav a');
    for (const href of await page.locator('#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      await page.click(`#nav a[href="${href}"]`);
      await page.waitForLoadState('networkidle');
    }
    expect(violations).toEqual([]);
    await page.close();
  });

  it('refuses an empty login with a Vietnamese message next to the field, then signs in', async () => {
    const page = await browser.newPage({ bypassCSP: true });
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
    // a file that is not audio is refused, and the form says so next to the file chooser
    const notAudio = join(tmpdir(), 'khong-phai-am-thanh.mp3');
    writeFileSync(notAudio, 'đây là văn bản, không phải âm thanh\n'.repeat(50));
    await page.fill('[name=title]', 'Tệp hỏng');
    await page.setInputFiles('[name=file]', notAudio);
    await page.click('#upload button.primary');
    await page.waitForSelector('#upload [name=file] + .error');
    expect(await page.textContent('#upload [name=file] + .error')).toBe('Không đọc được tệp âm thanh: tệp hỏng hoặc không phải âm thanh');
    await page.fill('[name=title]', 'Chuyển đổi số tháng này');
    await page.selectOption('[name=seriesId]', ids.series);
    await page.setInputFiles('[name=file]', audioFile);
    await page.click('#upload button.primary');
    await page.waitForSelector('#progress:not([hidden])');
    await page.waitForFunction(`Number(document.getElementById('up').value) === 100`, undefined, { timeout: 20_000 });
    await shot(page, 'upload-progress');
    // the new program opens in the program list, where it is submitted
    await page.waitForSelector('#programs tr.fresh button[data-act=submit]', { timeout: 60_000 });
    await page.click('#programs tr.fresh button[data-act=submit]');
    await page.waitForSelector('#programs tr[data-id] .pstatus[data-status=submitted]');
    expect(await page.textContent('#programs .pstatus')).toBe('Chờ duyệt');
    await page.close();
    const other = await login('bientap.b');
    await other.click('a[href="#/programs"]');
    await other.click('#programs button[data-act=approve]');
    await other.waitForSelector('#programs tr[data-id] .pstatus[data-status=approved]');
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
    // a month grid, Monday first, with the day's two airings in today's cell
    await page.waitForSelector(`#cal.month[data-channel="${ids.channel}"] [data-day="${day}"] .chip.prio-normal`);
    expect(await page.locator(`#cal [data-day="${day}"] .chip.prio-normal`).count()).toBe(2);
    expect(await page.textContent(`#cal [data-day="${day}"] .chip >> nth=0`)).toMatch(/^00:01 Chuyển đổi số tháng này/);
    expect(await page.locator('#cal .dow').allTextContents()).toEqual(['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN']);
    await shot(page, 'calendar');
    // the week shows the same airings with their end times
    await page.click('[data-view=week]');
    await page.waitForSelector(`#cal.week [data-day="${day}"] .chip`);
    expect(await page.locator('#cal.week .day').count()).toBe(7);
    expect(await page.textContent(`#cal.week [data-day="${day}"] .chip >> nth=1`)).toMatch(/^00:03–00:04 /);
    await shot(page, 'calendar-week');
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
    // the month on the phone: the confirmed airing shows as broadcast
    await page.click('a[href="#/calendar"]');
    await page.waitForSelector('#cal.month .chip.st-aired');
    await shot(page, 'calendar-phone');
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    await page.click(`#cal [data-day="${today}"] .num`);
    await page.waitForSelector('#day-list .chip');
    expect(await page.locator('#day-list .chip').allTextContents()).toEqual([expect.stringMatching(/^00:01–00:02 Chuyển đổi số tháng này$/), expect.stringMatching(/^00:03–00:04 Chuyển đổi số tháng này$/)]);
    await shot(page, 'calendar-phone-day');
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
    // the whole commune in one choice: the form says first how many channels and devices it reaches
    await page.fill('[name=title]', 'Cảnh báo bão');
    await page.selectOption('[name=target]', 'unit');
    await page.waitForFunction(`/Cảnh báo sẽ phát trên \\d+ kênh/.test(document.getElementById('alert-reach').textContent)`);
    expect(await page.textContent('#alert-reach')).toMatch(/^Cảnh báo sẽ phát trên [1-9]\d* kênh truyền thanh, \d+ thiết bị\.$/);
    await page.selectOption('[name=source]', 'relay');
    await page.fill('[name=streamUrl]', 'http://radio.thanhhoa.vn/bao');
    await page.click('#alert button.primary');
    await page.waitForSelector('#active [data-stop]');
    expect(await page.textContent('#active')).toContain('Cảnh báo bão');
    await shot(page, 'alert-unit');
    await page.click('#active [data-stop]');
    await page.waitForFunction(`!document.querySelector('#active [data-stop]')`);
    await page.close();
  }, 60_000);

  it('exports the compliance report as valid XLSX and PDF, with Vietnamese text', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/reports"]');
    // the page opens on the current half-year with its figures, without pressing "Xem"
    await page.waitForSelector('#compliance tr[data-channel]');
    expect(await page.inputValue('#report [name=preset]')).toMatch(/^\d{4}-h[12]$/);
    expect(await page.textContent('#communes-share')).toMatch(/^\d+\/1$/); // one commune in this province
    // this month is still running and short of airings: in progress, not an alarm
    expect(await page.textContent('#compliance tr[data-channel] td:last-child')).toBe('Đang thực hiện');
    // charts: communes compliant per month, results per month, rules met per unit
    // the rule is in effect from today: this month to the end of the half-year
    const month = Number(new Date(Date.now() + 7 * 3600_000).toISOString().slice(5, 7));
    expect(await page.locator('#chart-months svg .column').count()).toBe(6 - ((month - 1) % 6));
    expect(await page.getAttribute('#chart-units svg .column', 'data-label')).toBe('Xã Sơn Điện');
    expect(await page.locator('#chart-results svg rect.bar').count()).toBeGreaterThan(0);
    // the running months are drawn as in progress, not as at risk
    expect(await page.locator('#chart-results svg rect.seg-open').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart-results svg rect.seg-at_risk').count()).toBe(0);
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
    const day = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    expect(text).toContain(`${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)} 00:01:00`); // in the commune's time, as people read it
    expect(text).toContain('Lượt phát chương trình'); // words, not codes
    await page.close();
  }, 60_000);

  it('an editor downloads the report to send upward as DOCX, with their title as preparer and the recipients typed in', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/reports"]');
    await page.waitForSelector('#official');
    await page.fill('#official [name=number]', 'Số: 7/BC-UBND');
    await page.fill('#official [name=jobTitle]', 'Chuyên viên Phòng Văn hóa');
    await page.fill('#official [name=recipients]', 'Sở Văn hóa, Thể thao và Du lịch\nThường trực Huyện ủy');
    const [docx] = await Promise.all([page.waitForEvent('download'), page.click('#official-docx')]);
    expect(docx.suggestedFilename()).toMatch(/^bao-cao-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.docx$/);
    const xml = await (await JSZip.loadAsync(readFileSync((await docx.path())!))).file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    for (const s of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Số: 7/BC-UBND', 'Xã Sơn Điện', 'Chuyên viên Phòng Văn hóa', '- Thường trực Huyện ủy;']) expect(text).toContain(s);
    // the title was saved to the profile: the next report has it already
    await page.reload();
    await page.waitForSelector('#official');
    expect(await page.inputValue('#official [name=jobTitle]')).toBe('Chuyên viên Phòng Văn hóa');
    await shot(page, 'reports-official');
    await page.close();
  }, 60_000);

  it('an editor plans the month from the calendar and reads the explanations; the calendar shows the rule status', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/calendar"]');
    await page.waitForSelector('#plan');
    expect(await page.textContent('#rule-status')).toMatch(/Mỗi tháng 01 chương trình.*: (Có nguy cơ|Đạt|Không đạt)/);
    await page.selectOption('#plan [name=unitId]', ids['38']);
    await page.click('#plan button.primary');
    await page.waitForSelector('#plan-result');
    // the channel has no broadcast windows: nothing can be placed, and the planner says why, in Vietnamese
    expect(await page.textContent('#shortfalls')).toMatch(/Đài xã Sơn Điện/);
    await shot(page, 'calendar-plan');
    await page.close();
  }, 60_000);

  it('shows administrators the device events that were refused, and why', async () => {
    const admin = await t.login(ADMIN.username, ADMIN.password);
    const reg = await t.http.post(`/api/v1/channels/${ids.channel}/devices`).set({ Authorization: `Bearer ${admin}` }).send({ name: 'Cụm loa gửi sai', kind: 'speaker' });
    const bad = { eventId: 'bad-1', deviceId: reg.body.device.id, type: 'play.completed', at: new Date(Date.now() + 86_400_000).toISOString() };
    await t.http.post(`/api/v1/devices/${reg.body.device.id}/events`).set({ Authorization: `Bearer ${reg.body.token}` }).send([bad]).expect(200);
    const page = await login(ADMIN.username, ADMIN.password);
    await page.click('a[href="#/devices"]');
    await page.waitForSelector('#rejected tr td');
    expect(await page.textContent('#rejected')).toContain('Cụm loa gửi sai');
    expect(await page.textContent('#rejected')).toContain('0.at: ở tương lai');
    expect(await page.locator('#devices tr[data-id]', { hasText: 'Cụm loa gửi sai' }).textContent()).toContain('sự kiện bị từ chối: 1');
    await shot(page, 'devices-refused');
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
    // commands: a volume out of range is named next to the field; sync and a good volume are sent
    const row = page.locator('#devices tr[data-id]', { hasText: 'Cụm loa thôn Bản Khạn' });
    await row.locator('[name=volume]').fill('150');
    await row.locator('[name=setVolume]').click();
    await row.locator('[name=volume] + .error').waitFor();
    expect(await row.locator('[name=volume] + .error').textContent()).toBe('volume: phải nhỏ hơn hoặc bằng 100');
    await row.locator('[name=volume]').fill('70');
    await row.locator('[name=setVolume]').click();
    await row.locator('.sent:text("Đã gửi")').waitFor();
    await row.locator('[name=sync]').click();
    await row.locator('.sent:text("Đã gửi")').waitFor();
    // a stolen player: a new token shown once, then no access at all
    page.on('dialog', (d) => d.accept());
    await row.locator('[name=rotate]').click();
    await page.waitForSelector('#devices .rotated-token');
    expect(await page.textContent('#devices .rotated-token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await row.locator('[name=revoke]').click();
    await page.waitForFunction(`![...document.querySelectorAll('#devices tr[data-id]')].some((r) => r.textContent.includes('Cụm loa thôn Bản Khạn'))`);
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
    // edit it: a bad value is named next to its field; then saved; then no longer applied
    const row = page.locator('#rules tr[data-id]', { hasText: 'Mỗi tuần 01 tin' });
    await row.locator('[data-act=edit]').click();
    await page.waitForSelector('#rule h2:text("Sửa: Mỗi tuần 01 tin")');
    await page.fill('#rule [name="definition.minAiringsPerProgram"]', '-2');
    await page.click('#rule button.primary');
    await page.waitForSelector('#rule [name="definition.minAiringsPerProgram"] + .error');
    expect(await page.textContent('#rule [name="definition.minAiringsPerProgram"] + .error')).toMatch(/^definition\.minAiringsPerProgram: /);
    // a new rule takes effect today unless told otherwise; the editor moves the date
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    expect(await page.inputValue('#rule [name="definition.from"]')).toBe(today);
    await page.fill('#rule [name="definition.minAiringsPerProgram"]', '2');
    await page.fill('#rule [name="definition.from"]', '2026-12-07');
    await page.click('#rule button.primary');
    await page.waitForSelector('#rules tr[data-id] td:text("1 chương trình × 2 lượt phát")');
    expect(await page.locator('#rules tr[data-id]', { hasText: 'Mỗi tuần 01 tin' }).textContent()).toContain('07/12/2026 –');
    await page.locator('#rules tr[data-id]', { hasText: 'Mỗi tuần 01 tin' }).locator('[data-act=toggle]').click();
    await page.waitForSelector('#rules tr.inactive td:has-text("Mỗi tuần 01 tin (ngừng áp dụng)")');
    expect(await page.locator('#rules tr[data-id]').count()).toBe(2); // edited in place, not added
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

  it('an editor sends a program back with a reason the author reads; the list filters by words without accents', async () => {
    const a = await t.login('bientap.a', 'mat-khau-dai-du');
    const audio = (await t.http.get(`/api/v1/programs/${ids.program}`).set({ Authorization: `Bearer ${a}` })).body.audioAssetId;
    const made = await t.http.post('/api/v1/programs').set({ Authorization: `Bearer ${a}` }).send({ title: 'An toàn giao thông mùa lũ', audioAssetId: audio }).expect(201);
    await t.http.post(`/api/v1/programs/${made.body.id}/submit`).set({ Authorization: `Bearer ${a}` }).expect(200);
    const page = await login('bientap.b');
    await page.click('a[href="#/programs"]');
    await page.fill('#program-filters [name=q]', 'an toan giao');
    await page.click('#program-filters button.primary');
    await page.waitForFunction(`document.querySelectorAll('#programs tr[data-id]').length === 1`);
    expect(await page.textContent('#programs tr[data-id] td')).toBe('An toàn giao thông mùa lũ');
    await page.click('#programs button[data-act=reject]');
    await page.click('#programs form.reject button');
    expect(await page.textContent('#programs form.reject [name=reason] + .error')).toBe('Không được để trống');
    await page.fill('#programs form.reject [name=reason]', 'Đọc chậm lại đoạn cuối');
    await page.click('#programs form.reject button');
    await page.waitForSelector(`#programs tr[data-id="${made.body.id}"] .pstatus[data-status=draft]`);
    await page.close();
    const author = await login('bientap.a');
    await author.click('a[href="#/programs"]');
    await author.waitForSelector(`#programs tr[data-id="${made.body.id}"] .review-note`);
    expect(await author.textContent(`#programs tr[data-id="${made.body.id}"] .review-note`)).toBe('Bị trả lại: Đọc chậm lại đoạn cuối');
    await author.selectOption('#program-filters [name=status]', 'approved');
    await author.waitForFunction(`[...document.querySelectorAll('#programs tr[data-id]')].every((r) => r.dataset.status === 'approved')`);
    expect(await author.locator(`#programs tr[data-id="${ids.program}"]`).count()).toBe(1);
    // the approved program's processed audio plays in the page
    await author.click(`#programs tr[data-id="${ids.program}"] [data-act=listen]`);
    await author.waitForFunction(`(document.querySelector('#programs audio')?.duration ?? 0) > 19`);
    await shot(author, 'programs-filtered');
    await author.close();
  }, 60_000);

  it('an editor moves a coming airing to another time from the calendar, and cancels it', async () => {
    const admin = await t.login(ADMIN.username, ADMIN.password);
    const tomorrow = new Date(Date.now() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    for (const [from, to] of [['10:00', '10:05'], ['12:00', '12:05']]) {
      await t.http.post(`/api/v1/channels/${ids.channel}/entries`).set({ Authorization: `Bearer ${admin}` }).send({ kind: 'airing', programId: ids.program, startsAt: `${tomorrow}T${from}:00+07:00`, endsAt: `${tomorrow}T${to}:00+07:00` }).expect(201);
    }
    const page = await login('bientap.a');
    await page.goto(`${base}/#/calendar?channel=${ids.channel}&view=week&date=${tomorrow}`);
    await page.waitForSelector(`#cal.week [data-day="${tomorrow}"] .chip`);
    await page.click(`#cal [data-day="${tomorrow}"] .chip >> text=10:00`);
    await page.waitForSelector('#entry [name=startsAt]');
    await page.fill('#entry [name=startsAt]', '10h30');
    await page.click('#entry [name=move]');
    expect(await page.textContent('#entry [name=startsAt] + .error')).toBe('Giờ phải có dạng HH:MM, ví dụ 05:30');
    // onto the other airing: the service refuses, and says so in Vietnamese
    await page.fill('#entry [name=startsAt]', '12:02');
    await page.click('#entry [name=move]');
    await page.waitForSelector('#entry .error');
    expect(await page.textContent('#entry .error')).toBe('Kênh đã có nội dung cùng mức ưu tiên trong khoảng thời gian này');
    await page.fill('#entry [name=startsAt]', '11:30');
    await page.click('#entry [name=move]');
    await page.waitForSelector(`#cal [data-day="${tomorrow}"] .chip >> text=11:30–11:35`);
    await shot(page, 'calendar-move');
    page.once('dialog', (d) => d.accept());
    await page.click(`#cal [data-day="${tomorrow}"] .chip >> text=11:30`);
    await page.click('#entry [name=cancel]');
    // a cancelled airing leaves the calendar (and the devices' playlists); the other one stays
    await page.waitForFunction(`document.querySelectorAll('#cal [data-day="${tomorrow}"] .chip').length === 1`);
    expect(await page.textContent(`#cal [data-day="${tomorrow}"] .chip`)).toMatch(/^12:00–12:05/);
    await page.close();
  }, 60_000);

  it('an editor sets up a channel with its broadcast windows; a bad time is named next to its field', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/channels"]');
    await page.waitForSelector('#channel');
    await page.fill('#channel [name=name]', '');
    await page.click('#channel button.primary');
    expect(await page.textContent('#channel [name=name] + .error')).toBe('Không được để trống');
    await page.selectOption('#channel [name=unitId]', ids['15943']);
    await page.fill('#channel [name=name]', 'Đài xã Sơn Điện — loa thôn');
    await page.fill('#channel [name="windows.0.start"]', '25:00');
    await page.click('#add-window');
    await page.fill('#channel [name="windows.1.start"]', '17:00');
    await page.fill('#channel [name="windows.1.end"]', '18:00');
    await page.click('#channel button.primary');
    await page.waitForSelector('#channel [name="windows.0.start"] + .error');
    expect(await page.textContent('#channel [name="windows.0.start"] + .error')).toMatch(/^windows\.0\.start: không đúng định dạng/);
    await page.fill('#channel [name="windows.0.start"]', '05:30');
    await page.uncheck('#channel .window-row >> nth=1 >> input[value="7"]');
    await page.click('#channel button.primary');
    await page.waitForSelector('#channels td:text("Đài xã Sơn Điện — loa thôn")');
    const row = page.locator('#channels tr', { hasText: 'Đài xã Sơn Điện — loa thôn' });
    expect(await row.locator('.windows').innerText()).toBe('Hằng ngày 05:30–06:30\nT2,T3,T4,T5,T6,T7 17:00–18:00');
    await shot(page, 'channels');
    await row.locator('a').click();
    await page.waitForSelector('#channel h2:text("Sửa: Đài xã Sơn Điện — loa thôn")');
    expect(await page.inputValue('#channel [name="windows.1.start"]')).toBe('17:00');
    await page.close();
  }, 60_000);

  it('an operator starts an alert from a recording made on the phone; without a channel it says so', async () => {
    const page = await login('vanhanh.sd', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.click('a[href="#/alerts"]');
    await page.waitForSelector('#alert');
    await page.fill('#alert [name=title]', 'Cảnh báo sạt lở đất');
    await page.click('#alert button.primary');
    expect(await page.textContent('#alert [data-field=channelIds] + .error')).toBe('Chọn ít nhất một kênh');
    await page.check(`[name=channelIds][value="${ids.channel}"]`);
    await page.selectOption('#alert [name=source]', 'recording');
    await page.click('#alert button.primary');
    expect(await page.textContent('#alert [name=file] + .error')).toBe('Ghi âm ngay hoặc chọn tệp');
    await page.click('#alert-record');
    await page.waitForFunction(`document.getElementById('alert-rec-state').textContent === '●'`);
    await page.waitForTimeout(2500); // the fake microphone's beeps
    await page.click('#alert-record');
    await page.waitForSelector('#alert-recorded');
    await page.click('#alert button.primary');
    await page.waitForSelector('#active [data-stop]', { timeout: 90_000 });
    expect(await page.textContent('#active')).toContain('Cảnh báo sạt lở đất');
    await shot(page, 'alert-recording');
    await page.click('#active [data-stop]');
    await page.waitForFunction(`!document.querySelector('#active [data-stop]')`);
    await page.close();
  }, 120_000);

  it('the other forms say what is wrong next to the field, in Vietnamese', async () => {
    const page = await login('bientap.a');
    await page.click('a[href="#/rules"]');
    await page.waitForSelector('#series');
    await page.click('#series button.primary');
    expect(await page.textContent('#series [name=name] + .error')).toBe('Không được để trống');
    await page.click('#rule button.primary');
    expect(await page.textContent('#rule [name=name] + .error')).toBe('Không được để trống');
    await page.click('a[href="#/reports"]');
    await page.waitForSelector('#report');
    await page.selectOption('#report [name=preset]', 'custom');
    await page.fill('#report [name=from]', '2026-06-30');
    await page.fill('#report [name=to]', '2026-01-01');
    await page.click('#report button.primary');
    await page.waitForSelector('#report [name=to] + .error');
    expect(await page.textContent('#report [name=to] + .error')).toMatch(/^to: .*(sau|trước)/);
    await page.click('#pdf');
    await page.waitForSelector('#report [name=to] + .error');
    await page.close();
  }, 60_000);

  it('an editor puts LED content on a board’s calendar by hand; a priority airing over another shows which one plays', async () => {
    const admin = await t.login(ADMIN.username, ADMIN.password);
    const board = await t.http.post('/api/v1/channels').set({ Authorization: `Bearer ${admin}` }).send({ unitId: ids['15943'], name: 'Bảng LED chợ Sơn Điện', kind: 'display', windows: [] }).expect(201);
    const tomorrow = new Date(Date.now() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const page = await login('bientap.a');
    await page.goto(`${base}/#/calendar?channel=${board.body.id}&view=week&date=${tomorrow}`);
    await page.waitForSelector('#cal.week');
    await page.click('#add-entry-box summary');
    await page.waitForSelector('#entry-new [name=mediaAssetId] option', { state: 'attached' }); // the slide made earlier
    await page.fill('#entry-new [name=day]', tomorrow);
    await page.fill('#entry-new [name=startsAt]', '08:00');
    await page.fill('#entry-new [name=endsAt]', '8h10');
    await page.click('#entry-new button.primary');
    expect(await page.textContent('#entry-new [name=endsAt] + .error')).toBe('Giờ phải có dạng HH:MM, ví dụ 05:30');
    await page.fill('#entry-new [name=endsAt]', '07:50');
    await page.click('#entry-new button.primary');
    await page.waitForSelector('#entry-new .error');
    expect(await page.textContent('#entry-new .error')).toMatch(/endsAt/);
    await page.fill('#entry-new [name=endsAt]', '08:10');
    await page.click('#entry-new button.primary');
    await page.waitForSelector(`#cal [data-day="${tomorrow}"] .chip >> text=08:00–08:10`);
    // the same time at a higher priority: both shown, the lower one marked as not played
    await page.click('#add-entry-box summary');
    await page.waitForSelector('#entry-new [name=mediaAssetId] option', { state: 'attached' });
    await page.fill('#entry-new [name=day]', tomorrow);
    await page.fill('#entry-new [name=startsAt]', '08:05');
    await page.fill('#entry-new [name=endsAt]', '08:08');
    await page.selectOption('#entry-new [name=priority]', 'priority');
    await page.fill('#entry-new [name=title]', 'Thông báo lịch tiêm chủng');
    await page.click('#entry-new button.primary');
    await page.waitForSelector(`#cal [data-day="${tomorrow}"] .chip.prio-priority`);
    expect(await page.locator(`#cal [data-day="${tomorrow}"] .chip.preempted`).count()).toBe(1);
    expect(await page.textContent(`#cal [data-day="${tomorrow}"] .chip.preempted`)).toBe('08:00–08:10 Chuyển đổi số'); // named after the slide
    await shot(page, 'calendar-board');
    await page.close();
  }, 60_000);

  it('an editor plans a campaign on loudspeakers and LED boards in one form, reads the plan per unit with its explanations, and sees the slides on the board’s calendar', async () => {
    const tomorrow = new Date(Date.now() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const after = new Date(Date.parse(`${tomorrow}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
    const page = await login('bientap.a');
    await page.click('a[href="#/campaigns"]');
    await page.waitForSelector('#campaign');
    await page.click('#campaign button.primary');
    expect(await page.textContent('#campaign [name=name] + .error')).toBe('Không được để trống');
    await page.fill('#campaign [name=name]', 'Ngày Chuyển đổi số quốc gia 10/10');
    await page.fill('#campaign [name=startsOn]', tomorrow);
    await page.fill('#campaign [name=endsOn]', after);
    await page.check('#campaign input[name="audio.programIds"] >> nth=0');
    // nothing for the boards yet, and a window ending before it starts: the server's message lands next to the windows
    await page.check('#campaign input[name="display.mediaAssetIds"] >> nth=0');
    await page.fill('#campaign [name=windowStart]', '22:00');
    await page.fill('#campaign [name=windowEnd]', '06:00');
    await page.click('#campaign button.primary');
    await page.waitForSelector('#campaign [data-field="display.dailyWindows"] + .error');
    expect(await page.textContent('#campaign [data-field="display.dailyWindows"] + .error')).toMatch(/giờ bắt đầu < giờ kết thúc/);
    await page.fill('#campaign [name=windowStart]', '06:00');
    await page.fill('#campaign [name=windowEnd]', '22:00');
    // 60 showings of 30 minutes do not fit 06:00–22:00: said next to the number of showings
    await page.fill('#campaign [name="display.showingsPerDay"]', '60');
    await page.fill('#campaign [name="display.showingMinutes"]', '30');
    await page.click('#campaign button.primary');
    await page.waitForSelector('#campaign [data-field="display.showingsPerDay"] + .error');
    expect(await page.textContent('#campaign [data-field="display.showingsPerDay"] + .error')).toMatch(/60 lượt × 30 phút không vừa/);
    await page.fill('#campaign [name="display.showingsPerDay"]', ''); // the whole window
    await page.click('#campaign button.primary');
    await page.waitForSelector('#campaign-units tr[data-unit]');
    const row = page.locator(`#campaign-units tr[data-unit="${ids['15943']}"]`);
    // the board: three days of 06:00–22:00; the ten minutes put there by hand show the same slide, so they count too
    expect(await row.locator('td').nth(2).textContent()).toBe('2880 / 0 / 2880');
    expect(await row.locator('td').nth(3).textContent()).toMatch(/^Có nguy cơ/);
    // the loudspeaker has no broadcast windows: the planner says so, and the board's ten minutes are explained
    const why = await row.locator('.why').allTextContents();
    expect(why.some((w) => /Kênh Bảng LED chợ Sơn Điện, .*10 phút đã có nội dung khác/.test(w))).toBe(true);
    expect(why.some((w) => /Kênh Đài xã Sơn Điện.*phút trống/.test(w))).toBe(true);
    await shot(page, 'campaign');
    // the board's calendar shows the planned slides around what was there
    const board = (await t.http.get('/api/v1/channels').set({ Authorization: `Bearer ${await t.login('bientap.a', 'mat-khau-dai-du')}` })).body.find((c: { kind: string }) => c.kind === 'display');
    await page.goto(`${base}/#/calendar?channel=${board.id}&view=week&date=${tomorrow}`);
    await page.waitForSelector(`#cal [data-day="${tomorrow}"] .chip >> text=06:00–08:00 Ngày Chuyển đổi số quốc gia 10/10 (bảng LED)`);
    await page.waitForSelector(`#cal [data-day="${tomorrow}"] .chip >> text=08:10–22:00 Ngày Chuyển đổi số quốc gia 10/10 (bảng LED)`);
    await shot(page, 'calendar-board-campaign');
    await page.close();
  }, 60_000);

  it('an operator who was offline for days catches up on a phone: airings of 3 and 4 days ago, confirmed as aired or missed with a reason', async () => {
    const admin = { Authorization: `Bearer ${await t.login(ADMIN.username, ADMIN.password)}` };
    const day = (n: number) => new Date(Date.now() + 7 * 3600_000 - n * 86_400_000).toISOString().slice(0, 10);
    const made: string[] = [];
    for (const n of [4, 3]) {
      const res = await t.http.post(`/api/v1/channels/${ids.channel}/entries`).set(admin).send({ kind: 'airing', programId: ids.program, startsAt: `${day(n)}T06:00:00+07:00`, endsAt: `${day(n)}T06:10:00+07:00` });
      expect(res.status).toBe(201);
      made.push(res.body.id);
    }
    const page = await login('vanhanh.sd', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.waitForSelector('#catch-up form.airing');
    expect(await page.locator('#catch-up form.airing').count()).toBe(2);
    expect(await page.textContent(`#catch-up form[data-id="${made[1]}"]`)).toContain(`${day(3).slice(8, 10)}/${day(3).slice(5, 7)}/${day(3).slice(0, 4)} 06:00`);
    await shot(page, 'operator-catch-up');
    // missed needs a reason, said next to it
    await page.click(`#catch-up form[data-id="${made[1]}"] [name=missed]`);
    expect(await page.textContent(`#catch-up form[data-id="${made[1]}"] [name=reason] + .error`)).toBe('Không được để trống');
    await page.fill(`#catch-up form[data-id="${made[1]}"] [name=reason]`, 'Mất điện');
    await page.click(`#catch-up form[data-id="${made[1]}"] [name=missed]`);
    await page.waitForFunction(`!document.querySelector('#catch-up form[data-id="${made[1]}"]')`);
    await page.click(`#catch-up form[data-id="${made[0]}"] [name=aired]`);
    await page.waitForFunction(`!document.querySelector('#catch-up')`);
    const rows = await t.app.get(DataSource).query(`SELECT id, status, missed_reason FROM schedule_entries WHERE id = ANY($1::uuid[]) ORDER BY starts_at`, [made]);
    expect(rows).toEqual([{ id: made[0], status: 'aired', missed_reason: null }, { id: made[1], status: 'missed', missed_reason: 'Mất điện' }]);
    await page.close();
  }, 60_000);

  it('on a 390×844 phone every page fits the screen, every table keeps its columns and actions as cards, and axe-core finds nothing serious', async () => {
    const axe = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    const problems: string[] = [];
    for (const who of ['bientap.a', 'vanhanh.sd']) {
      const page = await login(who, 'mat-khau-dai-du', { width: 390, height: 844 });
      const pages = await page.locator('#nav a').evaluateAll((as) => as.map((a) => (a as unknown as { hash: string }).hash));
      for (const hash of pages) {
        await page.goto(`${base}/${hash}`);
        await page.waitForFunction(`document.querySelector('#view h1') && !document.querySelector('#view .error:not(:empty)')`, undefined, { timeout: 15_000 });
        await page.waitForTimeout(300); // the page's second round trips (charts, plan)
        const fit = await page.evaluate(`({ scroll: document.documentElement.scrollWidth, width: window.innerWidth })`) as { scroll: number; width: number };
        if (fit.scroll > fit.width) problems.push(`${who} ${hash}: the page is ${fit.scroll}px wide on a ${fit.width}px screen`);
        // every cell and every action of every table is shown, labelled with its column
        const hidden = await page.evaluate(`[...document.querySelectorAll('#view table td, #view table td button, #view table td a, #view table td input')]
          .filter((el) => el.getClientRects().length === 0 || el.getBoundingClientRect().right > window.innerWidth + 1).map((el) => el.outerHTML.slice(0, 80))`) as string[];
        if (hidden.length) problems.push(`${who} ${hash}: ${hidden.length} table cells or actions not on screen, e.g. ${hidden[0]}`);
        const unlabelled = await page.evaluate(`[...document.querySelectorAll('#view table tr:not(:has(> th)) > td')].filter((td) => !td.dataset.label).length`) as number;
        if (unlabelled) problems.push(`${who} ${hash}: ${unlabelled} cells without their column's label`);
        if (hash === '#/reports' || hash === '#/programs') await shot(page, `phone-${hash.slice(2)}`);
        await page.addScriptTag({ content: axe });
        const violations = await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')))`) as string[];
        for (const v of violations) problems.push(`${who} ${hash}: axe ${v}`);
      }
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it('works by keyboard: signing in, the menu, a calendar day and an airing open with Tab and Enter', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    await page.goto(`${base}/`);
    await page.focus('[name=username]');
    await page.keyboard.type('bientap.a');
    await page.keyboard.press('Tab');
    await page.keyboard.type('mat-khau-dai-du');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#nav a');
    // Tab reaches the calendar link in the menu; Enter follows it
    for (let i = 0; i < 30 && !(await page.evaluate(`document.activeElement?.getAttribute('href') === '#/calendar'`)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#cal .day button.num');
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    await page.focus(`#cal [data-day="${today}"] button.num`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#day-list');
    await page.focus('#day-list .chip');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#entry');
    await page.close();
  }, 60_000);

  it('an editor sends an alert to every loudspeaker of the province in one choice, told first how many it reaches', async () => {
    const page = await login('bientap.a', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.click('a[href="#/alerts"]');
    await page.waitForSelector('#alert');
    await page.fill('#alert [name=title]', 'Cảnh báo lũ quét toàn tỉnh');
    await page.selectOption('#alert [name=target]', 'unit');
    await page.selectOption('#alert [name=unitId]', ids['38']);
    const speakers: Array<{ id: string }> = await t.app.get(DataSource).query(`SELECT c.id FROM channels c JOIN units u ON u.id = c.unit_id WHERE u.path LIKE (SELECT path FROM units WHERE id = $1) || '%' AND c.kind = 'audio' AND c.active`, [ids['38']]);
    await page.waitForFunction(`document.getElementById('alert-reach').textContent.includes('${speakers.length} kênh')`);
    await page.fill('#alert [name=streamUrl]', 'http://radio.thanhhoa.vn/khan-cap');
    await page.click('#alert button.primary');
    await page.waitForSelector('#active [data-stop]');
    const [alert] = (await t.http.get('/api/v1/alerts?active=true').set({ Authorization: `Bearer ${await t.login('bientap.a', 'mat-khau-dai-du')}` })).body.items;
    expect([...alert.channelIds].sort()).toEqual(speakers.map((c) => c.id).sort());
    await page.click('#active [data-stop]');
    await page.waitForFunction(`!document.querySelector('#active [data-stop]')`);
    await page.close();
  }, 60_000);

  it('an editor sends bulletins down; the commune operator finds them first on the phone, schedules one and declines the other with a reason', async () => {
    const editor = await login('bientap.a');
    await editor.click('a[href="#/bulletins"]');
    await editor.waitForSelector('#bulletin');
    const send = async (title: string) => {
      await editor.fill('#bulletin [name=title]', title);
      await editor.selectOption('#bulletin [name=targetUnitId]', ids['15943']);
      await editor.click('#bulletin button.primary');
      await editor.waitForFunction(`/Đã gửi tới \\d+ kênh/.test(document.getElementById('bulletin-sent').textContent)`);
      await editor.waitForSelector('#bulletin-sent:empty', { state: 'attached' }).catch(() => undefined);
    };
    await send('Thông báo lịch tiêm chủng');
    await editor.waitForTimeout(1600); // the page reloads its report
    await send('Thông báo thu thuế đất');

    const page = await login('vanhanh.sd', 'mat-khau-dai-du', { width: 390, height: 844 });
    await page.waitForSelector('#bulletins form.bulletin');
    // the inbox is the first thing on the operator's page
    expect(await page.evaluate(`document.querySelector('#view h1').nextElementSibling.id`)).toBe('bulletins');
    await shot(page, 'operator-bulletins');
    // the commune has two loudspeaker channels: each gets the bulletin; this operator answers for the first
    const form = (title: string) => page.locator(`#bulletins form.bulletin[data-channel="${ids.channel}"]`, { hasText: title });
    const later = new Date(Date.now() + 7 * 3600_000 + 15 * 60_000).toISOString().slice(11, 16);
    await form('Thông báo lịch tiêm chủng').locator('[name=at]').fill(later);
    await form('Thông báo lịch tiêm chủng').locator('[name=place]').click();
    await page.waitForFunction(`[...document.querySelectorAll('#bulletins form.bulletin')].some((f) => f.textContent.includes('Thông báo lịch tiêm chủng') && f.textContent.includes('Đã xếp phát lúc'))`);
    await form('Thông báo thu thuế đất').locator('[name=decline]').click();
    expect(await form('Thông báo thu thuế đất').locator('[name=reason] + .error').textContent()).toBe('Không được để trống');
    await form('Thông báo thu thuế đất').locator('[name=reason]').fill('Trùng giờ tiếp âm');
    await form('Thông báo thu thuế đất').locator('[name=decline]').click();
    await page.waitForFunction(`![...document.querySelectorAll('#bulletins form.bulletin')].some((f) => f.textContent.includes('Thông báo thu thuế đất') && f.querySelector('[name=decline]') && f.dataset.channel === '${ids.channel}')`);
    const [{ status, decline_reason }] = await t.app.get(DataSource).query(`SELECT d.status, d.decline_reason FROM bulletin_deliveries d JOIN bulletins b ON b.id = d.bulletin_id WHERE b.title = 'Thông báo thu thuế đất' AND d.channel_id = $1`, [ids.channel]);
    expect([status, decline_reason]).toEqual(['declined', 'Trùng giờ tiếp âm']);
    await page.close();
    // the editor's report shows what the commune did
    await editor.reload();
    await editor.waitForSelector('#bulletin-report tr:has(td)');
    expect(await editor.textContent('#bulletin-report')).toContain('Trùng giờ tiếp âm');
    await shot(editor, 'bulletins');
    await editor.close();
  }, 90_000);
});
