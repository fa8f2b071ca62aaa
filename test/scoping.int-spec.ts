import { ADMIN, startTestApp, TestApp } from './support/test-app';

/**
 * Scoped roles against real PostgreSQL: a commune operator sees only their commune, an editor only
 * their subtree, and an administrator of one province manages nothing outside it.
 */
describe('scoping by unit subtree', () => {
  let t: TestApp;
  let admin: string;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(ADMIN.username, ADMIN.password);
    const csv = [
      'code,name,kind,parent_code',
      '38,Tỉnh Thanh Hóa,province,',
      '15943,Xã Trung Thượng,commune,38',
      '15944,Xã Sơn Điện,commune,38',
      '1594301,Bản Khạn,village,15943',
      '40,Tỉnh Nghệ An,province,',
      '16000,Xã Nghi Lộc,commune,40',
    ].join('\n');
    const imported = await t.http.post('/api/v1/units/import').set(auth(admin)).set('Content-Type', 'text/csv').send(csv);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 6, rejected: [] });
    const all = await t.http.get('/api/v1/units?limit=100').set(auth(admin));
    for (const u of all.body.items) ids[u.code] = u.id;

    const people = [
      { username: 'operator.a', role: 'operator', unitId: ids['15943'] },
      { username: 'operator.b', role: 'operator', unitId: ids['15944'] },
      { username: 'editor.th', role: 'editor', unitId: ids['38'] },
      { username: 'admin.th', role: 'admin', unitId: ids['38'] },
      { username: 'viewer.na', role: 'viewer', unitId: ids['40'] },
    ];
    for (const p of people) {
      const res = await t.http.post('/api/v1/users').set(auth(admin)).send({ ...p, displayName: p.username, password: 'mat-khau-dai-du' });
      expect(res.status).toBe(201);
      ids[p.username] = res.body.id;
      tokens[p.username] = await t.login(p.username, 'mat-khau-dai-du');
    }
  });
  afterAll(() => t?.close());

  it('an operator of commune A sees commune A and its villages only', async () => {
    const res = await t.http.get('/api/v1/units').set(auth(tokens['operator.a']));
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: { code: string }) => u.code).sort()).toEqual(['15943', '1594301']);
  });

  it("an operator of commune A gets 404 for commune B, its subtree and B's province", async () => {
    for (const path of [`/api/v1/units/${ids['15944']}`, `/api/v1/units/${ids['15944']}/subtree`, `/api/v1/units/${ids['38']}`]) {
      const res = await t.http.get(path).set(auth(tokens['operator.a']));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });

  it('an operator may not change the tree (403), not even inside their commune', async () => {
    const res = await t.http.post('/api/v1/units').set(auth(tokens['operator.a'])).send({ code: 'X1', name: 'Thôn mới', kind: 'village', parentId: ids['15943'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN_ROLE');
    const rename = await t.http.patch(`/api/v1/units/${ids['15944']}`).set(auth(tokens['operator.a'])).send({ name: 'Bị đổi' });
    expect(rename.status).toBe(403);
    const b = await t.http.get(`/api/v1/units/${ids['15944']}`).set(auth(admin));
    expect(b.body.name).toBe('Xã Sơn Điện');
  });

  it('an editor of a province sees that province subtree and nothing of another province', async () => {
    const res = await t.http.get('/api/v1/units?limit=100').set(auth(tokens['editor.th']));
    expect(res.body.items.map((u: { code: string }) => u.code).sort()).toEqual(['15943', '1594301', '15944', '38']);
    expect(res.body.total).toBe(4);
    const other = await t.http.get(`/api/v1/units/${ids['16000']}`).set(auth(tokens['editor.th']));
    expect(other.status).toBe(404);
    const search = await t.http.get('/api/v1/units?q=Nghi').set(auth(tokens['editor.th']));
    expect(search.body.items).toEqual([]);
  });

  it('the subtree endpoint returns a unit with everything below it, parents first', async () => {
    const res = await t.http.get(`/api/v1/units/${ids['38']}/subtree`).set(auth(tokens['editor.th']));
    expect(res.body.map((u: { code: string }) => u.code)).toEqual(['38', '15944', '15943', '1594301']);
    const shallow = await t.http.get(`/api/v1/units/${ids['38']}/subtree?depth=1`).set(auth(tokens['editor.th']));
    expect(shallow.body).toHaveLength(3);
  });

  it('a provincial administrator manages units and users of that province only', async () => {
    const a = auth(tokens['admin.th']);
    const inside = await t.http.post('/api/v1/units').set(a).send({ code: '1594401', name: 'Bản Na', kind: 'village', parentId: ids['15944'] });
    expect(inside.status).toBe(201);
    expect(inside.body.timezone).toBe('Asia/Ho_Chi_Minh');

    const outside = await t.http.post('/api/v1/units').set(a).send({ code: '1600001', name: 'Xóm 1', kind: 'village', parentId: ids['16000'] });
    expect(outside.status).toBe(404);
    const root = await t.http.post('/api/v1/units').set(a).send({ code: '42', name: 'Tỉnh Hà Tĩnh', kind: 'province' });
    expect(root.status).toBe(403);
    expect(root.body.code).toBe('OUT_OF_SCOPE');

    const userElsewhere = await t.http.post('/api/v1/users').set(a).send({ username: 'op.na', displayName: 'x', password: 'mat-khau-dai-du', role: 'operator', unitId: ids['16000'] });
    expect(userElsewhere.status).toBe(404);
    const national = await t.http.post('/api/v1/users').set(a).send({ username: 'boss', displayName: 'x', password: 'mat-khau-dai-du', role: 'admin' });
    expect(national.status).toBe(403);
    expect(national.body.code).toBe('ROLE_ABOVE_OWN');

    const users = await t.http.get('/api/v1/users').set(a);
    expect(users.body.map((u: { username: string }) => u.username).sort()).toEqual(['admin.th', 'editor.th', 'operator.a', 'operator.b']);
    const foreign = await t.http.patch(`/api/v1/users/${ids['viewer.na']}`).set(a).send({ active: false });
    expect(foreign.status).toBe(404);
    const nationalAdmin = await t.http.get('/api/v1/users').set(auth(admin));
    const adminId = nationalAdmin.body.find((u: { username: string }) => u.username === 'admin').id;
    expect((await t.http.get(`/api/v1/users/${adminId}`).set(a)).status).toBe(404);

    // Moving a commune out of the province is moving it out of scope: refused.
    const move = await t.http.patch(`/api/v1/units/${ids['15943']}`).set(a).send({ parentId: ids['40'] });
    expect(move.status).toBe(404);
    expect((await t.http.get(`/api/v1/units/${ids['15943']}`).set(auth(admin))).body.parentId).toBe(ids['38']);
  });

  it('the audit log names who changed what, and shows each reader only their subtree', async () => {
    const mine = await t.http.get('/api/v1/audit?entityType=unit').set(auth(tokens['admin.th']));
    expect(mine.status).toBe(200);
    const codes = mine.body.map((e: { changes: { after?: { code: string } } }) => e.changes.after?.code);
    expect(codes).toContain('1594401');
    expect(codes).toContain('15943');
    expect(codes).not.toContain('16000');
    expect(codes).not.toContain('40');
    const created = mine.body.find((e: { changes: { after?: { code: string } } }) => e.changes.after?.code === '1594401');
    expect(created).toMatchObject({ actorName: 'admin.th', action: 'unit.create', entityType: 'unit' });
    expect(new Date(created.at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const operator = await t.http.get('/api/v1/audit').set(auth(tokens['operator.a']));
    expect(operator.status).toBe(403);
    const viewer = await t.http.get('/api/v1/audit?entityType=unit').set(auth(tokens['viewer.na']));
    expect(viewer.body.map((e: { changes: { after?: { code: string } } }) => e.changes.after?.code).sort()).toEqual(['16000', '40']);
  });
});
