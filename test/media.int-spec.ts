import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AudioFixtures, measureIndependently } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/**
 * The media pipeline on the real ffmpeg/ffprobe: what offices send is accepted and delivered at
 * −16 LUFS / −1 dBTP as mono MP3; what is not usable audio gets a 4xx and leaves nothing behind.
 * R2 (003_…txt): "Gửi các File âm thanh chương trình truyền thanh của huyện kịp thời cho các xã".
 */
describe('media library: audio upload and loudness normalisation', () => {
  let t: TestApp;
  let admin: string;
  let unitId: string;
  let fx: AudioFixtures;
  const auth = () => ({ Authorization: `Bearer ${admin}` });
  const db = () => t.app.get(DataSource);
  const upload = (file: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const req = t.http.post('/api/v1/media-assets/audio').set(auth()).set(headers);
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    return req.attach('file', file);
  };
  const waitUntilDone = async (id: string, timeoutMs = 60_000) => {
    const started = Date.now();
    for (;;) {
      const res = await t.http.get(`/api/v1/media-assets/${id}`).set(auth());
      if (res.body.status !== 'processing') return res.body;
      if (Date.now() - started > timeoutMs) throw new Error(`still processing: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const leftovers = () => ['incoming', 'tmp'].flatMap((d) => readdirSync(join(t.config.mediaDir, d)));

  beforeAll(async () => {
    t = await startTestApp({ MEDIA_MAX_DURATION_S: '600', MEDIA_JOB_LEASE_S: '5' });
    admin = await t.login(ADMIN.username, ADMIN.password);
    const unit = await t.http.post('/api/v1/units').set(auth()).send({ code: '38', name: 'Tỉnh Thanh Hóa', kind: 'province' });
    unitId = unit.body.id;
    fx = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-fixtures-')));
  });
  afterAll(() => t?.close());

  const formats: Array<[string, string[]]> = [
    ['quiet.mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']],
    ['quiet.wav', ['-c:a', 'pcm_s16le']],
    ['quiet.m4a', ['-c:a', 'aac', '-b:a', '96k']],
    ['quiet.ogg', ['-c:a', 'libopus', '-b:a', '48k']],
    ['quiet.flac', ['-c:a', 'flac']],
    ['quiet.wma', ['-c:a', 'wmav2', '-b:a', '64k']],
    ['phone.amr', ['-c:a', 'libopencore_amrnb', '-ar', '8000', '-ac', '1', '-b:a', '12.2k']],
  ];

  it.each(formats)('accepts %s and delivers mono MP3 within ±1 LU of −16 LUFS, true peak ≤ −1 dBTP', async (name, codec) => {
    const file = fx.quietTone(name, 8, codec);
    const res = await upload(file, { unitId, title: `Bản tin ${name}` });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'processing', kind: 'audio', title: `Bản tin ${name}`, originalName: name });
    const done = await waitUntilDone(res.body.id);
    expect(done).toMatchObject({ status: 'ready', progress: 100, mime: 'audio/mpeg', codec: 'mp3', channels: 1, sampleRate: 44100 });
    expect(done.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(done.loudnessBeforeLufs).toBeLessThan(-25);
    expect(Math.abs(done.loudnessAfterLufs + 16)).toBeLessThanOrEqual(1);
    expect(Math.abs(done.durationMs - 8000)).toBeLessThan(200);

    // measured again, independently, on the bytes a device downloads
    const download = await t.http.get(`/api/v1/media/${done.sha256}`).set(auth()).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(download.status).toBe(200);
    const local = join(fx.dir, `delivered-${name}.mp3`);
    writeFileSync(local, download.body);
    const measured = measureIndependently(local);
    expect(Math.abs(measured.integratedLufs + 16)).toBeLessThanOrEqual(1);
    expect(measured.truePeakDb).toBeLessThanOrEqual(-1);
  });

  it('brings a loud, peaky stereo recording down to the target with its peaks under the ceiling', async () => {
    const res = await upload(fx.loudStereo('loud.wav', 10), { unitId });
    const done = await waitUntilDone(res.body.id);
    expect(done.status).toBe('ready');
    expect(done.loudnessBeforeLufs).toBeGreaterThan(-12);
    expect(done.gainDb).toBeLessThan(0);
    const measured = measureIndependently(join(t.config.mediaDir, 'files', done.sha256.slice(0, 2), done.sha256));
    expect(Math.abs(measured.integratedLufs + 16)).toBeLessThanOrEqual(1);
    expect(measured.truePeakDb).toBeLessThanOrEqual(-1);
  });

  it('speech from espeak-ng, when the machine has it, goes through the same pipeline', async () => {
    const speech = fx.speech('speech.wav', 'Xin chào bà con. Đây là chuyên mục chuyển đổi số của xã.');
    if (!speech) return; // espeak-ng not installed here; the tone fixtures cover the pipeline
    const done = await waitUntilDone((await upload(speech, { unitId })).body.id);
    expect(done.status).toBe('ready');
    expect(Math.abs(done.loudnessAfterLufs + 16)).toBeLessThanOrEqual(1);
  });

  const bad: Array<[string, () => string, number, string]> = [
    ['an empty file', () => fx.text('empty.mp3', ''), 422, 'MEDIA_EMPTY'],
    ['a text file renamed .mp3', () => fx.text('notes.mp3', 'Đây là văn bản, không phải âm thanh.\n'.repeat(50)), 422, 'MEDIA_UNDECODABLE'],
    ['a truncated MP3', () => fx.truncatedMp3('cut.mp3'), 422, 'MEDIA_TRUNCATED'],
    ['a video where audio is required', () => fx.videoWithSound('clip.mp4'), 422, 'MEDIA_VIDEO_NOT_AUDIO'],
    ['a file of zero duration', () => fx.zeroLengthWav('zero.wav'), 422, 'MEDIA_ZERO_DURATION'],
    ['an absurdly long recording', () => fx.silence('long.wav', 700), 422, 'MEDIA_TOO_LONG'],
  ];

  it.each(bad)('refuses %s with a clear 4xx and leaves nothing behind', async (_what, make, status, code) => {
    const before = (await db().query('SELECT count(*)::int AS n FROM media_assets'))[0].n;
    const res = await upload(make(), { unitId });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toMatch(/[à-ỹ]/); // Vietnamese
    expect((await db().query('SELECT count(*)::int AS n FROM media_assets'))[0].n).toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a request without a file, with unknown fields, or for a unit outside scope, keeping no upload', async () => {
    expect((await t.http.post('/api/v1/media-assets/audio').set(auth()).field('unitId', unitId)).body.code).toBe('FILE_REQUIRED');
    const file = fx.quietTone('scope.mp3', 2, ['-c:a', 'libmp3lame']);
    const unknown = await upload(file, { unitId, colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields[0].field).toBe('colour');
    const elsewhere = await upload(file, { unitId: '6f1c3a52-8d4e-4b8a-9a57-0c2d2f6b1e11' });
    expect(elsewhere.status).toBe(404);
    expect(leftovers()).toEqual([]);
  });

  it('stores identical content once, and a retried upload with the same Idempotency-Key once', async () => {
    const file = fx.quietTone('same.flac', 4, ['-c:a', 'flac']);
    const a = await waitUntilDone((await upload(file, { unitId })).body.id);
    const b = await waitUntilDone((await upload(file, { unitId })).body.id);
    expect(a.id).not.toBe(b.id);
    expect(a.sha256).toBe(b.sha256);
    expect(readdirSync(join(t.config.mediaDir, 'files', a.sha256.slice(0, 2))).filter((f) => f === a.sha256)).toHaveLength(1);

    const first = await upload(file, { unitId }, { 'Idempotency-Key': 'upload-key-0001' });
    const retry = await upload(file, { unitId }, { 'Idempotency-Key': 'upload-key-0001' });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    await waitUntilDone(first.body.id);
    // the same key for another file is refused, not answered with the first asset
    const other = await upload(fx.quietTone('other.mp3', 3, ['-c:a', 'libmp3lame']), { unitId }, { 'Idempotency-Key': 'upload-key-0001' });
    expect([other.status, other.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    // the upload is removed right after the asset is marked ready (a crash in between retries the job with it)
    for (let i = 0; i < 50 && leftovers().length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(leftovers()).toEqual([]);
  });

  it('checks the duration limit on what is decoded, not on what the header claims', async () => {
    // 2 s at 160 kbit/s, then 20 min at 8 kbit/s, no Xing header: the container announces about a minute
    const head = fx.quietTone('head.mp3', 2, ['-ar', '22050', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '160k', '-write_xing', '0']);
    const tail = fx.quietTone('tail.mp3', 1200, ['-ar', '22050', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '8k', '-write_xing', '0']);
    const sly = join(fx.dir, 'sly.mp3');
    writeFileSync(sly, Buffer.concat([readFileSync(head), readFileSync(tail)]));
    const res = await upload(sly, { unitId });
    expect(res.status).toBe(202); // the header says about a minute: accepted for processing
    const done = await waitUntilDone(res.body.id);
    expect(done).toMatchObject({ status: 'rejected', rejectCode: 'MEDIA_TOO_LONG' });
    expect(done.rejectReason).toMatch(/Giải mã ra 20 phút âm thanh, vượt giới hạn 10 phút/);
  }, 120_000);

  it('serves the delivery file with Range, ETag and 304, and 404 for unknown hashes', async () => {
    const done = await waitUntilDone((await upload(fx.quietTone('range.mp3', 3, ['-c:a', 'libmp3lame']), { unitId })).body.id);
    const full = await t.http.get(`/api/v1/media/${done.sha256}`).set(auth());
    expect(full.headers.etag).toBe(`"${done.sha256}"`);
    expect(full.headers['content-type']).toBe('audio/mpeg');
    expect(Number(full.headers['content-length'])).toBe(Number(done.bytes));
    const part = await t.http.get(`/api/v1/media/${done.sha256}`).set(auth()).set('Range', 'bytes=100-199');
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${done.bytes}`);
    // a player resuming a download it already has whole: 416 with the size, not a 500
    const past = await t.http.get(`/api/v1/media/${done.sha256}`).set(auth()).set('Range', `bytes=${done.bytes}-`);
    expect([past.status, past.body.code, past.headers['content-range']]).toEqual([416, 'RANGE_NOT_SATISFIABLE', `bytes */${done.bytes}`]);
    const cached = await t.http.get(`/api/v1/media/${done.sha256}`).set(auth()).set('If-None-Match', `"${done.sha256}"`);
    expect(cached.status).toBe(304);
    expect((await t.http.get(`/api/v1/media/${'0'.repeat(64)}`).set(auth())).status).toBe(404);
    expect((await t.http.get('/api/v1/media/not-a-hash').set(auth())).status).toBe(404);
  });

  it('rejects silence in the background with a reason, and cancelling removes the asset and its files', async () => {
    const silent = await waitUntilDone((await upload(fx.silence('quiet-room.wav', 5), { unitId })).body.id);
    expect(silent).toMatchObject({ status: 'rejected', rejectCode: 'MEDIA_SILENT' });
    expect(silent.rejectReason).toContain('im lặng');

    const res = await upload(fx.quietTone('cancel.wav', 120, ['-c:a', 'pcm_s16le']), { unitId });
    expect((await t.http.delete(`/api/v1/media-assets/${res.body.id}`).set(auth())).status).toBe(204);
    expect((await t.http.get(`/api/v1/media-assets/${res.body.id}`).set(auth())).status).toBe(404);
    const started = Date.now();
    while (leftovers().length && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 200));
    expect(leftovers()).toEqual([]);
  });
});

