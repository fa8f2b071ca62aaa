/** Time as the player sees it: the device clock (NTP-synced), replaceable in tests. */
export interface Clock {
  now(): number;
  /** Runs `fn` at `at` (ms since epoch) by this clock; returns a cancel function. */
  at(at: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  at(at, fn) {
    // long timers are re-armed so a changed system clock (NTP step) is followed
    let timer: NodeJS.Timeout;
    const arm = () => {
      const left = at - Date.now();
      if (left <= 0) return fn();
      timer = setTimeout(arm, Math.min(left, 60_000));
    };
    arm();
    return () => clearTimeout(timer);
  },
};

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private seq = 0;

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  at(at: number, fn: () => void): () => void {
    const id = ++this.seq;
    this.timers.push({ at, fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}
