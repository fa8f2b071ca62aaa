import { ADMIN, startTestApp, TestApp } from './support/test-app';

describe('importing units from CSV', () => {
  let t: TestApp;
  let admin: string;
  const auth = () => ({ Authorization: `Bearer ${admin}` });
  const upload = (csv: string, query = '') =>
    t.http.post(`/api/v1/units/import${query}`).set(auth()).attach('file', Buffer.from(csv, 'utf8'), { filename: 'units.csv', contentType: 'text/csv' });
  const codes = async () => (await t.http.get('/api/v1/units?limit=1000').set(auth())).body.items.map((u: { code: string }) => u.code).sort();

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(ADMIN.username, ADMIN.password);
  });
  afterAll(() => t?.close());

  it('writes the good rows, reports every bad one with its line, in any row order', async () => {
    const csv = [
      'code,name,kind,parent_code',
      'V1,Thôn Một,village,C1', // child before its parent
      'C1,Xã Một,commune,P1',
      'P1,Tỉnh Một,province,',
      'C2,Xã Hai,commune,NOPE', // parent nowhere
      'V2,Thôn Hai,village,C2', // parent rejected
      'X1,Vòng Một,commune,X2', // cycle
      'X2,Vòng Hai,commune,X1',
      'C1,Xã Một Lần Nữa,commune,P1', // duplicate code
      'P2,Tỉnh dưới xã,province,C1', // province under a commune
      ',Không mã,commune,P1',
    ].join('\n');
    const res = await upload(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, created: 3, updated: 0, unchanged: 0 });
    expect(res.body.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([
      [5, 'parentUnknown'],
      [6, 'parentRejected'],
      [7, 'parentRejected'],
      [8, 'cycle'],
      [9, 'duplicateInFile'],
      [10, 'UNIT_KIND_ORDER'],
      [11, 'codeInvalid'],
    ]);
    expect(res.body.rejected[0].message).toBe('Dòng 5: không có đơn vị cấp trên mã NOPE');
    expect(await codes()).toEqual(['C1', 'P1', 'V1']);
  });

  it('re-importing updates names and moves units with their subtree; unchanged rows are counted', async () => {
    await upload('code,name,kind,parent_code\nP2,Tỉnh Hai,province,\n').expect(200);
    const res = await upload('code,name,kind,parent_code\nP1,Tỉnh Một,province,\nC1,Xã Một (mới),commune,P2\n');
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 1, rejected: [] });
    const list = (await t.http.get('/api/v1/units?limit=100').set(auth())).body.items;
    const byCode = Object.fromEntries(list.map((u: { code: string }) => [u.code, u]));
    expect(byCode.C1.name).toBe('Xã Một (mới)');
    expect(byCode.C1.parentId).toBe(byCode.P2.id);
    // the village moved along with its commune
    expect(byCode.V1.path.startsWith(byCode.P2.path)).toBe(true);
    expect(byCode.V1.depth).toBe(2);
  });

  it('a dry run reports without writing anything', async () => {
    const before = await codes();
    const res = await upload('code,name,kind,parent_code\nP3,Tỉnh Ba,province,\nC3,Xã Ba,commune,P3\n', '?dryRun=true');
    expect(res.body).toMatchObject({ dryRun: true, created: 2 });
    expect(await codes()).toEqual(before);
    const vague = await upload('code,name,kind,parent_code\nP3,Tỉnh Ba,province,\n', '?dryRun=yes');
    expect([vague.status, vague.body.fields?.[0]?.field]).toEqual([400, 'dryRun']);
    expect(await codes()).toEqual(before);
  });

  it('an unreadable file is a 400, a missing file a 400, an oversized one a 413, and nothing is written', async () => {
    const before = await codes();
    const broken = await upload('code,name,kind,parent_code\n"P4,Tỉnh,province,\n');
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('INVALID_CSV');
    const noColumns = await upload('ma,ten\n1,2\n');
    expect(noColumns.status).toBe(400);
    expect(noColumns.body.message).toContain('thiếu cột');
    const none = await t.http.post('/api/v1/units/import').set(auth());
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('FILE_REQUIRED');
    const huge = await upload('code,name,kind,parent_code\n' + 'Z,Z,province,\n'.repeat(500_000));
    expect(huge.status).toBe(413);
    expect(await codes()).toEqual(before);
  });

  it('only administrators import', async () => {
    const list = (await t.http.get('/api/v1/units?q=P2').set(auth())).body.items;
    await t.http.post('/api/v1/users').set(auth()).send({ username: 'editor.p2', displayName: 'Ed', password: 'long-enough-pw', role: 'editor', unitId: list[0].id }).expect(201);
    const editor = await t.login('editor.p2', 'long-enough-pw');
    const res = await t.http.post('/api/v1/units/import').set({ Authorization: `Bearer ${editor}` }).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n');
    expect(res.status).toBe(403);
  });
});
