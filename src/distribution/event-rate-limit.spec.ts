import { EventRateLimit } from './event-rate-limit';

describe('EventRateLimit', () => {
  it('lets a burst through, then the sustained rate, per device', () => {
    const limit = new EventRateLimit(10, 100);
    expect(limit.take('a', 100, 0)).toBe(true);
    expect(limit.take('a', 1, 0)).toBe(false); // bucket empty
    expect(limit.take('b', 50, 0)).toBe(true); // another device has its own bucket
    expect(limit.take('a', 10, 1000)).toBe(true); // one second refills 10
    expect(limit.take('a', 1, 1000)).toBe(false);
    expect(limit.take('a', 100, 60_000)).toBe(true); // refills up to the burst, not beyond
    expect(limit.take('a', 1, 60_000)).toBe(false);
  });

  it('refuses a message larger than the burst whole', () => {
    const limit = new EventRateLimit(10, 100);
    expect(limit.take('a', 101, 0)).toBe(false);
    expect(limit.take('a', 100, 0)).toBe(true);
  });
});
