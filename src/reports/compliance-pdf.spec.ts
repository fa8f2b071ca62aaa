import type { ComplianceRow } from '../schedule/compliance';
import { compliancePdf } from './compliance-pdf';
import { pagesOf } from '../../test/support/pdf-pages';


const rows: ComplianceRow[] = Array.from({ length: 120 }, (_, i) => ({
  ruleId: 'r1',
  ruleName: 'Mỗi tháng 01 chương trình chuyên mục chuyển đổi số, phát lại ít nhất 03 lần trên hệ thống truyền thanh cơ sở',
  channelId: `c${i % 40}`,
  channelName: `Đài truyền thanh xã số ${i % 40}`,
  unitId: `u${i % 40}`,
  period: 'month',
  label: `Tháng ${1 + Math.floor(i / 40)}/2026`,
  periodStart: `2026-0${1 + Math.floor(i / 40)}-01`,
  periodEnd: `2026-0${1 + Math.floor(i / 40)}-28`,
  required: { programs: 1, maxPrograms: null, airingsPerProgram: 3 },
  planned: { programs: 1, airings: 3 },
  evidenced: { programs: 1, airings: i % 4 },
  status: i % 4 === 3 ? 'ok' : 'violated',
  planShort: false,
}));
const meta = {
  unitName: 'Tỉnh Thanh Hóa',
  from: '2026-01-01',
  to: '2026-03-31',
  generatedAt: new Date('2026-04-01T01:30:00Z'),
  timeZone: 'Asia/Ho_Chi_Minh',
  unitNames: new Map(Array.from({ length: 40 }, (_, i) => [`u${i}`, `Xã số ${i}`])),
};

describe('compliance PDF', () => {
  it('breaks a long table across numbered pages with the header on each, in Vietnamese, in the unit’s time zone', async () => {
    const pages = await pagesOf(await compliancePdf(meta, rows));
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((text, i) => expect(text).toContain(`Trang ${i + 1}/${pages.length}`));
    expect(pages[0]).toContain('Báo cáo thực hiện quy định phát lại — Tỉnh Thanh Hóa');
    expect(pages[0]).toContain('01/04/2026 08:30 (Asia/Ho_Chi_Minh)');
    expect(pages[0]).toContain('Đơn vị đạt mọi quy định: 10/40');
    expect(pages[0]).toContain('Tỷ lệ đơn vị đạt mọi quy định theo tháng');
    // every page after the first that carries detail rows starts them under the repeated header
    const detailPages = pages.filter((p) => p.includes('Đài truyền thanh xã số'));
    expect(detailPages.length).toBeGreaterThan(2);
    for (const p of detailPages) expect(p).toMatch(/Quy định\s+Đơn vị\s+Kênh\s+Kỳ\s+Yêu cầu\s+Đã lập lịch\s+Bằng chứng\s+Trạng thái/);
    // every row is there once: 120 statuses
    expect(pages.join(' ').match(/Không đạt|Đạt(?! mọi)/g)!.length).toBeGreaterThanOrEqual(120);
  });

  it('says so when no rule applies', async () => {
    const [page] = await pagesOf(await compliancePdf(meta, []));
    expect(page).toContain('Không có quy định nào áp dụng cho đơn vị trong kỳ này.');
    expect(page).toContain('Trang 1/1');
  });
});
