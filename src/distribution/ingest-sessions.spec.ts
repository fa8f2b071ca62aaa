import { fairShare, ingestSessionIds } from './ingest-sessions';

describe('ingest sessions', () => {
  it('names the deployment’s sessions after its group and topic prefix, the same on every instance', () => {
    const a = ingestSessionIds('bcast', 'bcast/v1', 8);
    expect(a).toHaveLength(8);
    expect(new Set(a).size).toBe(8);
    expect(a[0]).toMatch(/^bcast-ingest-bcast-[0-9a-f]{8}-0$/);
    expect(ingestSessionIds('bcast', 'bcast/v1', 8)).toEqual(a);
    expect(ingestSessionIds('bcast', 'other/v1', 8)[0]).not.toBe(a[0]); // another deployment on the same broker
  });

  it('shares the sessions evenly among the live instances', () => {
    expect(fairShare(8, 1)).toBe(8);
    expect(fairShare(8, 2)).toBe(4);
    expect(fairShare(8, 3)).toBe(3);
    expect(fairShare(8, 0)).toBe(8);
    expect(fairShare(1, 2)).toBe(1);
  });
});
