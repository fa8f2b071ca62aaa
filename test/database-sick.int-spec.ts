import { createServer, Server, Socket, connect } from 'node:net';
import { ADMIN, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';

/**
 * A TCP proxy between the service and PostgreSQL that the test can freeze (connections stay open,
 * nothing is answered: a hung server) or cut (connections reset, new ones refused: a stopped one).
 */
class FaultyLink {
  private server!: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  mode: 'ok' | 'hung' | 'down' = 'ok';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.mode === 'down') return client.destroy();
      const upstream = connect(this.target.port, this.target.host);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const forward = (from: Socket, to: Socket) => from.on('data', (d) => this.mode === 'ok' && to.write(d)); // hung: swallowed
      forward(client, upstream);
      forward(upstream, client);
      const close = () => (client.destroy(), upstream.destroy(), this.pairs.delete(pair));
      client.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  cut(): void {
    this.mode = 'down';
    for (const [a, b] of this.pairs) a.destroy(), b.destroy();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((r) => this.server.close(r));
  }
}

describe('a sick database: 503 in seconds, then recovery without restart', () => {
  let t: TestApp;
  let link: FaultyLink;
  let token: string;
  let drop: () => Promise<void>;
  const units = () => t.http.get('/api/v1/units').set({ Authorization: `Bearer ${token}` }).timeout(15_000);
  const timed = async () => {
    const started = Date.now();
    const res = await units();
    return { status: res.status, ms: Date.now() - started, code: res.body.code, retryAfter: res.headers['retry-after'], message: res.body.message as string };
  };
  const until = async (want: number, ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await timed();
      if (r.status === want || Date.now() > deadline) return r;
      await new Promise((res) => setTimeout(res, 200));
    }
  };

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    const url = new URL(db.url);
    link = new FaultyLink({ host: url.hostname, port: Number(url.port || 5432) });
    await link.start();
    url.host = `127.0.0.1:${link.port}`;
    // the test database through the proxy (its migrations run through it too)
    t = await startTestApp({ DB_CONNECT_TIMEOUT_MS: '1500' }, {}, { databaseUrl: url.toString() });
    token = await t.login(ADMIN.username, ADMIN.password);
  }, 60_000);
  afterAll(async () => {
    link.mode = 'ok';
    await t?.close();
    await link?.stop();
    await drop?.();
  });

  it('a hung PostgreSQL: requests get 503 with Retry-After and a Vietnamese message within 5 s; then it answers again', async () => {
    expect((await timed()).status).toBe(200);
    link.mode = 'hung';
    // the request already waiting on a frozen connection is answered too, once the watch notices
    const first = await timed();
    expect(first).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(first.ms).toBeLessThan(5000);
    const sick = await until(503, 5000);
    expect(sick).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '5' });
    expect(sick.ms).toBeLessThan(5000);
    expect(sick.message).toMatch(/Cơ sở dữ liệu tạm thời không trả lời/);
    // the liveness probe still answers; readiness says why
    expect((await t.http.get('/health/live')).status).toBe(200);
    expect((await t.http.get('/health/ready').timeout(10_000)).status).toBe(503);
    // frozen connections are given up: cut them, and the server comes back
    link.cut();
    link.mode = 'ok';
    const back = await until(200, 15_000);
    expect(back.status).toBe(200);
  }, 60_000);

  it('a stopped PostgreSQL: 503 at once, and recovery when it returns', async () => {
    const as = { Authorization: `Bearer ${token}` };
    await t.http.post('/api/v1/units/import').set(as).set('Content-Type', 'text/csv').send('code,name,kind,parent_code\n1,Xã A,commune,\n').expect(200);
    const unitId = (await t.http.get('/api/v1/units').set(as)).body.items[0].id;
    const channelId = (await t.http.post('/api/v1/channels').set(as).send({ unitId, name: 'Đài xã', kind: 'audio', windows: [] })).body.id;
    const device = (await t.http.post(`/api/v1/channels/${channelId}/devices`).set(as).send({ name: 'Cụm loa', kind: 'speaker' })).body;
    link.cut();
    const sick = await until(503, 5000);
    expect(sick).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(sick.ms).toBeLessThan(5000);
    // a device's events too (once a 500): the player keeps them and sends them again
    const events = await t.http.post(`/api/v1/devices/${device.device.id}/events`).set({ Authorization: `Bearer ${device.token}` })
      .send([{ eventId: 'e1', deviceId: device.device.id, type: 'status', at: new Date().toISOString() }]);
    expect([events.status, events.body.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
    link.mode = 'ok';
    expect((await until(200, 15_000)).status).toBe(200);
  }, 60_000);
});
