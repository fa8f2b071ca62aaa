import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ComplianceStatus } from '../schedule/compliance';
import { addDays, zonedInstant } from '../schedule/planner/local-time';
import { SHOWN_FROM } from '../schedule/display-compliance';
import { dailyDisplayMinutes } from '../schedule/planner/rule-definition';
import type { Campaign } from './campaign.entity';

export interface CampaignUnitRow {
  unitId: string;
  unitName: string;
  unitPath: string;
  channels: Array<{ id: string; name: string; kind: 'audio' | 'display' }>;
  /** Loudspeakers: each program × each channel needs `need` airings; counts are capped at `need`. */
  audio: { required: number; planned: number; evidenced: number; airingsPlanned: number; airingsEvidenced: number; status: ComplianceStatus; planShort: boolean } | null;
  /** LED boards: minutes of the daily windows (or of the N showings a day) over the campaign's days, planned and evidenced. */
  display: { requiredMinutes: number; plannedMinutes: number; evidencedMinutes: number; status: ComplianceStatus; planShort: boolean } | null;
  status: ComplianceStatus;
}

export interface CampaignCompliance {
  campaignId: string;
  startsOn: string;
  endsOn: string;
  units: CampaignUnitRow[];
  summary: Record<ComplianceStatus, number>;
}

const RANK: Record<ComplianceStatus, number> = { ok: 0, at_risk: 1, violated: 2 };

/**
 * A campaign's compliance per unit that has loudspeakers or LED boards in its target: airings of its
 * programs (planned, evidenced by a device or an operator) and minutes of its slides on the boards
 * (planned; evidenced = a board reported the entry shown, counted from when it started showing it).
 */
@Injectable()
export class CampaignComplianceService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(c: Campaign, now = new Date()): Promise<CampaignCompliance> {
    const channels: Array<{ id: string; name: string; kind: 'audio' | 'display'; unit_id: string; unit_name: string; path: string; timezone: string; days_off: string[] }> = await this.db.query(
      `SELECT ch.id, ch.name, ch.kind, u.id AS unit_id, u.name AS unit_name, u.path, u.timezone, to_json(ch.days_off) AS days_off
         FROM channels ch JOIN units u ON u.id = ch.unit_id JOIN units t ON t.id = $1
        WHERE ch.active AND u.path LIKE t.path || '%' ORDER BY u.path, ch.name`,
      [c.targetUnitId],
    );
    const tz = channels[0]?.timezone ?? 'Asia/Ho_Chi_Minh';
    const from = zonedInstant(c.startsOn, '00:00', tz);
    const to = zonedInstant(addDays(c.endsOn, 1), '00:00', tz);
    const audioIds = channels.filter((ch) => ch.kind === 'audio').map((ch) => ch.id);
    const boardIds = channels.filter((ch) => ch.kind === 'display').map((ch) => ch.id);
    // airings of the campaign's programs on each loudspeaker, whoever placed them
    const airings: Array<{ channel_id: string; program_id: string; planned: number; evidenced: number }> = c.audio && audioIds.length
      ? await this.db.query(
          `SELECT channel_id, program_id, count(*)::int AS planned, count(*) FILTER (WHERE status = 'aired' OR evidenced_at IS NOT NULL)::int AS evidenced
             FROM schedule_entries
            WHERE channel_id = ANY($1::uuid[]) AND program_id = ANY($2::uuid[]) AND status IN ('scheduled', 'aired') AND starts_at >= $3 AND starts_at < $4
            GROUP BY 1, 2`,
          [audioIds, c.audio.programIds, from, to],
        )
      : [];
    // the campaign's slides on each board, clipped to its dates; evidence from the board's own report
    const showings: Array<{ channel_id: string; planned_min: number; evidenced_min: number }> = c.display && boardIds.length
      ? await this.db.query(
          `SELECT e.channel_id,
                  (sum(extract(epoch FROM LEAST(e.ends_at, $4) - GREATEST(e.starts_at, $3))) / 60)::float8 AS planned_min,
                  (COALESCE(sum(extract(epoch FROM LEAST(e.ends_at, $4, e.evidenced_at) - GREATEST(e.starts_at, $3, COALESCE(${SHOWN_FROM}, e.starts_at))))
                     FILTER (WHERE e.evidenced_at IS NOT NULL OR e.status = 'aired'), 0) / 60)::float8 AS evidenced_min
             FROM schedule_entries e
            WHERE e.channel_id = ANY($1::uuid[]) AND e.kind = 'slides' AND e.status IN ('scheduled', 'aired')
              AND (e.media_asset_ids && $2::uuid[] OR e.media_asset_id = ANY($2::uuid[])) AND e.starts_at < $4 AND e.ends_at > $3
            GROUP BY 1`,
          [boardIds, c.display.mediaAssetIds, from, to],
        )
      : [];
    const ended = now >= to;
    const need = c.audio?.minAiringsPerProgram ?? 0;
    const windowMinutes = c.display ? dailyDisplayMinutes(c.display) : 0;
    const days: string[] = [];
    for (let d = c.startsOn; d <= c.endsOn; d = addDays(d, 1)) days.push(d);