describe('media upload size limit', () => {
  let t: TestApp;
  let admin: string;
  afterAll(() => t?.close());

  it('answers 413 past MEDIA_UPLOAD_LIMIT_MB and keeps no partial file', async () => {
    t = await startTestApp({ MEDIA_UPLOAD_LIMIT_MB: '1' });
    admin = await t.login(ADMIN.username, ADMIN.password);
    const unit = await t.http.post('/api/v1/units').set({ Authorization: `Bearer ${admin}` }).send({ code: '38', name: 'Tỉnh Thanh Hóa', kind: 'province' });
    const big = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-big-'))).quietTone('big.wav', 20, ['-c:a', 'pcm_s16le']); // ~1.7 MB
    const res = await t.http.post('/api/v1/media-assets/audio').set({ Authorization: `Bearer ${admin}` }).field('unitId', unit.body.id).attach('file', big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await t.http.get('/api/v1/media-assets').set({ Authorization: `Bearer ${admin}` })).body.total).toBe(0);
    expect(['incoming', 'tmp'].flatMap((d) => readdirSync(join(t.config.mediaDir, d)))).toEqual([]);
  });

  it('refuses an upload whose declared length is over the limit at once, naming the limit', async () => {
    const { request } = await import('node:http');
    await t.app.listen(0, '127.0.0.1').catch(() => undefined);
    const port = (t.app.getHttpServer().address() as { port: number }).port;
    const started = Date.now();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/media-assets/audio', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(800 * 1024 * 1024) } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('--x\r\n'); // and nothing more: the answer must not wait for 800 MB
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1 MB') });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(['incoming', 'tmp'].flatMap((d) => readdirSync(join(t.config.mediaDir, d)))).toEqual([]);
  });

  it('an upload the client abandons is logged as information, not as an error, and leaves no file', async () => {
    const { Logger } = await import('@nestjs/common');
    const errors = jest.spyOn(Logger.prototype, 'error');
    const infos = jest.spyOn(Logger.prototype, 'log');
    const { request } = await import('node:http');
    const port = (t.app.getHttpServer().address() as { port: number }).port;
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/media-assets/audio', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(512 * 1024) } });
      req.on('error', () => resolve());
      req.write('--x\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n' + 'x'.repeat(64 * 1024));
      setTimeout(() => (req.destroy(), resolve()), 300);
    });
    const deadline = Date.now() + 5000;
    while (!infos.mock.calls.some(([m]) => (m as { msg?: string })?.msg === 'upload aborted by the client') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(infos.mock.calls.some(([m]) => (m as { msg?: string })?.msg === 'upload aborted by the client')).toBe(true);
    expect(errors.mock.calls.filter(([m]) => (m as { msg?: string })?.msg === 'unhandled error')).toEqual([]);
    expect(['incoming', 'tmp'].flatMap((d) => readdirSync(join(t.config.mediaDir, d)))).toEqual([]);
    errors.mockRestore();
    infos.mockRestore();
  });
});
