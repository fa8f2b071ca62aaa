import { periodPresets, periodTitle, reportPeriods } from './report-periods';

describe('report periods', () => {
  // Nghị định 09/2019/NĐ-CP, Điều 12: "Thời gian chốt số liệu trong chế độ báo cáo định kỳ … tính từ ngày
  // 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng thuộc kỳ báo cáo": 6 tháng từ 15/12 năm trước đến
  // 14/6; năm từ 15/12 năm trước đến 14/12.
  it('has the Decree 09/2019 cut-offs as presets', () => {
    const p = new Map(reportPeriods(2026).map((x) => [x.key, x]));
    expect(p.get('2026-nd09-h1')).toMatchObject({ from: '2025-12-15', to: '2026-06-14', titleVi: '6 tháng đầu năm 2026' });
    expect(p.get('2026-nd09-year')).toMatchObject({ from: '2025-12-15', to: '2026-12-14', titleVi: 'năm 2026' });
    expect(p.get('2026-nd09-h1')!.label).toBe('6 tháng đầu năm 2026 theo Nghị định 09/2019 (15/12/2025–14/06/2026)');
  });

  it('has calendar halves and years', () => {
    const p = new Map(reportPeriods(2026).map((x) => [x.key, x]));
    expect([p.get('2026-h1'), p.get('2026-h2'), p.get('2026-year')].map((x) => [x!.from, x!.to])).toEqual([['2026-01-01', '2026-06-30'], ['2026-07-01', '2026-12-31'], ['2026-01-01', '2026-12-31']]);
  });

  it('opens on the calendar half holding today, and offers last year too', () => {
    expect(periodPresets('2026-11-29').current.key).toBe('2026-h2');
    expect(periodPresets('2026-01-01').current.key).toBe('2026-h1');
    expect(periodPresets('2026-06-30').presets.map((p) => p.key)).toContain('2025-nd09-year');
  });

  it('titles a period by its preset, or by its dates', () => {
    expect(periodTitle('2026-07-01', '2026-12-31')).toBe('6 tháng cuối năm 2026');
    expect(periodTitle('2026-03-01', '2026-05-31')).toBe('từ 01/03/2026 đến 31/05/2026');
  });
});
