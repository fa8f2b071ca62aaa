import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { link, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Local content-addressed storage: a delivery file lives at files/<aa>/<sha256>, so identical
 * content is stored once. Uploads wait in incoming/, work in progress in tmp/; both are cleaned
 * whatever the outcome.
 */
export class MediaStore {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
    for (const sub of ['incoming', 'tmp', 'files']) mkdirSync(join(this.root, sub), { recursive: true });
  }

  get incomingDir(): string {
    return join(this.root, 'incoming');
  }

  /** A work file; named after the job's subject so a worker resuming a crashed job replaces
   *  the dead worker's leftover instead of leaving it behind. */
  tmpPath(ext = '', key: string = randomUUID()): string {
    if (!/^[\w-]{1,80}$/.test(key)) throw new Error(`bad temp key: ${key}`);
    return join(this.root, 'tmp', `${key}${ext}`);
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.root, 'files', sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(() => true, () => false);
  }

  /** Moves a finished temp file to its content address; if that content is already stored, the
   *  temp file is simply dropped. Atomic: readers never see a partial file. */
  async commit(tmpFile: string, sha256: string): Promise<string> {
    const target = this.pathOf(sha256);
    mkdirSync(join(this.root, 'files', sha256.slice(0, 2)), { recursive: true });
    try {
      await link(tmpFile, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await rm(tmpFile, { force: true });
    return target;
  }

  async remove(path: string | null | undefined): Promise<void> {
    if (path && existsSync(path) && resolve(path).startsWith(this.root)) await rm(path, { force: true });
  }
}
