import type { ComplianceRow } from '../schedule/compliance';
import { monthLabelVi, monthSummary, unitSummary } from './report-summary';

const row = (unitId: string, periodStart: string, status: ComplianceRow['status'], channelId = `c-${unitId}`): ComplianceRow => ({
  ruleId: 'r1',
  ruleName: 'Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần',
  channelId,
  channelName: channelId,
  unitId,
  period: 'month',
  label: periodStart.slice(0, 7),
  periodStart,
  periodEnd: periodStart,
  required: { programs: 1, maxPrograms: null, airingsPerProgram: 3 },
  planned: { programs: 1, airings: 3 },
  evidenced: { programs: 1, airings: status === 'ok' ? 3 : 1 },
  status,
  planShort: false,
});

describe('report summaries', () => {
  it('counts per month the rows by status and the communes meeting every rule', () => {
    const rows = [
      row('xa-a', '2026-01-01', 'ok'),
      row('xa-a', '2026-01-01', 'violated', 'c-a-2'), // a second channel of xa-a fails: xa-a is not compliant in January
      row('xa-b', '2026-01-01', 'ok'),
      row('xa-a', '2026-02-01', 'ok'),
      row('xa-b', '2026-02-01', 'at_risk'),
    ];
    expect(monthSummary(rows)).toEqual([
      { month: '2026-01', rows: 3, ok: 2, atRisk: 0, violated: 1, share: 2 / 3, units: 2, unitsOk: 1, unitShare: 0.5 },
      { month: '2026-02', rows: 2, ok: 1, atRisk: 1, violated: 0, share: 0.5, units: 2, unitsOk: 1, unitShare: 0.5 },
    ]);
  });

  it('calls a unit compliant over the period only when every row is met', () => {
    const rows = [row('xa-a', '2026-01-01', 'ok'), row('xa-a', '2026-02-01', 'ok'), row('xa-b', '2026-01-01', 'ok'), row('xa-b', '2026-02-01', 'violated')];
    expect(unitSummary(rows)).toEqual([
      { unitId: 'xa-a', rows: 2, ok: 2, share: 1, compliant: true },
      { unitId: 'xa-b', rows: 2, ok: 1, share: 0.5, compliant: false },
    ]);
    expect(monthSummary([])).toEqual([]);
    expect(monthLabelVi('2026-03')).toBe('Tháng 3/2026');
  });
});
