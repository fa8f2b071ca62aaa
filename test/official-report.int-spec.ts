import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { DataSource } from 'typeorm';
import { ADMIN, startTestApp, TestApp } from './support/test-app';
import { pagesOf } from './support/pdf-pages';
import { seedApprovedProgram } from './support/seed-program';

const SCREENSHOTS = join(__dirname, '..', 'test-output', 'screenshots');
const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;


/** The DOCX's body as paragraphs and table rows of cell texts, read from word/document.xml. */
async function docxOf(docx: Buffer): Promise<{ xml: string; text: string; rows: string[][] }> {
  const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
  const textOf = (s: string) => [...s.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
  const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((tr) => [...tr[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((tc) => textOf(tc[0])));
  const text = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => textOf(p[0])).join('\n');
  return { xml, text, rows };
}

/**
 * The report a district signs and sends (Decree 30/2020/NĐ-CP form): the district editor prepares
 * March's report for the province; three communes — one met by device evidence, one with an outage
 * its operator reported and made up, one that aired nothing.
 */
describe('official report (DOCX and PDF)', () => {
  let t: TestApp;
  let db: DataSource;
  let editor: string;
  const ids: Record<string, string> = {};
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const binary = (res: unknown, cb: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    (res as NodeJS.ReadableStream).on('data', (d: Buffer) => chunks.push(d));
    (res as NodeJS.ReadableStream).on('end', () => cb(null, Buffer.concat(chunks)));
  };
  const request = { from: '2026-03-01', to: '2026-03-31', number: 'Số: 45/BC-UBND', signerTitle: 'KT. Chủ tịch\nPhó Chủ tịch', signerName: 'Lê Văn Bình', recipients: ['Sở Văn hóa, Thể thao và Du lịch tỉnh Thanh Hóa', 'Thường trực Huyện ủy'] };
  const official = (format: 'docx' | 'pdf', token = editor, body: object = {}) =>
    t.http.post('/api/v1/reports/official').set(as(token)).send({ unitId: ids['389'], ...request, format, ...body }).buffer(true).parse(binary as never);

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    const admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as(admin)).set('Content-Type', 'text/csv')
      .send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n389,Huyện Quan Sơn,district,38\n1,Xã Sơn Điện,commune,389\n2,Xã Mường Mìn,commune,389\n3,Xã Tam Thanh,commune,389\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as(admin))).body.items) ids[u.code] = u.id;
    await t.http.post('/api/v1/users').set(as(admin)).send({ username: 'bientap.qs', displayName: 'Nguyễn Thị Hoa', password: 'mat-khau-dai-du', role: 'editor', unitId: ids['389'] }).expect(201);
    await t.http.post('/api/v1/users').set(as(admin)).send({ username: 'vanhanh.mm', displayName: 'Hà Văn Minh', password: 'mat-khau-dai-du', role: 'operator', unitId: ids['2'] }).expect(201);
    editor = await t.login('bientap.qs', 'mat-khau-dai-du');
    // the preparer's title comes from their own profile
    const me = await t.http.patch('/api/v1/auth/me').set(as(editor)).send({ jobTitle: 'Chuyên viên Phòng Văn hóa và Thông tin' });
    expect([me.status, me.body.jobTitle]).toEqual([200, 'Chuyên viên Phòng Văn hóa và Thông tin']);
    const long = await t.http.patch('/api/v1/auth/me').set(as(editor)).send({ jobTitle: 'x'.repeat(201) });
    expect([long.status, long.body.fields?.[0]?.field]).toEqual([400, 'jobTitle']);
    expect((await t.http.get('/api/v1/auth/me').set(as(editor))).body.jobTitle).toBe('Chuyên viên Phòng Văn hóa và Thông tin');
    for (const code of ['1', '2', '3']) ids[`ch${code}`] = (await t.http.post('/api/v1/channels').set(as(editor)).send({ unitId: ids[code], name: `Đài xã ${code}`, kind: 'audio', windows: [] }).expect(201)).body.id;
    const series = (await t.http.post('/api/v1/series').set(as(editor)).send({ unitId: ids['389'], name: 'Chuyên mục chuyển đổi số' })).body.id;
    // R1, Quan Sơn 2022: "mỗi tháng 01 chương trình và phát lại ít nhất 03 lần/tháng" = at least 4 airings
    ids.rule = (await t.http.post('/api/v1/rules').set(as(editor)).send({ name: 'Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần', seriesId: series, definition: { match: {}, period: 'month', from: '2026-01-01', minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 } }).expect(201)).body.id;
    // the aired history of March (fixtures written as the planner and the devices would have left them)
    const program = await seedApprovedProgram(db, { unitId: ids['389'], seriesId: series, title: 'Chuyển đổi số tháng 3', author: 'admin', approver: 'bientap.qs', sha256Char: 'a' });
    const airing = async (channel: string, day: number, evidenced: boolean, makesUp: string | null = null) =>
      (await db.query(
        `INSERT INTO schedule_entries (channel_id, kind, status, source, program_id, rule_id, period, starts_at, ends_at, evidenced_at, makes_up_entry_id)
         VALUES ($1, 'airing', 'scheduled', 'planner', $2, $3, '2026-03', $4, $5, $6, $7) RETURNING id`,
        [channel, program, ids.rule, `2026-03-${String(day).padStart(2, '0')}T06:00:00+07:00`, `2026-03-${String(day).padStart(2, '0')}T06:10:00+07:00`, evidenced ? `2026-03-${String(day).padStart(2, '0')}T06:10:00+07:00` : null, makesUp],
      ))[0].id as string;
    for (const day of [2, 9, 16, 23]) await airing(ids.ch1, day, true);
    await airing(ids.ch2, 2, true);
    const confirmed = await airing(ids.ch2, 9, false);
    const outage = await airing(ids.ch2, 16, false);
    const operator = await t.login('vanhanh.mm', 'mat-khau-dai-du');
    await t.http.post(`/api/v1/entries/${confirmed}/confirm`).set(as(operator)).send({ outcome: 'aired' }).expect(200);
    await t.http.post(`/api/v1/entries/${outage}/confirm`).set(as(operator)).send({ outcome: 'missed', reason: 'Mất điện cả xã' }).expect(200);
    const makeUp = await airing(ids.ch2, 18, false, outage);
    await t.http.post(`/api/v1/entries/${makeUp}/confirm`).set(as(operator)).send({ outcome: 'aired' }).expect(200);
  }, 120_000);
  afterAll(() => t?.close());

  it('offers the halves, years and the Decree 09/2019 cut-offs, opening on the current half', async () => {
    const res = await t.http.get('/api/v1/reports/periods').query({ unitId: ids['389'] }).set(as(editor));
    expect(res.status).toBe(200);
    const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date()).slice(0, 4));
    expect(res.body.presets).toContainEqual(expect.objectContaining({ key: `${year}-nd09-h1`, from: `${year - 1}-12-15`, to: `${year}-06-14` }));
    expect(res.body.presets).toContainEqual(expect.objectContaining({ key: `${year}-nd09-year`, from: `${year - 1}-12-15`, to: `${year}-12-14` }));
    expect(res.body.current.key).toMatch(new RegExp(`^${year}-h[12]$`));
  });

  it('writes the DOCX in the Decree 30 form: motto, issuing body, number, period, a row per commune with its figures and reasons, preparer, signer, recipients', async () => {
    const res = await official('docx');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers['content-disposition']).toBe('attachment; filename="bao-cao-2026-03-01-2026-03-31.docx"');
    const { text, rows } = await docxOf(res.body);
    for (const line of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'TỈNH THANH HÓA', 'UBND HUYỆN QUAN SƠN', 'Số: 45/BC-UBND', 'BÁO CÁO',
      'Kết quả thực hiện quy định phát lại trên hệ thống thông tin cơ sở từ 01/03/2026 đến 31/03/2026', 'Kỳ báo cáo: từ ngày 01/03/2026 đến ngày 31/03/2026.',
      'Người lập báo cáo: Nguyễn Thị Hoa, Chuyên viên Phòng Văn hóa và Thông tin', 'Nơi nhận:', '- Sở Văn hóa, Thể thao và Du lịch tỉnh Thanh Hóa;', '- Lưu: VT.', 'Lê Văn Bình']) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/Quan Sơn, ngày \d{1,2} tháng \d{1,2} năm \d{4}/);
    // the summary paragraph is written from the figures
    expect(text).toContain('Các đài đã phát 7 lượt theo quy định, trong đó 5 lượt do thiết bị xác nhận và 2 lượt do người vận hành xác nhận; 1 lượt không phát được (mất điện cả xã), 1 lượt đã được phát bù.');
    expect(text).toContain('1/3 đơn vị đạt mọi quy định trong kỳ. Chưa đạt: Xã Mường Mìn, Xã Tam Thanh.');
    // a row per commune, Vietnamese order: commune, required, planned, device, operator, missed, reasons, made up, periods met, result
    const communes = rows.filter((r) => r[0].startsWith('Xã '));
    expect(communes).toEqual([
      // planned: what was scheduled or aired (the missed airing is not, its make-up is)
      ['Xã Mường Mìn', '4', '3', '1', '2', '1', 'Mất điện cả xã', '1', '0/1', 'Không đạt'],
      ['Xã Sơn Điện', '4', '4', '4', '0', '0', '', '0', '1/1', 'Đạt'],
      ['Xã Tam Thanh', '4', '0', '0', '0', '0', '', '0', '0/1', 'Không đạt'],
    ]);
    expect(rows).toContainEqual(expect.arrayContaining(['Quy định «Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần»', ' 1/3 (33%)']));
    await screenshotDocx(res.body);
  });

  it('writes the same report as a PDF: text per page, first page as an image', async () => {
    const res = await official('pdf');
    expect([res.status, res.headers['content-type']]).toEqual([200, 'application/pdf']);
    const pages = await pagesOf(res.body);
    const all = pages.join('\n');
    expect(pages[0]).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(pages[0]).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(pages[0]).toContain('UBND HUYỆN QUAN SƠN');
    expect(pages[0]).toContain('Kỳ báo cáo: từ ngày 01/03/2026 đến ngày 31/03/2026.');
    expect(all).toMatch(/Xã Mường Mìn\s+4\s+3\s+1\s+2\s+1\s+Mất điện cả xã\s+1\s+0\/1\s+Không\s+đạt/);
    expect(all).toMatch(/Xã Sơn Điện\s+4\s+4\s+4\s+0\s+0\s+0\s+1\/1\s+Đạt/);
    expect(all).toContain('Nguyễn Thị Hoa, Chuyên viên Phòng Văn hóa và Thông tin');
    expect(all).toContain('Lê Văn Bình');
    expect(pages[pages.length - 1]).toContain(`Trang ${pages.length}/${pages.length}`);
    if (!has('pdftoppm')) return console.warn('pdftoppm (poppler-utils) is not installed: no screenshot of the PDF');
    const dir = mkdtempSync(join(tmpdir(), 'bcast-report-'));
    writeFileSync(join(dir, 'report.pdf'), res.body);
    mkdirSync(SCREENSHOTS, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', join(dir, 'report.pdf'), join(SCREENSHOTS, 'report-official-pdf')]);
    expect(existsSync(join(SCREENSHOTS, 'report-official-pdf.png'))).toBe(true);
  });

  it('refuses bad input naming the field, and keeps a commune operator to their commune', async () => {
    const cases: Array<[object, string]> = [[{ format: 'odt' }, 'format'], [{ from: '2026-04-01', to: '2026-03-01' }, 'to'], [{ recipients: 'Sở' }, 'recipients'], [{ number: 'x'.repeat(101) }, 'number']];
    for (const [body, field] of cases) {
      const res = await t.http.post('/api/v1/reports/official').set(as(editor)).send({ unitId: ids['389'], ...request, ...body });
      expect([res.status, res.body.fields?.[0]?.field]).toEqual([400, field]);
      expect(res.body.message).toMatch(/[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệôốồổỗộơớờởỡợưứừửữựíìỉĩịúùủũụ]/i);
    }
    const operator = await t.login('vanhanh.mm', 'mat-khau-dai-du');
    expect((await official('docx', operator)).status).toBe(404);
    expect((await official('docx', operator, { unitId: ids['2'] })).status).toBe(200);
  });
});

/** Word's rendering of the DOCX, through LibreOffice (where installed) to PDF and a PNG of page 1. */
async function screenshotDocx(docx: Buffer): Promise<void> {
  if (!has('soffice') || !has('pdftoppm')) {
    console.warn('LibreOffice (soffice) or pdftoppm is not installed: the DOCX is checked by its XML only, no rendered screenshot');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bcast-docx-'));
  writeFileSync(join(dir, 'report.docx'), docx);
  execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'pdf', '--outdir', dir, join(dir, 'report.docx')], { timeout: 120_000, stdio: 'ignore' });
  const pdf = readFileSync(join(dir, 'report.pdf'));
  // LibreOffice laid it out: the motto and the communes are on the rendered pages
  const text = (await pagesOf(pdf)).join('\n');
  expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  expect(text).toContain('Xã Mường Mìn');
  mkdirSync(SCREENSHOTS, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', join(dir, 'report.pdf'), join(dir, 'page')]);
  renameSync(join(dir, 'page.png'), join(SCREENSHOTS, 'report-official-docx.png'));
}
