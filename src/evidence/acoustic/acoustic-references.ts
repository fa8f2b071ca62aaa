import { Injectable } from '@nestjs/common';
import { BandEnergies } from '../../../players/src/monitor/signature';
import { MediaTools } from '../../infrastructure/ffmpeg/media-tools';
import { MediaStore } from '../../infrastructure/storage/media-store';
import { Reference, REFERENCE_RATE } from './signature-match';

/** Held in memory at most (a 30-minute program's reference is about 3 MB). */
const CACHE_BYTES = 256 * 1024 * 1024;

/**
 * References of delivered files, computed once per file (by its sha256) and kept, least recently
 * used first out; concurrent requests for one file share one decoding.
 */
@Injectable()
export class AcousticReferences {
  private readonly cache = new Map<string, Promise<Reference>>();
  private readonly sizes = new Map<string, number>();
  private held = 0;
  /** Files decoded so far (tests and metrics: a second airing of a file decodes nothing). */
  decoded = 0;

  constructor(private readonly tools: MediaTools, private readonly store: MediaStore) {}

  of(sha256: string): Promise<Reference> {
    const hit = this.cache.get(sha256);
    if (hit) {
      this.cache.delete(sha256); // most recently used last
      this.cache.set(sha256, hit);
      return hit;
    }
    const made = this.compute(sha256).then(
      (ref) => {
        this.sizes.set(sha256, ref.bytes);
        this.held += ref.bytes;
        this.evict();
        return ref;
      },
      (err) => {
        this.cache.delete(sha256);
        throw err;
      },
    );
    this.cache.set(sha256, made);
    return made;
  }

  private async compute(sha256: string): Promise<Reference> {
    const bands = new BandEnergies(REFERENCE_RATE);
    await this.tools.decodePcm(this.store.pathOf(sha256), REFERENCE_RATE, (chunk) => bands.pushS16(chunk));
    this.decoded++;
    return new Reference(bands.take());
  }

  private evict(): void {
    for (const key of this.cache.keys()) {
      if (this.held <= CACHE_BYTES) return;
      const size = this.sizes.get(key);
      if (size === undefined) continue; // still being computed
      this.cache.delete(key);
      this.sizes.delete(key);
      this.held -= size;
    }
  }
}
