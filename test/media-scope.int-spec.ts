import { ADMIN, startTestApp, TestApp } from './support/test-app';

/** A media file reaches the people of its unit's subtree and above, and the devices whose playlist names it — no one else. */
describe('media files are served within scope', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });

  beforeAll(async () => {
    t = await startTestApp();
    tok.admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units/import').set(as('admin')).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n1,Xã A,commune,38\n40,Tỉnh Nghệ An,province,\n2,Xã B,commune,40\n').expect(200);
    for (const u of (await t.http.get('/api/v1/units').set(as('admin'))).body.items) ids[u.code] = u.id;
    for (const [username, unit] of [['bientap.th', '38'], ['bientap.na', '40'], ['bientap.xa', '1']]) {
      await t.http.post('/api/v1/users').set(as('admin')).send({ username, displayName: username, password: 'mat-khau-dai-du', role: 'editor', unitId: ids[unit] }).expect(201);
      tok[username] = await t.login(username, 'mat-khau-dai-du');
    }
    const slide = await t.http.post('/api/v1/media-assets/slide').set(as('bientap.th')).send({ unitId: ids['38'], width: 384, height: 192, heading: 'CHUYỂN ĐỔI SỐ', body: 'Cài đặt VNeID' });
    expect(slide.status).toBe(202);
    for (let i = 0; i < 100; i++) {
      const a = (await t.http.get(`/api/v1/media-assets/${slide.body.id}`).set(as('bientap.th'))).body;
      if (a.status === 'ready') {
        ids.sha = a.sha256;
        ids.slide = a.id;
        break;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    for (const [key, unit] of [['boardA', '1'], ['boardB', '2']]) {
      ids[key] = (await t.http.post('/api/v1/channels').set(as('admin')).send({ unitId: ids[unit], name: key, kind: 'display', windows: [] })).body.id;
      const d = (await t.http.post(`/api/v1/channels/${ids[key]}/devices`).set(as('admin')).send({ name: key, kind: 'led' })).body;
      ids[`${key}Device`] = d.device.id;
      tok[`${key}Device`] = d.token;
    }
    const start = new Date(Date.now() + 3600_000);
    await t.http.post(`/api/v1/channels/${ids.boardA}/entries`).set(as('admin')).send({ kind: 'slides', mediaAssetId: ids.slide, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 600_000).toISOString() }).expect(201);
  }, 60_000);
  afterAll(() => t?.close());

  it('serves the people of the subtree and above, not another province', async () => {
    expect((await t.http.get(`/api/v1/media/${ids.sha}`).set(as('bientap.th'))).status).toBe(200);
    expect((await t.http.get(`/api/v1/media/${ids.sha}`).set(as('bientap.xa'))).status).toBe(200); // a commune reads what its province made
    expect((await t.http.get(`/api/v1/media/${ids.sha}`).set(as('bientap.na'))).status).toBe(404);
  });

  it('serves a device only what its channel plays', async () => {
    await t.http.get(`/api/v1/devices/${ids.boardADevice}/playlist`).set(as('boardADevice')).expect(200); // (compiles it)
    for (let i = 0; i < 50; i++) {
      if ((await t.http.get(`/api/v1/media/${ids.sha}`).set(as('boardADevice'))).status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await t.http.get(`/api/v1/media/${ids.sha}`).set(as('boardADevice'))).status).toBe(200);
    expect((await t.http.get(`/api/v1/media/${ids.sha}`).set(as('boardBDevice'))).status).toBe(404);
  });
});
