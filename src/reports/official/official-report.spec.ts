import type { ComplianceRow } from '../../schedule/compliance';
import { buildOfficialReport, deviceCell, reportStatus } from './official-report';

const TZ = 'Asia/Ho_Chi_Minh';
const row = (over: Partial<ComplianceRow>): ComplianceRow => ({
  ruleId: 'r1', ruleName: 'Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần', channelId: 'c1', channelName: 'Đài xã', unitId: 'u1',
  period: '2026-05', label: 'Tháng 5/2026', periodStart: '2026-05-01', periodEnd: '2026-05-31',
  required: { programs: 1, maxPrograms: null, airingsPerProgram: 4 }, planned: { programs: 1, airings: 4 }, evidenced: { programs: 0, airings: 0 },
  status: 'at_risk', planShort: false, ...over,
});

describe('official report', () => {
  it('reads a period that has not ended as scheduled or in progress, and at risk only when the days left cannot meet it', () => {
    const mid = new Date('2026-05-20T05:00:00Z');
    expect(reportStatus(row({}), { maxAiringsPerDay: 1 }, mid, TZ)).toBe('scheduled');
    // 4 airings missing, 12 days left at one a day: still possible
    expect(reportStatus(row({ planShort: true, planned: { programs: 0, airings: 1 } }), { maxAiringsPerDay: 1 }, mid, TZ)).toBe('in_progress');
    // 4 missing, 2 days left (30 and 31 May) at one a day: cannot
    expect(reportStatus(row({ planShort: true }), { maxAiringsPerDay: 1 }, new Date('2026-05-30T01:00:00Z'), TZ)).toBe('at_risk');
    expect(reportStatus(row({ status: 'violated' }), {}, new Date('2026-06-01T00:00:00Z'), TZ)).toBe('not_met');
    expect(reportStatus(row({ status: 'ok' }), {}, mid, TZ)).toBe('met');
    // a board: 960 minutes a day; 1,000 minutes missing with 2 days left is possible, 2,000 is not
    const board = (evidenced: number) => row({ medium: 'display', planShort: true, minutes: { required: 960 * 31, planned: 0, evidenced } });
    expect(reportStatus(board(960 * 31 - 1000), { dailyMinutes: 960 }, new Date('2026-05-30T01:00:00Z'), TZ)).toBe('in_progress');
    expect(reportStatus(board(960 * 31 - 2000), { dailyMinutes: 960 }, new Date('2026-05-30T01:00:00Z'), TZ)).toBe('at_risk');
  });

  it('groups by rule and commune, tallies how airings were confirmed, and sums it up in Vietnamese', () => {
    const rows = [
      row({ status: 'ok', evidenced: { programs: 1, airings: 4 } }),
      row({ status: 'violated', unitId: 'u2', channelId: 'c2', planned: { programs: 1, airings: 3 }, evidenced: { programs: 0, airings: 2 } }),
      row({ status: 'at_risk', unitId: 'u2', channelId: 'c2', period: '2026-06', periodStart: '2026-06-01', periodEnd: '2026-06-30' }),
    ];
    const report = buildOfficialReport({
      unit: { name: 'Huyện Quan Sơn', parentName: 'Tỉnh Thanh Hóa', timezone: TZ },
      from: '2026-01-01', to: '2026-06-30', now: new Date('2026-06-10T03:00:00Z'),
      header: { number: 'Số: 12/BC-UBND', signerName: 'Lê Văn B', recipients: ['Sở Văn hóa, Thể thao và Du lịch'] },
      preparer: { name: 'Nguyễn Thị A', title: 'Chuyên viên Phòng Văn hóa và Thông tin' },
      rows, capacity: new Map([['r1', { maxAiringsPerDay: 1 }]]),
      tallies: [
        { ruleId: 'r1', channelId: 'c1', byDevice: 3, byOperator: 1, missed: 0, reasons: [], madeUp: 0 },
        { ruleId: 'r1', channelId: 'c2', byDevice: 0, byOperator: 2, missed: 1, reasons: ['Mất điện'], madeUp: 0 },
      ],
      unitNames: new Map([['u1', 'Xã Sơn Điện'], ['u2', 'Xã Mường Mìn']]),
    });
    expect(report).toMatchObject({
      parentBody: 'TỈNH THANH HÓA', issuingBody: 'UBND HUYỆN QUAN SƠN', number: 'Số: 12/BC-UBND', placeAndDate: 'Quan Sơn, ngày 10 tháng 6 năm 2026',
      subtitle: 'Kết quả thực hiện quy định phát lại trên hệ thống thông tin cơ sở 6 tháng đầu năm 2026', signerTitle: 'CHỦ TỊCH',
      preparer: 'Nguyễn Thị A, Chuyên viên Phòng Văn hóa và Thông tin', recipients: ['Sở Văn hóa, Thể thao và Du lịch', 'Lưu: VT'],
    });
    expect(report.sections).toHaveLength(1);
    expect(report.sections[0].requirement).toBe('1 chương trình × 4 lượt phát mỗi tháng trên mỗi đài');
    expect(report.sections[0].rows).toEqual([
      expect.objectContaining({ commune: 'Xã Mường Mìn', required: 8, planned: 7, evidenced: 2, byDevice: 0, byOperator: 2, missed: 1, reasons: ['Mất điện'], periods: 2, periodsMet: 0, status: 'not_met' }),
      expect.objectContaining({ commune: 'Xã Sơn Điện', required: 4, planned: 4, byDevice: 3, byOperator: 1, periods: 1, periodsMet: 1, status: 'met' }),
    ]);
    expect(report.summary).toEqual([
      'Trong kỳ báo cáo (từ 01/01/2026 đến 30/06/2026), Huyện Quan Sơn theo dõi 2 đơn vị với 2 đài truyền thanh, thực hiện 1 quy định phát lại.',
      'Các đài đã phát 6 lượt theo quy định, trong đó 3 lượt do thiết bị xác nhận và 3 lượt do người vận hành xác nhận; 1 lượt không phát được (mất điện), 0 lượt đã được phát bù.',
      '1/2 đơn vị đạt mọi quy định trong kỳ. Chưa đạt: Xã Mường Mìn.',
    ]);
  });

  it('says, per commune and in the summary, how many airings the monitors verified acoustically', () => {
    const report = buildOfficialReport({
      unit: { name: 'Huyện Quan Sơn', parentName: 'Tỉnh Thanh Hóa', timezone: TZ },
      from: '2026-01-01', to: '2026-06-30', now: new Date('2026-07-10T03:00:00Z'), header: {},
      preparer: { name: 'Nguyễn Thị A', title: null },
      rows: [row({ status: 'ok', evidenced: { programs: 1, airings: 4 } }), row({ status: 'ok', unitId: 'u2', channelId: 'c2', evidenced: { programs: 1, airings: 4 } })],
      capacity: new Map([['r1', { maxAiringsPerDay: 1 }]]),
      tallies: [
        { ruleId: 'r1', channelId: 'c1', byDevice: 4, byOperator: 0, verified: 3, notHeard: 1, missed: 0, reasons: [], madeUp: 0 },
        { ruleId: 'r1', channelId: 'c2', byDevice: 4, byOperator: 0, missed: 0, reasons: [], madeUp: 0 },
      ],
      unitNames: new Map([['u1', 'Xã Sơn Điện'], ['u2', 'Xã Mường Mìn']]),
    });
    const [muongMin, sonDien] = report.sections[0].rows;
    expect(deviceCell(sonDien)).toBe('4 (xác thực âm thanh 3/4 — 75 %)');
    expect(deviceCell(muongMin)).toBe('4'); // no monitor there
    expect(report.summary[1]).toBe('Các đài đã phát 8 lượt theo quy định, trong đó 8 lượt do thiết bị xác nhận và 0 lượt do người vận hành xác nhận; micro giám sát xác thực bằng âm thanh 3 lượt (38 % số lượt đã phát), 1 lượt thiết bị báo đã phát nhưng micro không nghe thấy; không có lượt nào bị bỏ lỡ.');
  });
});
