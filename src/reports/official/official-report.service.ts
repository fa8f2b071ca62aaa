import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../auth/actor';
import { ComplianceService } from '../../schedule/compliance.service';
import { addDays, localDate, zonedInstant } from '../../schedule/planner/local-time';
import { dailyDisplayMinutes, RuleDefinition } from '../../schedule/planner/rule-definition';
import { UnitsService } from '../../units/units.service';
import type { OfficialReportDto } from '../dto/official-report.dto';
import { officialDocx } from './official-docx';
import { officialPdf } from './official-pdf';
import type { ComplianceRow } from '../../schedule/compliance';
import { buildOfficialReport, EntryTally, ReportStatus, reportStatus, RuleCapacity } from './official-report';
import { periodPresets } from './report-periods';

/**
 * Loads what the official report needs — compliance, how each airing was confirmed, the rules'
 * limits and campaigns, who prepares it — and hands it to the pure builder and the writers.
 */
@Injectable()
export class OfficialReportService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly compliance: ComplianceService, private readonly units: UnitsService) {}

  async periods(actor: Actor, unitId: string | undefined, now = new Date()) {
    const zone = unitId ? (await this.units.get(actor, unitId)).timezone : 'Asia/Ho_Chi_Minh';
    return periodPresets(localDate(now, zone));
  }

  async render(actor: Actor, dto: OfficialReportDto, now = new Date()): Promise<{ name: string; type: string; body: Buffer }> {
    const unit = await this.units.get(actor, dto.unitId);
    const { rows } = await this.compliance.report(actor, dto.unitId, dto.from, dto.to, now);
    const [parent] = unit.parentId ? await this.db.query(`SELECT name FROM units WHERE id = $1`, [unit.parentId]) : [];
    const ruleIds = [...new Set(rows.map((r) => r.ruleId))];
    const capacity = await this.capacities(ruleIds);
    const names: Array<{ id: string; name: string }> = await this.db.query(`SELECT id, name FROM units WHERE id = ANY($1::uuid[])`, [[...new Set(rows.map((r) => r.unitId))]]);
    const [preparer]: Array<{ display_name: string; job_title: string | null }> = await this.db.query(`SELECT display_name, job_title FROM users WHERE id = $1`, [actor.id]);
    const report = buildOfficialReport({
      unit: { name: unit.name, parentName: parent?.name ?? null, timezone: unit.timezone },
      from: dto.from, to: dto.to, now,
      header: dto,
      preparer: { name: preparer?.display_name ?? actor.username, title: preparer?.job_title ?? null },
      rows, capacity,
      tallies: await this.tallies(unit.path, ruleIds, zonedInstant(dto.from, '00:00', unit.timezone), zonedInstant(addDays(dto.to, 1), '00:00', unit.timezone)),
      unitNames: new Map(names.map((n) => [n.id, n.name])),
    });
    const name = `bao-cao-${dto.from}-${dto.to}`;
    return dto.format === 'pdf'
      ? { name: `${name}.pdf`, type: 'application/pdf', body: await officialPdf(report) }
      : { name: `${name}.docx`, type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', body: await officialDocx(report) };
  }

  /** How each compliance row reads to people (report statuses), the rules' limits loaded once. */
  async statusReader(rows: ComplianceRow[], timezone: string, now: Date): Promise<(row: ComplianceRow) => ReportStatus> {
    const capacity = await this.capacities([...new Set(rows.map((r) => r.ruleId))]);
    return (row) => reportStatus(row, capacity.get(row.ruleId) ?? {}, now, timezone);
  }

  /** What each rule allows a day (for "can the days left still meet it"), and its campaign. */
  async capacities(ruleIds: string[]): Promise<Map<string, RuleCapacity>> {
    const rules: Array<{ id: string; definition: RuleDefinition; campaign: string | null }> = await this.db.query(
      `SELECT r.id, r.definition, k.name AS campaign FROM rules r LEFT JOIN campaigns k ON r.id IN (k.audio_rule_id, k.display_rule_id) WHERE r.id = ANY($1::uuid[])`,
      [ruleIds],
    );
    return new Map<string, RuleCapacity>(rules.map((r) => [r.id, {
      maxAiringsPerDay: r.definition.maxAiringsPerDay, dailyMinutes: r.definition.medium === 'display' ? dailyDisplayMinutes(r.definition) : undefined, campaign: r.campaign,
    }]));
  }

  /**
   * Per rule and loudspeaker: airings the devices evidenced, those an operator confirmed without
   * evidence, those a monitor heard (verified acoustically) or did not, the missed ones with their reasons, and make-ups that aired. An airing counts for a
   * rule it was planned for, or — placed by hand — whose series, tag or programs it carries.
   */
  private async tallies(path: string, ruleIds: string[], from: Date, to: Date): Promise<EntryTally[]> {
    if (!ruleIds.length) return [];
    const rows: Array<{ rule_id: string; channel_id: string; by_device: number; by_operator: number; verified: number; not_heard: number; missed: number; reasons: string[]; made_up: number }> = await this.db.query(
      `WITH r AS (
         SELECT id, (definition->'match'->>'seriesId')::uuid AS series_id, definition->'match'->>'tag' AS tag,
                CASE WHEN definition->'match' ? 'programIds' THEN ARRAY(SELECT jsonb_array_elements_text(definition->'match'->'programIds'))::uuid[] END AS program_ids
           FROM rules WHERE id = ANY($2::uuid[]) AND COALESCE(definition->>'medium', 'audio') = 'audio')
       SELECT r.id AS rule_id, e.channel_id,
              count(*) FILTER (WHERE e.evidenced_at IS NOT NULL)::int AS by_device,
              count(*) FILTER (WHERE e.evidenced_at IS NULL AND e.status = 'aired')::int AS by_operator,
              count(*) FILTER (WHERE e.acoustic = 'heard')::int AS verified,
              count(*) FILTER (WHERE e.acoustic IN ('not-heard', 'silent'))::int AS not_heard,
              count(*) FILTER (WHERE e.status = 'missed')::int AS missed,
              COALESCE(array_agg(DISTINCT e.missed_reason) FILTER (WHERE e.status = 'missed' AND e.missed_reason IS NOT NULL), '{}') AS reasons,
              count(*) FILTER (WHERE e.makes_up_entry_id IS NOT NULL AND (e.status = 'aired' OR e.evidenced_at IS NOT NULL))::int AS made_up
         FROM schedule_entries e
         JOIN channels c ON c.id = e.channel_id JOIN units u ON u.id = c.unit_id
         JOIN programs p ON p.id = e.program_id
         JOIN r ON e.rule_id = r.id OR (e.rule_id IS NULL AND (p.series_id = r.series_id OR r.tag = ANY(p.tags) OR p.id = ANY(r.program_ids)))
        WHERE u.path LIKE $1 AND e.kind = 'airing' AND e.status IN ('scheduled', 'aired', 'missed') AND e.starts_at >= $3 AND e.starts_at < $4
        GROUP BY 1, 2`,
      [`${path}%`, ruleIds, from, to],
    );
    return rows.map((x) => ({ ruleId: x.rule_id, channelId: x.channel_id, byDevice: x.by_device, byOperator: x.by_operator, verified: x.verified, notHeard: x.not_heard, missed: x.missed, reasons: x.reasons, madeUp: x.made_up }));
  }
}
