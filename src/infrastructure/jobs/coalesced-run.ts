/**
 * One task that is asked for often and must never run twice at once: `kick()` starts it, or, while it
 * runs, asks for one more run after it (any number of asks meanwhile make one run). Failures go to
 * `onError`; the next kick runs again.
 */
export class CoalescedRun {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly task: () => Promise<unknown>, private readonly onError: (err: unknown) => void) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.task()
      .then(() => undefined, this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once no run is in progress or asked for. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** No run starts any more; resolves when the one in progress is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.settled();
  }
}
