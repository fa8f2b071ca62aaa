import { csvCell } from '../reports/report-meta';
import type { Campaign } from './campaign.entity';
import type { CampaignCompliance } from './campaign-compliance';

const STATUS = { ok: 'đạt', at_risk: 'chưa đủ bằng chứng', violated: 'không đạt' } as const;

/** The campaign's report per unit, as a district sends it (UTF-8 with BOM so Excel reads Vietnamese). */
export function campaignCsv(c: Campaign, r: CampaignCompliance): string {
  const header = ['chiến dịch', 'từ ngày', 'đến ngày', 'đơn vị', 'lượt phát yêu cầu', 'lượt phát đã xếp', 'lượt phát có bằng chứng', 'phút trình chiếu yêu cầu', 'phút đã xếp', 'phút có bằng chứng', 'đánh giá'];
  const lines = r.units.map((u) =>
    [c.name, c.startsOn, c.endsOn, u.unitName, u.audio?.required, u.audio?.planned, u.audio?.evidenced, u.display?.requiredMinutes, u.display?.plannedMinutes, u.display?.evidencedMinutes, STATUS[u.status]].map(csvCell).join(','),
  );
  return '\uFEFF' + [header.join(','), ...lines].join('\r\n') + '\r\n';
}
