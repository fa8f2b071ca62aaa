/**
 * A token bucket per device: `ratePerS` events a second on average, bursts up to `burst` (a player
 * sending the backlog of a day offline stays under it). Kept per instance, in memory.
 */
export class EventRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly ratePerS: number, private readonly burst: number) {}

  /** Takes `count` events of `deviceId` at `now` (ms); false when over the rate (nothing taken). */
  take(deviceId: string, count: number, now = Date.now()): boolean {
    const bucket = this.buckets.get(deviceId) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerS);
    bucket.at = now;
    this.buckets.set(deviceId, bucket);
    if (this.buckets.size > 200_000) this.forgetFull(now);
    if (bucket.tokens < count) return false;
    bucket.tokens -= count;
    return true;
  }

  /** Buckets that would be full again carry no information. */
  private forgetFull(now: number): void {
    for (const [id, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.ratePerS >= this.burst) this.buckets.delete(id);
  }
}
