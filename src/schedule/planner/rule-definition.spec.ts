import { entriesSpan, periodInstances, RuleDefinition, validateRuleDefinition } from './rule-definition';

// 003_…txt: "Xây dựng Chuyên mục phát thanh về chuyển đổi số, mỗi tháng 01 Chương trình và phát lại ít nhất 03 lần/tháng."
const R1: RuleDefinition = { match: { seriesId: 'cds' }, period: 'month', minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 };
// 004_…txt: "01 bài/tuần. Thời gian bắt đầu tuyên truyền từ tháng 11 đến hết tháng 12/2024."
const R4_WEEKLY: RuleDefinition = { match: { tag: 'de-an:thuc-trang' }, period: 'week', from: '2024-11-01', to: '2024-12-31', minPrograms: 1, minAiringsPerProgram: 1 };

describe('rule definitions', () => {
  it('accepts the seeds’ rules', () => {
    expect(validateRuleDefinition(R1)).toEqual([]);
    expect(validateRuleDefinition(R4_WEEKLY)).toEqual([]);
    expect(validateRuleDefinition({ match: { tag: 'nhiem-vu:3' }, period: 'range', from: '2024-11-01', to: '2025-12-31', minPrograms: 1, maxPrograms: 5, minAiringsPerProgram: 1 })).toEqual([]);
  });

  it('names every bad field in Vietnamese', () => {
    const problems = validateRuleDefinition({
      match: {},
      period: 'fortnight' as never,
      from: '2024-02-30',
      minPrograms: -1,
      maxPrograms: 0,
      minAiringsPerProgram: 0,
      maxAiringsPerDay: 100,
      allowedWindows: [{ start: '18:00', end: '06:00' }],
    });
    expect(problems.map((p) => p.field)).toEqual(['match', 'period', 'from', 'minPrograms', 'maxPrograms', 'minAiringsPerProgram', 'maxAiringsPerDay', 'allowedWindows.0']);
    expect(problems[0].message).toBe('match: cần chọn chuyên mục, nhãn hoặc danh sách chương trình');
    expect(validateRuleDefinition({ ...R1, period: 'range' }).map((p) => p.field)).toEqual(['to']);
    expect(validateRuleDefinition({ ...R1, period: 'week', minAiringsPerProgram: 8, maxAiringsPerDay: 1 })[0].message).toContain('tối đa 7 lượt');
  });

  it('cuts a year into calendar months, and weeks into ISO weeks clipped to the rule’s dates', () => {
    const months = periodInstances(R1, '2026-01-01', '2026-12-31');
    expect(months.map((p) => p.key)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(months[11]).toEqual({ key: '2026-12', start: '2026-12-01', end: '2027-01-01', label: 'tháng 12/2026', labelEn: '2026-12' });
    const weeks = periodInstances(R4_WEEKLY, '2024-10-01', '2025-01-31');
    expect(weeks[0]).toMatchObject({ key: '2024-W44', start: '2024-11-01', end: '2024-11-04' });
    expect(weeks[weeks.length - 1]).toMatchObject({ key: '2025-W01', start: '2024-12-30', end: '2025-01-01' });
    expect(weeks).toHaveLength(10);
    expect(periodInstances(R4_WEEKLY, '2025-02-01', '2025-03-01')).toEqual([]);
    expect(periodInstances({ ...R1, period: 'quarter' }, '2026-11-15', '2026-11-20')[0]).toMatchObject({ key: '2026-Q4', start: '2026-10-01', end: '2027-01-01', label: 'quý 4/2026' });
  });

  it('reads the entries of the rules’ periods only: a month report does not read the months around it', () => {
    // a month: its own days, and a day on each side for channels in another time zone
    expect(entriesSpan([R1], '2026-11-01', '2026-11-30')).toEqual({ from: '2026-10-31', to: '2026-12-02' });
    // weeks reaching past the range (Mon 26 Oct .. Sun 6 Dec): their whole weeks; the union over rules
    expect(entriesSpan([R1, { ...R1, period: 'week' }], '2026-11-01', '2026-11-30')).toEqual({ from: '2026-10-25', to: '2026-12-08' });
    // a rule over a range counts the whole range, whatever part of it the report shows
    expect(entriesSpan([{ ...R1, period: 'range', from: '2026-10-15', to: '2026-12-15' }], '2026-11-01', '2026-11-30')).toEqual({ from: '2026-10-14', to: '2026-12-17' });
    // a new item each period: the program's earlier periods too
    expect(entriesSpan([{ ...R1, freshEachPeriod: true }], '2026-11-01', '2026-11-30')!.from).toBe('2026-07-23');
    // no rule in force in the range: nothing to read
    expect(entriesSpan([R4_WEEKLY], '2025-02-01', '2025-03-01')).toBeNull();
    expect(entriesSpan([], '2025-02-01', '2025-03-01')).toBeNull();
  });
});
