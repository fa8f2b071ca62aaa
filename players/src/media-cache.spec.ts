import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashMismatchError, MediaCache } from './media-cache';

/** The cache against a small HTTP server that honours Range, as the service's media route does. */
describe('media cache', () => {
  const body = Buffer.from('Bản tin chuyển đổi số — '.repeat(2000));
  const sha = createHash('sha256').update(body).digest('hex');
  let server: Server;
  let base: string;
  let dir: string;
  const ranges: Array<string | undefined> = [];
  let serve = body;

  beforeAll(async () => {
    server = createServer((req, res) => {
      ranges.push(req.headers.range);
      if (req.headers.authorization !== 'Bearer tok') return res.writeHead(401).end();
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (m && Number(m[1]) >= serve.length) return res.writeHead(416, { 'Content-Range': `bytes */${serve.length}` }).end();
      if (m) return res.writeHead(206, { 'Content-Range': `bytes ${m[1]}-${serve.length - 1}/${serve.length}` }).end(serve.subarray(Number(m[1])));
      res.writeHead(200).end(serve);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bcast-cache-'));
    ranges.length = 0;
    serve = body;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const media = { sha256: sha, url: `/api/v1/media/${sha}`, bytes: body.length, mime: 'audio/mpeg', durationMs: 1000 };

  it('downloads, verifies and stores under the sha256; a second fetch is a cache hit', async () => {
    const cache = new MediaCache(dir, base, 'tok', 0);
    expect(await cache.fetch(media)).toBe('downloaded');
    expect(readFileSync(cache.path(sha)).equals(body)).toBe(true);
    expect(await cache.verify(sha)).toBe(true);
    expect(await cache.fetch(media)).toBe('cached');
    expect(ranges).toEqual([undefined]);
  });

  it('resumes an interrupted download where it stopped', async () => {
    const cache = new MediaCache(dir, base, 'tok', 0);
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${cache.path(sha)}.part`, body.subarray(0, 10_000)); // the link dropped here
    expect(await cache.fetch(media)).toBe('downloaded');
    expect(ranges).toEqual(['bytes=10000-']);
    expect(readFileSync(cache.path(sha)).equals(body)).toBe(true);
  });

  it('recovers from a 416 when the interrupted download was in fact complete', async () => {
    const cache = new MediaCache(dir, base, 'tok', 0);
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${cache.path(sha)}.part`, body); // whole, but not yet renamed when the power went
    expect(await cache.fetch(media)).toBe('downloaded');
    expect(ranges).toEqual([`bytes=${body.length}-`]);
    expect(readFileSync(cache.path(sha)).equals(body)).toBe(true);
    expect(existsSync(`${cache.path(sha)}.part`)).toBe(false);
  });

  it('refuses a file whose content does not match its sha256, and keeps nothing of it', async () => {
    serve = Buffer.from('tampered or truncated');
    const cache = new MediaCache(dir, base, 'tok', 0);
    await expect(cache.fetch(media)).rejects.toBeInstanceOf(HashMismatchError);
    expect(existsSync(cache.path(sha))).toBe(false);
    expect(existsSync(`${cache.path(sha)}.part`)).toBe(false);
  });

  it('evicts only files no playlist references, when space is short', async () => {
    const cache = new MediaCache(dir, base, 'tok', Number.MAX_SAFE_INTEGER); // "always short"
    const other = 'b'.repeat(64);
    writeFileSync(cache.path(sha), body);
    writeFileSync(cache.path(other), 'old');
    expect(cache.evict(new Set([sha]))).toEqual([other]);
    expect(existsSync(cache.path(sha))).toBe(true);
  });
});
