import { complianceStatus } from './compliance';

const counts = (o: Partial<Parameters<typeof complianceStatus>[2]>) => ({ plannedPrograms: 0, plannedAirings: 0, evidencedPrograms: 0, evidencedAirings: 0, distinctPrograms: 0, ...o });
const end = new Date('2026-12-31T17:00:00Z');

describe('complianceStatus', () => {
  it('is ok once evidence meets the rule, whatever the date', () => {
    expect(complianceStatus(1, undefined, counts({ evidencedPrograms: 1, distinctPrograms: 1 }), end, new Date('2026-12-10T00:00:00Z'))).toBe('ok');
  });
  it('is at risk while the period runs, violated once it is over', () => {
    expect(complianceStatus(1, undefined, counts({ plannedPrograms: 1 }), end, new Date('2026-12-10T00:00:00Z'))).toBe('at_risk');
    expect(complianceStatus(1, undefined, counts({ plannedPrograms: 1 }), end, end)).toBe('violated');
  });
  it('is violated over the maximum ("từ 1 đến 5 tin, bài")', () => {
    expect(complianceStatus(1, 5, counts({ evidencedPrograms: 6, distinctPrograms: 6 }), end, new Date('2026-12-10T00:00:00Z'))).toBe('violated');
  });
});