    const byUnit = new Map<string, CampaignUnitRow>();
    for (const ch of channels) {
      let row = byUnit.get(ch.unit_id);
      if (!row) {
        row = { unitId: ch.unit_id, unitName: ch.unit_name, unitPath: ch.path, channels: [], audio: null, display: null, status: 'ok' };
        byUnit.set(ch.unit_id, row);
      }
      row.channels.push({ id: ch.id, name: ch.name, kind: ch.kind });
      if (ch.kind === 'audio' && c.audio) {
        const a = (row.audio ??= { required: 0, planned: 0, evidenced: 0, airingsPlanned: 0, airingsEvidenced: 0, status: 'ok', planShort: false });
        a.required += c.audio.programIds.length * need;
        for (const x of airings.filter((r) => r.channel_id === ch.id)) {
          a.planned += Math.min(need, x.planned);
          a.evidenced += Math.min(need, x.evidenced);
          a.airingsPlanned += x.planned;
          a.airingsEvidenced += x.evidenced;
        }
      }
      if (ch.kind === 'display' && c.display) {
        const d = (row.display ??= { requiredMinutes: 0, plannedMinutes: 0, evidencedMinutes: 0, status: 'ok', planShort: false });
        const off = new Set(ch.days_off ?? []);
        const required = days.filter((x) => !off.has(x)).length * windowMinutes;
        const s = showings.find((r) => r.channel_id === ch.id);
        d.requiredMinutes += required;
        d.plannedMinutes += Math.min(required, Math.round(s?.planned_min ?? 0));
        d.evidencedMinutes += Math.min(required, Math.round(s?.evidenced_min ?? 0));
      }
    }
    const summary: Record<ComplianceStatus, number> = { ok: 0, at_risk: 0, violated: 0 };
    const units = [...byUnit.values()].filter((r) => r.audio || r.display);
    for (const r of units) {
      if (r.audio) Object.assign(r.audio, judge(r.audio.required, r.audio.planned, r.audio.evidenced, ended));
      if (r.display) Object.assign(r.display, judge(r.display.requiredMinutes, r.display.plannedMinutes, r.display.evidencedMinutes, ended));
      r.status = [r.audio?.status, r.display?.status].filter((s): s is ComplianceStatus => !!s).reduce<ComplianceStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');
      summary[r.status] += 1;
    }
    return { campaignId: c.id, startsOn: c.startsOn, endsOn: c.endsOn, units, summary };
  }
}

/** Met by evidence → ok; the campaign is over and not met → violated; otherwise at risk (planShort: even the plan falls short). */
function judge(required: number, planned: number, evidenced: number, ended: boolean): { status: ComplianceStatus; planShort: boolean } {
  const status: ComplianceStatus = evidenced >= required ? 'ok' : ended ? 'violated' : 'at_risk';
  return { status, planShort: planned < required };
}
