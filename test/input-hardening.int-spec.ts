import { ADMIN, startTestApp, TestApp } from './support/test-app';

/** The inputs that once gave a 500 or were wrongly accepted (issue #14), each with its stable code, field and Vietnamese message. */
describe('bad input: a clear 400 naming the field, never a 500, nothing written', () => {
  let t: TestApp;
  let token: string;
  const ids: Record<string, string> = {};
  const as = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: 'metrics-token-for-tests-0001' });
    token = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n15943,Xã Sơn Điện,commune,38\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as())).body.items) ids[u.code] = u.id;
    ids.channel = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: ids['15943'], name: 'Đài xã', kind: 'audio', windows: [] })).body.id;
  });
  afterAll(() => t?.close());

  it.each([
    ['a NUL in a unit name', () => t.http.post('/api/v1/units').set(as()).send({ code: 'X1', name: 'Xã\u0000', kind: 'commune', parentId: ids['38'] }), 'name', /ký tự điều khiển/],
    ['a NUL in a login username', () => t.http.post('/api/v1/auth/login').send({ username: 'ad\u0000min', password: 'x'.repeat(12) }), 'username', /ký tự điều khiển/],
    ['a NUL in a search', () => t.http.get('/api/v1/units').query({ q: '\u0000' }).set(as()), 'q', /ký tự điều khiển/],
    ['null for a channel name', () => t.http.patch(`/api/v1/channels/${ids.channel}`).set(as()).send({ name: null }), 'name', /null/],
    ['an impossible day off', () => t.http.patch(`/api/v1/channels/${ids.channel}`).set(as()).send({ daysOff: ['2026-02-30'] }), 'daysOff', /ngày có thật/],
    ['an impossible report date', () => t.http.get('/api/v1/reports/broadcast-log.csv').query({ unitId: ids['38'], from: '2026-13-01', to: '2026-12-31' }).set(as()), 'from', /ngày có thật/],
    ['an impossible compliance date', () => t.http.get('/api/v1/compliance').query({ unitId: ids['38'], from: '2026-02-30', to: '2026-03-31' }).set(as()), 'from', /ngày có thật/],
    ['an impossible planning month', () => t.http.post('/api/v1/schedule/plan').set(as()).send({ unitId: ids['38'], from: '2026-13-45', to: '2026-12-31' }), 'from', /ngày có thật/],
    ['a huge offset', () => t.http.get('/api/v1/units').query({ offset: '99999999999999999999' }).set(as()), 'offset', /nhỏ hơn hoặc bằng/],
  ])('%s', async (_what, send, field, message) => {
    const res = await send();
    expect([res.status, res.body.code, res.body.fields?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', field]);
    expect(res.body.fields[0].message).toMatch(message);
  });

  it('keeps names typed in either Unicode form as one: NFC', async () => {
    const res = await t.http.post('/api/v1/units').set(as()).send({ code: 'NFD1', name: 'Xã Sơn Thủy'.normalize('NFD'), kind: 'commune', parentId: ids['38'] });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Xã Sơn Thủy'.normalize('NFC'));
    for (const q of ['Sơn Thủy', 'Sơn Thủy'.normalize('NFD'), 'son thuy', 'SƠN THỦY']) {
      const found = await t.http.get('/api/v1/units').query({ q }).set(as());
      expect([q, found.body.items.map((u: { code: string }) => u.code)]).toEqual([q, ['NFD1']]);
    }
    // codes are one whatever their case
    const twin = await t.http.post('/api/v1/units').set(as()).send({ code: 'nfd1', name: 'Xã khác', kind: 'commune', parentId: ids['38'] });
    expect([twin.status, twin.body.code]).toEqual([409, 'UNIT_CODE_TAKEN']);
  });


  it('refuses a unit CSV with a control character per row, and one over the row limit with the limit named', async () => {
    const bad = await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\nC1,Xã\u0001,commune,38\n');
    expect(bad.status).toBe(200);
    expect(bad.body.rejected).toEqual([expect.objectContaining({ line: 2, reason: 'controlCharacters' })]);
    const rows = Array.from({ length: 20_001 }, (_, i) => `Z${i},Xã ${i},commune,38`).join('\n');
    const big = await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send(`code,name,kind,parent_code\n${rows}\n`);
    expect([big.status, big.body.code]).toEqual([400, 'INVALID_CSV']);
    expect(big.body.message).toMatch(/20\.000 dòng/);
  });

  it('writes CSV cells that a spreadsheet would run as formulas as text', async () => {
    const now = Date.now();
    await t.http.post(`/api/v1/channels/${ids.channel}/entries`).set(as()).send({ kind: 'announcement', title: '=HYPERLINK("http://x","bấm")', startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now - 3000_000).toISOString() }).expect(201);
    const day = new Date(now + 7 * 3600_000).toISOString().slice(0, 10);
    const yesterday = new Date(now + 7 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    const csv = await t.http.get('/api/v1/reports/broadcast-log.csv').query({ unitId: ids['38'], from: yesterday, to: day }).set(as()).buffer(true).parse((r, cb) => {
      let s = '';
      r.on('data', (c: Buffer) => (s += c.toString('utf8')));
      r.on('end', () => cb(null, s));
    });
    expect(csv.body).toContain(`"'=HYPERLINK(""http://x"",""bấm"")"`);
  });

  it('answers with security headers: a strict CSP for the console, no framing, no sniffing', async () => {
    const res = await t.http.get('/');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses weak passwords, pauses current-password guessing, and logs out every session', async () => {
    const as2 = (tok: string) => ({ Authorization: `Bearer ${tok}` });
    for (const [password, reason] of [['          ', /khoảng trắng/], ['aaaaaaaaaa', /4 ký tự khác nhau/], ['abcdabcdabcd', /lặp lại/], ['op.sondien-2026', /tên đăng nhập/], ['Matkhau@123', /phổ biến/]] as const) {
      const res = await t.http.post('/api/v1/users').set(as()).send({ username: 'op.sondien', displayName: 'Vận hành', password, role: 'operator', unitId: ids['15943'] });
      expect([res.status, res.body.fields?.[0]?.field]).toEqual([400, 'password']);
      expect(res.body.fields[0].message).toMatch(reason);
    }
    await t.http.post('/api/v1/users').set(as()).send({ username: 'op.sondien', displayName: 'Vận hành', password: 'loa-xa-son-dien-sang', role: 'operator', unitId: ids['15943'] }).expect(201);
    const a = await t.login('op.sondien', 'loa-xa-son-dien-sang');
    const b = await t.login('op.sondien', 'loa-xa-son-dien-sang');
    for (let i = 0; i < 5; i++) {
      expect((await t.http.post('/api/v1/auth/password').set(as2(a)).send({ currentPassword: `doan-sai-${i}-abc`, newPassword: 'mot-cau-moi-dai-hon' })).status).toBe(422);
    }
    const paused = await t.http.post('/api/v1/auth/password').set(as2(a)).send({ currentPassword: 'loa-xa-son-dien-sang', newPassword: 'mot-cau-moi-dai-hon' });
    expect([paused.status, paused.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
    // logging out ends both sessions
    expect((await t.http.post('/api/v1/auth/logout').set(as2(a))).status).toBe(204);
    expect((await t.http.get('/api/v1/auth/me').set(as2(a))).status).toBe(401);
    expect((await t.http.get('/api/v1/auth/me').set(as2(b))).status).toBe(401);
  });

  it('serves Prometheus metrics only with the metrics token', async () => {
    expect((await t.http.get('/metrics')).status).toBe(401);
    const res = await t.http.get('/metrics').set({ Authorization: 'Bearer metrics-token-for-tests-0001' });
    expect(res.status).toBe(200);
    for (const name of ['bcast_http_request_duration_seconds_bucket', 'bcast_devices', 'bcast_jobs', 'bcast_playlists_pending', 'bcast_db_pool_connections', 'bcast_database_up 1']) expect(res.text).toContain(name);
    expect(res.text).toMatch(/bcast_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/units",status="200"\} [1-9]/);
  });

  it('a province administrator manages the people below it and its own non-administrators, not its fellow administrators', async () => {
    const make = (username: string, role: string, unit: string) => t.http.post('/api/v1/users').set(as()).send({ username, displayName: username, password: 'mat-khau-dai-du', role, unitId: ids[unit] });
    const a = (await make('qt.tinh.a', 'admin', '38')).body.id;
    const b = (await make('qt.tinh.b', 'admin', '38')).body.id;
    const below = (await make('qt.xa', 'admin', '15943')).body.id;
    const peer = await t.login('qt.tinh.a', 'mat-khau-dai-du');
    const by = { Authorization: `Bearer ${peer}` };
    for (const body of [{ active: false }, { password: 'mot-mat-khau-moi-dai' }]) {
      const res = await t.http.patch(`/api/v1/users/${b}`).set(by).send(body);
      expect([res.status, res.body.code]).toEqual([403, 'PEER_ADMIN']);
    }
    const another = await t.http.post('/api/v1/users').set(by).send({ username: 'qt.tinh.c', displayName: 'c', password: 'mat-khau-dai-du', role: 'admin', unitId: ids['38'] });
    expect([another.status, another.body.code]).toEqual([403, 'PEER_ADMIN']);
    expect((await t.http.patch(`/api/v1/users/${below}`).set(by).send({ active: false })).status).toBe(200);
    expect((await t.http.patch(`/api/v1/users/${a}`).set(by).send({ displayName: 'Quản trị tỉnh A' })).status).toBe(200); // itself
  });

  it('shows a commune viewer no audit entry that names a sibling commune’s channel', async () => {
    await t.http.post('/api/v1/units/import').set(as()).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n15944,Xã Mường Mìn,commune,38\n').expect(200);
    const sibling = (await t.http.get('/api/v1/units').query({ q: 'Mường Mìn' }).set(as())).body.items[0].id;
    const theirs = (await t.http.post('/api/v1/channels').set(as()).send({ unitId: sibling, name: 'Đài xã Mường Mìn', kind: 'audio', windows: [] })).body.id;
    await t.http.patch(`/api/v1/channels/${theirs}`).set(as()).send({ name: 'Đài Mường Mìn' }).expect(200);
    await t.http.post(`/api/v1/channels/${theirs}/devices`).set(as()).send({ name: 'Cụm loa', kind: 'speaker' }).expect(201);
    // an alert over both communes, started by the province: recorded at the province
    await t.http.post('/api/v1/alerts').set(as()).send({ channelIds: [ids.channel, theirs], title: 'Bão số 3', source: 'relay', streamUrl: 'http://vov.vn/vov1' });
    await t.http.post('/api/v1/schedule/plan').set(as()).send({ unitId: ids['38'], from: '2026-12-01', to: '2026-12-31' }).expect(200);
    await t.http.post('/api/v1/users').set(as()).send({ username: 'xem.sondien', displayName: 'Xem', password: 'mat-khau-dai-du', role: 'viewer', unitId: ids['15943'] }).expect(201);
    const viewer = await t.login('xem.sondien', 'mat-khau-dai-du');
    const audit = await t.http.get('/api/v1/audit').query({ limit: 500 }).set({ Authorization: `Bearer ${viewer}` });
    expect(audit.status).toBe(200);
    expect(audit.body.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.body)).not.toContain(theirs);
    expect(JSON.stringify(audit.body)).not.toContain(sibling);
  });
});
