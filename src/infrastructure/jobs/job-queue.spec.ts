import { JobQueue } from './job-queue';

describe('JobQueue polling', () => {
  it('does not pile up abort listeners while idle', async () => {
    let polls = 0;
    const db = { query: async () => (polls++, []) } as never;
    const added = jest.spyOn(AbortSignal.prototype, 'addEventListener');
    const removed = jest.spyOn(AbortSignal.prototype, 'removeEventListener');
    const queue = new JobQueue(db);
    queue.work('idle', async () => undefined, { pollMs: 5 });
    await new Promise((r) => setTimeout(r, 200));
    expect(polls).toBeGreaterThan(10);
    // every idle wait removes its listener; at most the current wait holds one
    expect(added.mock.calls.length - removed.mock.calls.length).toBeLessThanOrEqual(1);
    await queue.onApplicationShutdown();
    added.mockRestore();
    removed.mockRestore();
  });
});
