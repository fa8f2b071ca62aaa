import ExcelJS from 'exceljs';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/** R6 exports through the API: valid files, and bad periods or units refused with the field named. */
describe('reports', () => {
  let t: TestApp;
  let admin: string;
  const ids: Record<string, string> = {};
  const as = (token = admin) => ({ Authorization: `Bearer ${token}` });
  /** supertest parser that keeps the body as bytes */
  const binary = (res: unknown, cb: (err: Error | null, body: Buffer) => void) => {
    const stream = res as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', () => cb(null, Buffer.concat(chunks)));
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n1,Xã A,commune,38\n2,Xã B,commune,38\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as())).body.items) ids[u.code] = u.id;
    for (const code of ['1', '2']) await t.http.post('/api/v1/channels').set(as()).send({ unitId: ids[code], name: `Đài xã ${code}`, kind: 'audio', windows: [] }).expect(201);
    const series = await t.http.post('/api/v1/series').set(as()).send({ unitId: ids['38'], name: 'Chuyên mục chuyển đổi số' });
    await t.http.post('/api/v1/rules').set(as()).send({ name: 'Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần', seriesId: series.body.id, definition: { match: {}, period: 'month', from: '2026-01-01', minPrograms: 1, minAiringsPerProgram: 3 } }).expect(201);
    await t.http.post('/api/v1/users').set(as()).send({ username: 'vanhanh.b', displayName: 'B', password: 'mat-khau-dai-du', role: 'operator', unitId: ids['2'] }).expect(201);
  });
  afterAll(() => t?.close());

  it('exports a half-year as XLSX and PDF, and the broadcast log as CSV', async () => {
    const q = `unitId=${ids['38']}&from=2026-01-01&to=2026-06-30`;
    const xlsx = await t.http.get(`/api/v1/reports/compliance.xlsx?${q}`).set(as()).buffer(true).parse(binary as never);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="tuan-thu-2026-01-01-2026-06-30.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    expect(wb.getWorksheet('Tuân thủ')!.rowCount).toBe(4 + 12); // title, period, blank, header + 2 channels × 6 months
    expect(wb.getWorksheet('Tổng hợp theo tháng')!.rowCount).toBe(1 + 6);
    expect(wb.getWorksheet('Theo đơn vị')!.getColumn(1).values.slice(2)).toEqual(['Xã A', 'Xã B']);
    // rows grouped by commune, statuses as people read them (these periods are over: not met)
    expect(wb.getWorksheet('Tuân thủ')!.getColumn(2).values.slice(5)).toEqual([...Array(6).fill('Xã A'), ...Array(6).fill('Xã B')]);
    expect(new Set(wb.getWorksheet('Tuân thủ')!.getColumn(13).values.slice(5))).toEqual(new Set(['Không đạt']));
    // an English workbook on request
    const en = await t.http.get(`/api/v1/reports/compliance.xlsx?${q}&lang=en`).set(as()).buffer(true).parse(binary as never);
    expect(en.headers['content-disposition']).toBe('attachment; filename="compliance-2026-01-01-2026-06-30.xlsx"');
    const wbEn = new ExcelJS.Workbook();
    await wbEn.xlsx.load(en.body);
    expect(wbEn.worksheets.map((w) => w.name)).toEqual(['Compliance', 'By month', 'By unit']);
    expect(wbEn.getWorksheet('Compliance')!.getRow(4).getCell(13).value).toBe('Status');
    expect(wbEn.getWorksheet('Compliance')!.getRow(5).getCell(13).value).toBe('Not met');
    expect((await t.http.get(`/api/v1/reports/compliance.xlsx?${q}&lang=fr`).set(as())).body.fields[0].field).toBe('lang');
    const pdf = await t.http.get(`/api/v1/reports/compliance.pdf?${q}`).set(as()).buffer(true).parse(binary as never);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const csv = await t.http.get(`/api/v1/reports/broadcast-log.csv?${q}`).set(as());
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^ngày,bắt đầu \(Asia\/Ho_Chi_Minh\),kết thúc \(Asia\/Ho_Chi_Minh\),đơn vị,kênh/);
    const months = await t.http.get(`/api/v1/reports/compliance/months?${q}`).set(as());
    expect(months.body.months.map((m: { month: string }) => m.month)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
    // nothing was broadcast: no commune meets the rule in any month
    expect(months.body.months[0]).toMatchObject({ rows: 2, ok: 0, units: 2, unitsOk: 0, unitShare: 0 });
    expect(months.body.unitsCompliant).toBe(0);
    expect(months.body.units.map((u: { unitId: string }) => u.unitId).sort()).toEqual([ids['1'], ids['2']].sort());
  });

  it('refuses a reversed or too long period and a malformed unit with the field named; another commune is a 404', async () => {
    const reversed = await t.http.get(`/api/v1/reports/compliance.xlsx?unitId=${ids['38']}&from=2026-06-30&to=2026-01-01`).set(as());
    expect([reversed.status, reversed.body.fields[0].field]).toEqual([400, 'to']);
    const long = await t.http.get(`/api/v1/reports/broadcast-log.csv?unitId=${ids['38']}&from=2020-01-01&to=2026-01-01`).set(as());
    expect([long.status, long.body.fields[0].field]).toEqual([400, 'to']);
    const bad = await t.http.get(`/api/v1/reports/compliance.pdf?unitId=xa-a&from=2026-01-01&to=2026-01-31`).set(as());
    expect([bad.status, bad.body.fields[0].field]).toEqual([400, 'unitId']);
    const op = await t.login('vanhanh.b', 'mat-khau-dai-du');
    expect((await t.http.get(`/api/v1/reports/compliance.xlsx?unitId=${ids['1']}&from=2026-01-01&to=2026-01-31`).set(as(op))).status).toBe(404);
    expect((await t.http.get(`/api/v1/reports/compliance.xlsx?unitId=${ids['2']}&from=2026-01-01&to=2026-01-31`).set(as(op))).status).toBe(200);
  });
});
