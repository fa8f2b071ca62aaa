import { AuthService, FAIL_FLOOR_MS } from '../src/auth/auth.service';
import { DataSource } from 'typeorm';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/** Bad input gets a clear 4xx with a stable code and a Vietnamese message, never a 500, and
 *  leaves nothing written. */
describe('bad input and authentication', () => {
  let t: TestApp;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const count = async (table: string) => (await t.app.get(require('typeorm').DataSource).query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'loopback' });
    admin = await t.login(ADMIN.username, ADMIN.password);
  });
  afterAll(() => t?.close());

  it('wrong password and unknown user get the same 401 in Vietnamese', async () => {
    const wrong = await t.http.post('/api/v1/auth/login').send({ username: 'admin', password: 'nope-nope-nope' });
    const unknown = await t.http.post('/api/v1/auth/login').send({ username: 'ghost', password: 'nope-nope-nope' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS', message: 'Sai tên đăng nhập hoặc mật khẩu' });
      expect(res.body.requestId).toEqual(expect.any(String));
    }
  });

  it('answers in English when asked', async () => {
    const res = await t.http.post('/api/v1/auth/login').set('Accept-Language', 'en-US,en;q=0.9').send({ username: 'admin', password: 'x' });
    expect(res.body.message).toBe('Wrong username or password');
  });

  it('no token, a malformed token and a forged token are 401', async () => {
    expect((await t.http.get('/api/v1/units')).body.code).toBe('UNAUTHENTICATED');
    expect((await t.http.get('/api/v1/units').set('Authorization', 'Basic abc')).body.code).toBe('INVALID_TOKEN');
    const [h, p] = admin.split('.');
    const forged = await t.http.get('/api/v1/units').set('Authorization', `Bearer ${h}.${p}.c2lnbmF0dXJl`);
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('INVALID_TOKEN');
  });

  it('unknown fields and wrong types are named in a 400, and nothing is written', async () => {
    const before = await count('units');
    const res = await t.http.post('/api/v1/units').set(auth(admin)).send({ code: 42, name: '', kind: 'galaxy', colour: 'red', timezone: 'Mars/Base' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = Object.fromEntries(res.body.fields.map((f: { field: string; codes: string[]; message: string }) => [f.field, f]));
    expect(Object.keys(fields).sort()).toEqual(['code', 'colour', 'kind', 'name', 'timezone']);
    expect(fields.colour.codes).toEqual(['whitelistValidation']);
    expect(fields.colour.message).toBe('colour: trường này không được phép gửi');
    expect(fields.kind.message).toContain('phải là một trong các giá trị: national, province, district, commune, village');
    expect(fields.timezone.message).toContain('múi giờ IANA');
    expect(await count('units')).toBe(before);
  });

  it('broken JSON is a 400 INVALID_JSON, an oversized body a 413', async () => {
    const broken = await t.http.post('/api/v1/units').set(auth(admin)).set('Content-Type', 'application/json').send('{"code": "1",');
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('INVALID_JSON');
    const huge = await t.http.post('/api/v1/units').set(auth(admin)).send({ code: 'A', name: 'x'.repeat(2 * 1024 * 1024), kind: 'province' });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a path id that is not a UUID is a 400, an unknown id a 404, an unknown route a 404', async () => {
    const bad = await t.http.get('/api/v1/units/not-a-uuid').set(auth(admin));
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].field).toBe('id');
    const missing = await t.http.get('/api/v1/units/6f1c3a52-8d4e-4b8a-9a57-0c2d2f6b1e11').set(auth(admin));
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Không tìm thấy đơn vị');
    const route = await t.http.get('/api/v1/nowhere').set(auth(admin));
    expect(route.status).toBe(404);
    expect(route.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('query parameters are validated too', async () => {
    const res = await t.http.get('/api/v1/units?limit=abc&kind=planet').set(auth(admin));
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['kind', 'limit']);
  });

  it('a duplicate unit code is a 409, a province under a commune a 422, and neither writes', async () => {
    const p = await t.http.post('/api/v1/units').set(auth(admin)).send({ code: 'P9', name: 'Tỉnh Chín', kind: 'province' });
    expect(p.status).toBe(201);
    const c = await t.http.post('/api/v1/units').set(auth(admin)).send({ code: 'C9', name: 'Xã Chín', kind: 'commune', parentId: p.body.id });
    const before = await count('units');
    const dup = await t.http.post('/api/v1/units').set(auth(admin)).send({ code: 'P9', name: 'Khác', kind: 'province' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'UNIT_CODE_TAKEN', message: 'Mã đơn vị P9 đã tồn tại' });
    const upside = await t.http.post('/api/v1/units').set(auth(admin)).send({ code: 'P10', name: 'Tỉnh Mười', kind: 'province', parentId: c.body.id });
    expect(upside.status).toBe(422);
    expect(upside.body.code).toBe('UNIT_KIND_ORDER');
    const cycle = await t.http.patch(`/api/v1/units/${p.body.id}`).set(auth(admin)).send({ parentId: c.body.id });
    expect(cycle.status).toBe(422);
    expect(cycle.body.code).toBe('UNIT_CYCLE');
    const inUse = await t.http.delete(`/api/v1/units/${p.body.id}`).set(auth(admin));
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('UNIT_IN_USE');
    expect(await count('units')).toBe(before);
  });

  it('usernames are unique, passwords long enough, operators need a unit', async () => {
    const short = await t.http.post('/api/v1/users').set(auth(admin)).send({ username: 'op1', displayName: 'Op', password: 'short', role: 'operator' });
    expect(short.status).toBe(400);
    expect(short.body.fields.map((f: { field: string }) => f.field)).toEqual(['password']);
    const noUnit = await t.http.post('/api/v1/users').set(auth(admin)).send({ username: 'op1', displayName: 'Op', password: 'long-enough-pw', role: 'operator' });
    expect(noUnit.status).toBe(422);
    expect(noUnit.body.code).toBe('UNIT_REQUIRED');
    const taken = await t.http.post('/api/v1/users').set(auth(admin)).send({ username: 'admin', displayName: 'Again', password: 'long-enough-pw', role: 'admin' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('USERNAME_TAKEN');
  });

  it('changing a password revokes old tokens; a disabled user cannot log in; the last national admin stays', async () => {
    const unit = await t.http.post('/api/v1/units').set(auth(admin)).send({ code: 'P11', name: 'Tỉnh Mười Một', kind: 'province' });
    const created = await t.http.post('/api/v1/users').set(auth(admin)).send({ username: 'editor.x', displayName: 'Biên tập', password: 'first-password', role: 'editor', unitId: unit.body.id });
    const old = await t.login('editor.x', 'first-password');
    const wrongCurrent = await t.http.post('/api/v1/auth/password').set(auth(old)).send({ currentPassword: 'nope', newPassword: 'second-password' });
    expect(wrongCurrent.status).toBe(422);
    const changed = await t.http.post('/api/v1/auth/password').set(auth(old)).send({ currentPassword: 'first-password', newPassword: 'second-password' });
    expect(changed.status).toBe(200);
    expect((await t.http.get('/api/v1/auth/me').set(auth(old))).status).toBe(401);
    expect((await t.http.get('/api/v1/auth/me').set(auth(changed.body.accessToken))).body.username).toBe('editor.x');

    await t.http.patch(`/api/v1/users/${created.body.id}`).set(auth(admin)).send({ active: false }).expect(200);
    expect((await t.http.post('/api/v1/auth/login').send({ username: 'editor.x', password: 'second-password' })).status).toBe(401);
    expect((await t.http.get('/api/v1/auth/me').set(auth(changed.body.accessToken))).status).toBe(401);

    const me = await t.http.get('/api/v1/auth/me').set(auth(admin));
    expect(me.body).not.toHaveProperty('passwordHash');
    const last = await t.http.patch(`/api/v1/users/${me.body.id}`).set(auth(admin)).send({ active: false });
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('LAST_ADMIN');
  });

  it('five wrong passwords in a row from one address make that address wait 15 minutes, on every instance (kept in the database)', async () => {
    await t.http.post('/api/v1/users').set({ Authorization: `Bearer ${admin}` }).send({ username: 'doan.mo', displayName: 'Đoán mò', password: 'mat-khau-that-dai', role: 'admin' }).expect(201);
    const attempt = (password: string, from = '203.0.113.7') => t.http.post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username: 'doan.mo', password });
    for (let i = 0; i < 4; i++) expect((await attempt(`sai-${i}-sai-sai`)).status).toBe(401);
    expect((await attempt('mat-khau-that-dai')).status).toBe(200); // a success starts the count again
    for (let i = 0; i < 5; i++) expect((await attempt(`sai-${i}-sai-sai`)).status).toBe(401);
    const locked = await attempt('mat-khau-that-dai'); // even the right password waits
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'LOGIN_LOCKED', message: 'Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; thử lại sau 15 phút' });
    // the owner, from another address, is not kept out by the stranger
    expect((await attempt('mat-khau-that-dai', '198.51.100.20')).status).toBe(200);
    // other accounts are not affected, and an unknown name tells nothing — not even by answering sooner
    expect((await t.http.post('/api/v1/auth/login').send(ADMIN)).status).toBe(200);
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      expect((await t.http.post('/api/v1/auth/login').send({ username: 'khong-co', password: 'sai-sai-sai-sai' })).status).toBe(401);
      expect(Date.now() - started).toBeGreaterThanOrEqual(FAIL_FLOOR_MS);
    }
    // a second lockout waits twice as long
    await t.app.get(DataSource).query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE username = 'doan.mo')`);
    for (let i = 0; i < 5; i++) expect((await attempt(`sai-${i}-sai-sai`)).status).toBe(401);
    expect((await attempt('mat-khau-that-dai')).body.message).toContain('30 phút');
    // when the wait is over, the right password works again
    await t.app.get(DataSource).query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE username = 'doan.mo')`);
    expect((await attempt('mat-khau-that-dai')).status).toBe(200);
    // counts of addresses quiet for two days are pruned daily
    expect((await attempt('sai-mot-lan-nua', '192.0.2.99')).status).toBe(401);
    await t.app.get(AuthService).loginThrottleTick(new Date(Date.now() + 3 * 86_400_000));
    expect(await t.app.get(DataSource).query(`SELECT address FROM login_throttle WHERE user_id = (SELECT id FROM users WHERE username = 'doan.mo')`)).toEqual([]);
  });

  it('stores passwords only as argon2id hashes', async () => {
    const rows = await t.app.get(require('typeorm').DataSource).query(`SELECT password_hash FROM users WHERE username = 'admin'`);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(rows[0].password_hash).not.toContain(ADMIN.password);
  });

  it('the audit log cannot be rewritten', async () => {
    const ds = t.app.get(require('typeorm').DataSource);
    await expect(ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`UPDATE audit_log SET actor_name = 'someone else'`)).rejects.toThrow(/append-only/);
  });
});
