import { CoalescedRun } from './coalesced-run';

describe('CoalescedRun', () => {
  it('never runs twice at once, and asks made during a run make one more run', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const run = new CoalescedRun(async () => {
      active++;
      most = Math.max(most, active);
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      active--;
    }, () => undefined);
    run.kick();
    run.kick();
    run.kick();
    await run.settled();
    expect({ runs, most }).toEqual({ runs: 2, most: 1 });
  });

  it('reports a failure and runs again on the next kick; after stop it runs no more', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const run = new CoalescedRun(async () => {
      runs++;
      if (runs === 1) throw new Error('broker away');
    }, (err) => errors.push(err));
    run.kick();
    await run.settled();
    run.kick();
    await run.stop();
    run.kick();
    await run.settled();
    expect({ runs, errors: errors.map(String) }).toEqual({ runs: 2, errors: ['Error: broker away'] });
  });
});
