import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statfsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Media } from './protocol';

export class HashMismatchError extends Error {}

/**
 * Media files by sha256. Downloads resume where an interrupted one stopped (Range), land under
 * `<sha>.part`, are verified, then renamed into place (atomic). A file whose content does not hash
 * to its name is refused and deleted. Files no playlist references are evicted when the disk runs
 * low.
 */
export class MediaCache {
  constructor(private readonly dir: string, private readonly baseUrl: string, private readonly token: string, private readonly minFreeBytes = 200 * 1024 * 1024) {
    mkdirSync(dir, { recursive: true });
  }

  path(sha256: string): string {
    return join(this.dir, sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.path(sha256));
  }

  /** Hashes the stored file; true only if it is intact. */
  async verify(sha256: string): Promise<boolean> {
    if (!this.has(sha256)) return false;
    return (await hashFile(this.path(sha256))) === sha256;
  }

  /** Downloads a file if it is not here yet; throws HashMismatchError for a corrupt one. */
  async fetch(media: Media, signal?: AbortSignal): Promise<'cached' | 'downloaded'> {
    if (this.has(media.sha256)) return 'cached';
    const part = `${this.path(media.sha256)}.part`;
    const have = existsSync(part) ? statSync(part).size : 0;
    const url = new URL(media.url, this.baseUrl).toString();
    const res = await fetch(url, { headers: { Authorization: `Bearer ${this.token}`, ...(have ? { Range: `bytes=${have}-` } : {}) }, signal });
    // 416: the part already holds the whole file (or more): verify what is there instead of asking again
    if (res.status === 416) await res.body?.cancel();
    else if (res.status !== 200 && res.status !== 206) throw new Error(`download ${media.sha256}: HTTP ${res.status}`);
    else {
      const file = await open(part, res.status === 206 ? 'a' : 'w');
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) await file.write(chunk);
        await file.sync();
      } finally {
        await file.close();
      }
    }
    const actual = await hashFile(part);
    if (actual !== media.sha256) {
      rmSync(part, { force: true });
      throw new HashMismatchError(`sha256 of ${media.url} is ${actual}, expected ${media.sha256}`);
    }
    renameSync(part, this.path(media.sha256));
    return 'downloaded';
  }

  /** Removes a file that failed verification. */
  discard(sha256: string): void {
    rmSync(this.path(sha256), { force: true });
  }

  /** Deletes unreferenced files, oldest first, while free space is below the minimum. */
  evict(keep: Set<string>): string[] {
    const evicted: string[] = [];
    const files = readdirSync(this.dir)
      .filter((n) => /^[0-9a-f]{64}$/.test(n) && !keep.has(n))
      .map((n) => ({ n, t: statSync(join(this.dir, n)).mtimeMs }))
      .sort((a, b) => a.t - b.t);
    for (const f of files) {
      if (this.freeBytes() >= this.minFreeBytes) break;
      rmSync(join(this.dir, f.n), { force: true });
      evicted.push(f.n);
    }
    return evicted;
  }

  freeBytes(): number {
    const s = statfsSync(this.dir);
    return Number(s.bavail) * Number(s.bsize);
  }
}

export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
