import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AppError } from '../infrastructure/http/app-error';
import { UnitsService } from '../units/units.service';
import { ComplianceRow, complianceStatus } from './compliance';
import { addDays, zonedInstant } from './planner/local-time';
import { periodInstances, RuleDefinition } from './planner/rule-definition';

/**
 * Compliance per rule × channel × period for a unit subtree and a date range (6-month and yearly
 * views are just ranges). The counting is one SQL aggregate over indexed schedule entries, with
 * periods cut in each channel's local time; the grid of periods and the status are assembled here.
 */
@Injectable()
export class ComplianceService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly units: UnitsService) {}

  async report(actor: Actor, unitId: string, from: string, to: string, now = new Date()): Promise<{ rows: ComplianceRow[]; summary: Record<string, number> }> {
    if (to < from) throw new AppError('VALIDATION_FAILED', {}, [{ field: 'to', codes: ['order'], message: 'to: phải sau hoặc bằng from', messageEn: 'to: must not be before from' }]);
    if (addDays(from, 800) < to) throw new AppError('VALIDATION_FAILED', {}, [{ field: 'to', codes: ['range'], message: 'to: tối đa 800 ngày', messageEn: 'to: at most 800 days' }]);
    const unit = await this.units.get(actor, unitId);

    const channels: Array<{ id: string; name: string; unit_id: string; path: string; timezone: string }> = await this.db.query(
      `SELECT c.id, c.name, c.unit_id, u.path, u.timezone FROM channels c JOIN units u ON u.id = c.unit_id WHERE c.active AND c.kind = 'audio' AND u.path LIKE $1 ORDER BY u.path, c.name`,
      [`${unit.path}%`],
    );
    const counts: Array<{ rule_id: string; channel_id: string; period: string; planned_programs: number; planned_airings: number; evidenced_programs: number; evidenced_airings: number; distinct_programs: number }> = await this.db.query(
      `WITH ch AS (
         -- the scoped channels drive the query, so only their entries are read (index on channel, time)
         SELECT * FROM unnest($1::uuid[], $5::text[], $6::text[]) AS ch(id, path, timezone)
       ), r AS (
         SELECT r.id, r.definition AS d, t.path AS target FROM rules r JOIN units t ON t.id = r.target_unit_id
          WHERE r.active AND ($2 LIKE t.path || '%' OR t.path LIKE $2 || '%')
       ), per_program AS (
         SELECT r.id AS rule_id, e.channel_id, e.program_id,
                CASE r.d->>'period'
                  WHEN 'month' THEN to_char(e.starts_at AT TIME ZONE ch.timezone, 'YYYY-MM')
                  WHEN 'week' THEN to_char(e.starts_at AT TIME ZONE ch.timezone, 'IYYY-"W"IW')
                  WHEN 'quarter' THEN to_char(e.starts_at AT TIME ZONE ch.timezone, 'YYYY-"Q"Q')
                  ELSE (r.d->>'from') || '..' || (r.d->>'to')
                END AS period,
                (r.d->>'minAiringsPerProgram')::int AS need,
                count(*) AS planned,
                -- evidence: an operator's confirmation, or a device's play.completed (unless the operator says missed)
                count(*) FILTER (WHERE e.status = 'aired' OR e.evidenced_at IS NOT NULL) AS evidenced
           FROM r
           JOIN ch ON ch.path LIKE r.target || '%'
           JOIN schedule_entries e ON e.channel_id = ch.id AND e.status IN ('scheduled', 'aired') AND e.program_id IS NOT NULL
                AND e.starts_at >= $3 AND e.starts_at < $4
           JOIN programs p ON p.id = e.program_id
                AND (r.d->'match'->>'seriesId' IS NULL OR p.series_id = (r.d->'match'->>'seriesId')::uuid)
                AND (r.d->'match'->>'tag' IS NULL OR (r.d->'match'->>'tag') = ANY (p.tags))
          WHERE (r.d->>'from' IS NULL OR (e.starts_at AT TIME ZONE ch.timezone)::date >= (r.d->>'from')::date)
            AND (r.d->>'to' IS NULL OR (e.starts_at AT TIME ZONE ch.timezone)::date <= (r.d->>'to')::date)
          GROUP BY 1, 2, 3, 4, 5
       )
       SELECT rule_id, channel_id, period,
              count(*) FILTER (WHERE planned >= need)::int AS planned_programs,
              sum(planned)::int AS planned_airings,
              count(*) FILTER (WHERE evidenced >= need)::int AS evidenced_programs,
              sum(evidenced)::int AS evidenced_airings,
              count(*)::int AS distinct_programs
         FROM per_program GROUP BY 1, 2, 3`,
      [channels.map((c) => c.id), unit.path, zonedInstant(addDays(from, -100), '00:00', unit.timezone), zonedInstant(addDays(to, 100), '00:00', unit.timezone), channels.map((c) => c.path), channels.map((c) => c.timezone)],
    );
    const byKey = new Map(counts.map((c) => [`${c.rule_id}|${c.channel_id}|${c.period}`, c]));

    const rules: Array<{ id: string; name: string; definition: RuleDefinition; target: string }> = await this.db.query(
      `SELECT r.id, r.name, r.definition, t.path AS target FROM rules r JOIN units t ON t.id = r.target_unit_id
        WHERE r.active AND ($1 LIKE t.path || '%' OR t.path LIKE $1 || '%') ORDER BY r.name`,
      [unit.path],
    );

    const rows: ComplianceRow[] = [];
    for (const rule of rules) {
      const d = rule.definition;
      const periods = periodInstances(d, from, to);
      for (const ch of channels.filter((c) => c.path.startsWith(rule.target))) {
        for (const p of periods) {
          const c = byKey.get(`${rule.id}|${ch.id}|${p.key}`);
          const found = {
            plannedPrograms: c?.planned_programs ?? 0,
            plannedAirings: c?.planned_airings ?? 0,
            evidencedPrograms: c?.evidenced_programs ?? 0,
            evidencedAirings: c?.evidenced_airings ?? 0,
            distinctPrograms: c?.distinct_programs ?? 0,
          };
          const end = zonedInstant(p.end, '00:00', ch.timezone);
          rows.push({
            ruleId: rule.id, ruleName: rule.name, channelId: ch.id, channelName: ch.name, unitId: ch.unit_id,
            period: p.key, label: p.label, periodStart: p.start, periodEnd: addDays(p.end, -1),
            required: { programs: d.minPrograms, maxPrograms: d.maxPrograms ?? null, airingsPerProgram: d.minAiringsPerProgram },
            planned: { programs: found.plannedPrograms, airings: found.plannedAirings },
            evidenced: { programs: found.evidencedPrograms, airings: found.evidencedAirings },
            status: complianceStatus(d.minPrograms, d.maxPrograms, found, end, now),
            planShort: found.plannedPrograms < d.minPrograms,
          });
        }
      }
    }
    const summary = { ok: 0, at_risk: 0, violated: 0 };
    for (const r of rows) summary[r.status] += 1;
    return { rows, summary };
  }
}
