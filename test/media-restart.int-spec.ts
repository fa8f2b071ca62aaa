import { chmodSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AudioFixtures } from './support/audio-fixtures';
import { freePort } from './support/free-port';
import { startServiceProcess } from './support/service-process';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/**
 * Durable processing: the service process is killed (SIGKILL, no chance to clean up) in the middle
 * of a transcode; another instance on the same database takes the job over when its lease runs
 * out and finishes it. Nothing stays stuck in `processing`, no temp file is left.
 */
describe('a transcode survives the death of its service instance', () => {
  let second: TestApp | undefined;
  afterAll(() => second?.close());

  it('is resumed by another instance after a crash mid-transcode', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bcast-restart-'));
    chmodSync(dataDir, 0o755);
    const mediaDir = join(dataDir, 'media');
    // The second instance owns the fresh database; the first (a real process) shares it.
    second = await startTestApp({ MEDIA_DIR: mediaDir, MEDIA_WORKERS: '0', DATA_DIR: dataDir });
    const port = await freePort();
    const first = startServiceProcess({
      DATABASE_URL: second.databaseUrl,
      MQTT_URL: process.env.MQTT_URL!,
      PORT: String(port),
      DATA_DIR: dataDir,
      MEDIA_DIR: mediaDir,
      MEDIA_JOB_LEASE_S: '3',
      TOKEN_SECRET: second.config.TOKEN_SECRET!,
      LOG_LEVEL: 'warn',
    });
    try {
      await first.waitFor('bcast đang chạy');
      const base = request(`http://127.0.0.1:${port}`);
      const login = await base.post('/api/v1/auth/login').send(ADMIN);
      const auth = { Authorization: `Bearer ${login.body.accessToken}` };
      const unit = await base.post('/api/v1/units').set(auth).send({ code: '38', name: 'Tỉnh Thanh Hóa', kind: 'province' });
      const fx = new AudioFixtures(join(dataDir, 'fixtures'));
      // 20 minutes of audio: long enough to catch it mid-transcode on any machine.
      const file = fx.quietTone('long.wav', 1200, ['-c:a', 'pcm_s16le', '-ac', '1', '-ar', '22050']);
      const uploaded = await base.post('/api/v1/media-assets/audio').set(auth).field('unitId', unit.body.id).attach('file', file);
      expect(uploaded.status).toBe(202);
      const id = uploaded.body.id;

      let progress = 0;
      for (const started = Date.now(); progress < 25 && Date.now() - started < 60_000; ) {
        progress = (await base.get(`/api/v1/media-assets/${id}`).set(auth)).body.progress;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(progress).toBeGreaterThanOrEqual(25);
      expect(progress).toBeLessThan(100);
      first.child.kill('SIGKILL');
      await first.exited;

      // The job is still leased by the dead instance; a new worker takes it once the lease runs out.
      const { JobQueue } = await import('../src/infrastructure/jobs/job-queue');
      const { MediaProcessor } = await import('../src/media/media-processor');
      const queue = second.app.get(JobQueue);
      const processor = second.app.get(MediaProcessor);
      queue.work('media.normalise-audio', (ctx) => processor.process(ctx), { leaseSeconds: 3, pollMs: 200 });

      const secondAuth = { Authorization: `Bearer ${await second.login(ADMIN.username, ADMIN.password)}` };
      let asset: { status: string; progress: number; loudnessAfterLufs: number } = { status: 'processing', progress: 0, loudnessAfterLufs: 0 };
      for (const started = Date.now(); asset.status === 'processing' && Date.now() - started < 120_000; ) {
        await new Promise((r) => setTimeout(r, 300));
        asset = (await second.http.get(`/api/v1/media-assets/${id}`).set(secondAuth)).body;
      }
      expect(asset.status).toBe('ready');
      expect(asset.progress).toBe(100);
      expect(Math.abs(asset.loudnessAfterLufs + 16)).toBeLessThanOrEqual(1);
      // the asset is marked ready inside the job; the job itself is marked done just after the handler returns
      const db = second.app.get((await import('typeorm')).DataSource);
      let job: { status: string; attempts: number } | undefined;
      for (const started = Date.now(); job?.status !== 'done' && Date.now() - started < 10_000; await new Promise((r) => setTimeout(r, 100))) {
        [job] = await db.query(`SELECT status, attempts FROM jobs WHERE singleton_key = $1`, [id]);
      }
      expect(job).toEqual({ status: 'done', attempts: 2 });
      expect(readdirSync(join(mediaDir, 'tmp'))).toEqual([]);
      expect(readdirSync(join(mediaDir, 'incoming'))).toEqual([]);
    } finally {
      await first.stop();
    }
  }, 240_000);
});
