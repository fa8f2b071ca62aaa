import { createServer, Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

async function waitDone(t: TestApp, token: string, id: string) {
  for (;;) {
    const a = (await t.http.get(`/api/v1/media-assets/${id}`).set({ Authorization: `Bearer ${token}` })).body;
    if (a.status !== 'processing') return a;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A typed bulletin becomes an audio program through a text-to-speech provider and the same pipeline. */
describe('text bulletins spoken by the offline eSpeak NG voice', () => {
  let t: TestApp;
  let admin: string;
  let unitId: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(ADMIN.username, ADMIN.password);
    unitId = (await t.http.post('/api/v1/units').set({ Authorization: `Bearer ${admin}` }).send({ code: '15943', name: 'Xã Trung Thượng', kind: 'commune' })).body.id;
  });
  afterAll(() => t?.close());

  it('speaks Vietnamese and delivers it normalised like any upload', async () => {
    const res = await t.http.post('/api/v1/media-assets/speech').set({ Authorization: `Bearer ${admin}` }).send({
      unitId,
      text: 'Thông báo của Ủy ban nhân dân xã: sáng mai, bà con mang căn cước đến nhà văn hóa thôn để cài đặt ứng dụng định danh điện tử.',
    });
    expect(res.status).toBe(202);
    expect(res.body.title).toMatch(/^Thông báo của Ủy ban/);
    const done = await waitDone(t, admin, res.body.id);
    expect(done.status).toBe('ready');
    expect(done.durationMs).toBeGreaterThan(3000);
    expect(Math.abs(done.loudnessAfterLufs + 16)).toBeLessThanOrEqual(1);
  });

  it('refuses empty text, an unknown voice and a text that is too long, synthesizing nothing', async () => {
    const auth = { Authorization: `Bearer ${admin}` };
    const before = (await t.http.get('/api/v1/media-assets').set(auth)).body.total;
    expect((await t.http.post('/api/v1/media-assets/speech').set(auth).send({ unitId, text: '' })).body.fields[0].field).toBe('text');
    const voice = await t.http.post('/api/v1/media-assets/speech').set(auth).send({ unitId, text: 'Xin chào', voice: 'klingon' });
    expect(voice.status).toBe(400);
    expect(voice.body.fields[0].message).toContain('vi, vi-vn-x-central');
    expect((await t.http.post('/api/v1/media-assets/speech').set(auth).send({ unitId, text: 'a'.repeat(10_001) })).status).toBe(400);
    expect((await t.http.get('/api/v1/media-assets').set(auth)).body.total).toBe(before);
  });
});

describe('text bulletins spoken by an HTTP text-to-speech service', () => {
  let t: TestApp;
  let server: Server;
  const received: Array<{ text: string; voice: string; auth?: string }> = [];

  beforeAll(async () => {
    // A stand-in for a vendor's service: answers every request with a real WAV made by ffmpeg.
    const wav = readFileSync(new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-tts-'))).quietTone('voice.wav', 3, ['-c:a', 'pcm_s16le']));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ ...JSON.parse(body), auth: req.headers.authorization });
        res.writeHead(200, { 'Content-Type': 'audio/wav' }).end(wav);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    t = await startTestApp({ TTS_PROVIDER: 'http', TTS_HTTP_URL: `http://127.0.0.1:${port}/speak`, TTS_HTTP_TOKEN: 'vendor-token', TTS_HTTP_VOICES: 'banmai,leminh' });
  });
  afterAll(async () => {
    await t?.close();
    server?.close();
  });

  it('posts the text and voice to the service and processes what it answers', async () => {
    const admin = await t.login(ADMIN.username, ADMIN.password);
    const unit = await t.http.post('/api/v1/units').set({ Authorization: `Bearer ${admin}` }).send({ code: '16000', name: 'Xã Nghi Lộc', kind: 'commune' });
    const res = await t.http.post('/api/v1/media-assets/speech').set({ Authorization: `Bearer ${admin}` }).send({ unitId: unit.body.id, text: 'Bản tin buổi sáng', voice: 'leminh' });
    expect(res.status).toBe(202);
    expect(received).toEqual([{ text: 'Bản tin buổi sáng', voice: 'leminh', auth: 'Bearer vendor-token' }]);
    expect((await waitDone(t, admin, res.body.id)).status).toBe('ready');
  });
});
