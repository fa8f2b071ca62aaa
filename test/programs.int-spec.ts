import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/** Nothing unapproved is broadcast: a program is approved by a person other than its creator,
 *  and only once its audio is ready. */
describe('programs and their approval', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const waitReady = async (id: string) => {
    for (;;) {
      const a = (await t.http.get(`/api/v1/media-assets/${id}`).set(as('admin'))).body;
      if (a.status !== 'processing') return a;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    tokens.admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as('admin')).set('Content-Type', 'text/csv')
      .send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n15943,Xã Trung Thượng,commune,38\n40,Tỉnh Nghệ An,province,\n');
    for (const u of (await t.http.get('/api/v1/units').set(as('admin'))).body.items) ids[u.code] = u.id;
    for (const [username, role, unit] of [['editor.one', 'editor', '38'], ['editor.two', 'editor', '38'], ['operator.ts', 'operator', '15943'], ['editor.na', 'editor', '40']]) {
      await t.http.post('/api/v1/users').set(as('admin')).send({ username, displayName: username, password: 'mat-khau-dai-du', role, unitId: ids[unit] }).expect(201);
      tokens[username] = await t.login(username, 'mat-khau-dai-du');
    }
    const fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-prog-')));
    const good = await t.http.post('/api/v1/media-assets/audio').set(as('editor.one')).attach('file', fx.quietTone('cds.mp3', 4, ['-c:a', 'libmp3lame']));
    ids.audio = (await waitReady(good.body.id)).id;
    const silent = await t.http.post('/api/v1/media-assets/audio').set(as('editor.one')).attach('file', fx.silence('silent.wav', 3));
    ids.silent = (await waitReady(silent.body.id)).id;
  });
  afterAll(() => t?.close());

  it('goes draft → submitted → approved by a second editor, never by its creator', async () => {
    const created = await t.http.post('/api/v1/programs').set(as('editor.one')).send({
      title: 'Chuyên mục chuyển đổi số tháng 12/2026',
      audioAssetId: ids.audio,
      periodStart: '2026-12-01',
      periodEnd: '2026-12-31',
      tags: ['chuyen-doi-so', 'thong-diep:3'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', unitId: ids['38'], language: 'vi', priority: 'normal' });
    const id = created.body.id;

    expect((await t.http.post(`/api/v1/programs/${id}/approve`).set(as('editor.two'))).body.code).toBe('PROGRAM_STATE');
    expect((await t.http.post(`/api/v1/programs/${id}/submit`).set(as('editor.one'))).body.status).toBe('submitted');
    const edit = await t.http.patch(`/api/v1/programs/${id}`).set(as('editor.one')).send({ title: 'Sửa sau khi gửi' });
    expect(edit.status).toBe(409);
    expect(edit.body.message).toBe('Không thể sửa chương trình đang ở trạng thái chờ duyệt');

    const self = await t.http.post(`/api/v1/programs/${id}/approve`).set(as('editor.one'));
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('FOUR_EYES');
    expect((await t.http.post(`/api/v1/programs/${id}/approve`).set(as('operator.ts'))).status).toBe(403);
    expect((await t.http.post(`/api/v1/programs/${id}/approve`).set(as('editor.na'))).status).toBe(404);

    const approved = await t.http.post(`/api/v1/programs/${id}/approve`).set(as('editor.two'));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: expect.any(String) });
    expect(new Date(approved.body.approvedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const audit = await t.http.get(`/api/v1/audit?entityType=program&entityId=${id}`).set(as('admin'));
    expect(audit.body.map((e: { action: string; actorName: string }) => `${e.action}:${e.actorName}`)).toEqual([
      'program.approve:editor.two',
      'program.submit:editor.one',
      'program.create:editor.one',
    ]);
    const byTag = await t.http.get('/api/v1/programs?tag=thong-diep:3').set(as('operator.ts'));
    expect(byTag.body.items.map((p: { id: string }) => p.id)).toEqual([id]);
  });

  it('cannot be approved while its audio is not ready', async () => {
    const p = await t.http.post('/api/v1/programs').set(as('editor.one')).send({ title: 'Tin im lặng', audioAssetId: ids.silent });
    await t.http.post(`/api/v1/programs/${p.body.id}/submit`).set(as('editor.one')).expect(200);
    const res = await t.http.post(`/api/v1/programs/${p.body.id}/approve`).set(as('editor.two'));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('MEDIA_NOT_READY');
    // sent back with a reason, which the author reads until submitting again
    const noReason = await t.http.post(`/api/v1/programs/${p.body.id}/reject`).set(as('editor.two')).send({ reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields[0]).toMatchObject({ field: 'reason', message: expect.stringContaining('không được để trống') });
    expect((await t.http.get(`/api/v1/programs/${p.body.id}`).set(as('editor.one'))).body.status).toBe('submitted');
    const back = await t.http.post(`/api/v1/programs/${p.body.id}/reject`).set(as('editor.two')).send({ reason: 'Tệp âm thanh im lặng, thu lại giúp' });
    expect(back.body).toMatchObject({ status: 'draft', reviewNote: 'Tệp âm thanh im lặng, thu lại giúp', reviewedBy: expect.any(String) });
    const again = await t.http.post(`/api/v1/programs/${p.body.id}/submit`).set(as('editor.one'));
    expect(again.body).toMatchObject({ status: 'submitted', reviewNote: null });
    const audit = (await t.http.get(`/api/v1/audit?entityId=${p.body.id}`).set(as('admin'))).body;
    expect(audit.find((a: { action: string }) => a.action === 'program.reject').changes.after.reviewNote).toBe('Tệp âm thanh im lặng, thu lại giúp');
  });

  it('lists by status, series and words of the title without accents', async () => {
    const series = await t.http.post('/api/v1/series').set(as('editor.one')).send({ unitId: ids['38'], name: 'Kinh tế số' });
    expect(series.status).toBe(201);
    const made = [];
    for (const title of ['Kinh tế số tháng 11', 'Kinh tế số tháng 12', 'An toàn giao thông']) {
      made.push((await t.http.post('/api/v1/programs').set(as('editor.one')).send({ title, audioAssetId: ids.audio, ...(title.startsWith('Kinh') ? { seriesId: series.body.id } : {}) })).body.id);
    }
    await t.http.post(`/api/v1/programs/${made[1]}/submit`).set(as('editor.one')).expect(200);
    const titles = async (query: string) => (await t.http.get(`/api/v1/programs?${query}`).set(as('editor.two'))).body.items.map((p: { title: string }) => p.title).sort();
    expect(await titles('q=kinh%20te')).toEqual(['Kinh tế số tháng 11', 'Kinh tế số tháng 12']);
    expect(await titles('q=GIAO%20TH%C3%94NG')).toEqual(['An toàn giao thông']);
    expect(await titles(`seriesId=${series.body.id}&status=submitted`)).toEqual(['Kinh tế số tháng 12']);
    expect(await titles('q=100%25')).toEqual([]);
    const bad = await t.http.get('/api/v1/programs?seriesId=abc&status=lost').set(as('editor.two'));
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['seriesId', 'status']);
  });

  it('names bad fields, refuses another province’s audio, and writes nothing', async () => {
    const before = (await t.http.get('/api/v1/programs').set(as('admin'))).body.total;
    const bad = await t.http.post('/api/v1/programs').set(as('editor.one')).send({ title: '', audioAssetId: 'x', tags: ['Có Dấu'], priority: 'urgent' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['audioAssetId', 'priority', 'tags', 'title']);
    const order = await t.http.post('/api/v1/programs').set(as('editor.one')).send({ title: 'X', audioAssetId: ids.audio, periodStart: '2026-12-31', periodEnd: '2026-12-01' });
    expect(order.status).toBe(400);
    expect(order.body.fields[0].field).toBe('periodEnd');
    const foreign = await t.http.post('/api/v1/programs').set(as('editor.na')).send({ title: 'Mượn', audioAssetId: ids.audio });
    expect(foreign.status).toBe(404);
    // a series of another province is out of reach (the admin could read both)
    const naSeries = (await t.http.post('/api/v1/series').set(as('editor.na')).send({ unitId: ids['40'], name: 'Chuyên mục Nghệ An' })).body.id;
    const crossed = await t.http.post('/api/v1/programs').set(as('admin')).send({ title: 'Lạc chuyên mục', audioAssetId: ids.audio, unitId: ids['38'], seriesId: naSeries });
    expect([crossed.status, crossed.body.fields?.[0]?.field]).toEqual([400, 'seriesId']);
    expect((await t.http.get('/api/v1/programs').set(as('admin'))).body.total).toBe(before);
  });
});
