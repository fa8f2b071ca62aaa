import { JobQueue } from './job-queue';

describe('JobQueue polling', () => {
  it('does not pile up abort listeners while idle', async () => {
    let polls = 0;
    const db = { query: async () => (polls++, []) } as never;
    const added = jest.spyOn(AbortSignal.prototype, 'addEventListener');
    const removed = jest.spyOn(AbortSignal.prototype, 'removeEventListener');
    const queue = new JobQueue(db);
    queue.work('idle', async () => undefined, { pollMs: 5 });
    // a dozen idle polls (waited for, not timed: a busy machine runs fewer in a fixed 200 ms)
    for (let i = 0; i < 300 && polls <= 12; i++) await new Promise((r) => setTimeout(r, 10));
    expect(polls).toBeGreaterThan(10);
    // every idle wait removes its listener; at most the current wait holds one
    expect(added.mock.calls.length - removed.mock.calls.length).toBeLessThanOrEqual(1);
    await queue.onApplicationShutdown();
    added.mockRestore();
    removed.mockRestore();
  });
});
