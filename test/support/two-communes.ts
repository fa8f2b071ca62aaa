import { randomBytes } from 'node:crypto';
import { ServerOnlyAccessPolicy } from '../../src/infrastructure/mqtt/broker-access-policy';
import { EmbeddedBrokerHandle, startEmbeddedBroker } from '../../src/infrastructure/mqtt/embedded-broker';
import { eventually } from './mqtt-device';
import { ADMIN, startTestApp, TestApp } from './test-app';

/**
 * The service on its own embedded broker (device authentication and ACL on, the server's own
 * account), listening on a free port: what player processes and the conformance runner connect to.
 */
export async function startAppWithBroker(): Promise<{ t: TestApp; broker: EmbeddedBrokerHandle; server: { username: string; password: string }; url: string }> {
  const server = { username: 'bcast-server', password: randomBytes(16).toString('hex') };
  const broker = await startEmbeddedBroker(0, new ServerOnlyAccessPolicy(server.username, server.password), '127.0.0.1');
  const t = await startTestApp({ MQTT_URL: broker.url }, { mqttUrl: broker.url, mqttCredentials: server, embedded: { database: false, broker } });
  await t.app.listen(0, '127.0.0.1');
  return { t, broker, server, url: `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}` };
}

/** Thanh Hóa with two communes (codes 38, 1, 2), imported by the administrator; unit ids by code. */
export async function importTwoCommunes(t: TestApp): Promise<Record<string, string>> {
  const admin = { Authorization: `Bearer ${await t.login(ADMIN.username, ADMIN.password)}` };
  await t.http.post('/api/v1/units/import').set(admin).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n1,Xã Sơn Điện,commune,38\n2,Xã Mường Mìn,commune,38\n').expect(200);
  const ids: Record<string, string> = {};
  for (const u of (await t.http.get('/api/v1/units').set(admin)).body.items) ids[u.code] = u.id;
  return ids;
}

/** Two editors of the province (an author and a reviewer, for four-eyes approval); their tokens. */
export async function provinceEditors(t: TestApp, provinceId: string): Promise<{ editor: string; reviewer: string }> {
  const admin = { Authorization: `Bearer ${await t.login(ADMIN.username, ADMIN.password)}` };
  for (const username of ['editor.a', 'editor.b']) await t.http.post('/api/v1/users').set(admin).send({ username, displayName: username, password: 'mat-khau-dai-du', role: 'editor', unitId: provinceId }).expect(201);
  return { editor: await t.login('editor.a', 'mat-khau-dai-du'), reviewer: await t.login('editor.b', 'mat-khau-dai-du') };
}

/** Uploads an audio file for a unit and waits until the pipeline has delivered it; its id. */
export async function uploadReadyAudio(t: TestApp, token: string, unitId: string, file: string): Promise<string> {
  const auth = { Authorization: `Bearer ${token}` };
  const audio = await t.http.post('/api/v1/media-assets/audio').set(auth).field('unitId', unitId).attach('file', file);
  await eventually(async () => (await t.http.get(`/api/v1/media-assets/${audio.body.id}`).set(auth)).body.status === 'ready', 60_000, 'audio processed');
  return audio.body.id;
}
