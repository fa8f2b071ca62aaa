import type { EntityManager } from 'typeorm';
import type { ComplianceRow } from './compliance';
import { byOwner } from './compliance-order';
import { addDays, zonedInstant } from './planner/local-time';
import { dailyDisplayMinutes, entriesSpan, periodInstances, RuleDefinition } from './planner/rule-definition';

interface Board {
  id: string;
  name: string;
  unit_id: string;
  path: string;
  timezone: string;
  days_off: string[] | null;
}

/**
 * When a board started showing a reported slides entry `e`: its first play.started inside the entry's
 * evidence window, kept on the entry by ingestion (shown_at); NULL for an entry no device reported
 * complete (an operator's confirmation counts the whole entry).
 */
export const SHOWN_FROM = `CASE WHEN e.evidenced_at IS NOT NULL THEN e.shown_at END`;

/**
 * Compliance of display rules: per rule × LED board × period, the minutes of the daily windows (or
 * of its N showings a day) required (days of the period the rule is in force, days off left out), planned (the rule's slides
 * entries, and entries of its slides put by hand) and evidenced (entries the board reported, counted from its play.started). Met by
 * evidence → ok; the period is over and not met → violated; otherwise at risk.
 */
export async function displayCompliance(
  db: EntityManager,
  rules: Array<{ id: string; name: string; definition: RuleDefinition; target: string }>,
  boards: Board[],
  from: string,
  to: string,
  now: Date,
  /** Whose a board was on a day (a merge moves boards; earlier periods stay the former unit's), and the report's scope. */
  ownerOn: (boardId: string, day: string) => { unitId: string; path: string },
  scopePath: string,
): Promise<ComplianceRow[]> {
  const span = entriesSpan(rules.map((r) => r.definition), from, to);
  if (!span || !boards.length) return [];
  const tz = boards[0].timezone;
  const perDay: Array<{ rule_id: string; channel_id: string; day: string; planned_min: number; evidenced_min: number }> = await db.query(
    // the rule's own entries, and slides entries showing its slides put there by hand
    `SELECT r.rule_id, e.channel_id, to_char(e.starts_at AT TIME ZONE b.timezone, 'YYYY-MM-DD') AS day,
            (sum(extract(epoch FROM e.ends_at - e.starts_at)) / 60)::float8 AS planned_min,
            (COALESCE(sum(extract(epoch FROM LEAST(e.ends_at, e.evidenced_at) - GREATEST(e.starts_at, ${SHOWN_FROM})))
               FILTER (WHERE e.evidenced_at IS NOT NULL OR e.status = 'aired'), 0) / 60)::float8 AS evidenced_min
       FROM unnest($2::uuid[], $6::text[]) AS b(id, timezone)
       -- each board's entries through the (channel, time) index, whatever the statistics say
       JOIN LATERAL (
         SELECT s.channel_id, s.rule_id, s.media_asset_id, s.media_asset_ids, s.starts_at, s.ends_at, s.status, s.evidenced_at, s.shown_at
           FROM schedule_entries s
          WHERE s.channel_id = b.id AND s.kind = 'slides' AND s.status IN ('scheduled', 'aired') AND s.starts_at >= $3 AND s.starts_at < $4
         OFFSET 0
       ) e ON true
       JOIN unnest($1::uuid[], $5::text[]) AS r(rule_id, slides)
         ON e.rule_id = r.rule_id OR e.media_asset_ids && r.slides::uuid[] OR e.media_asset_id = ANY (r.slides::uuid[])
      GROUP BY 1, 2, 3`,
    [rules.map((r) => r.id), boards.map((b) => b.id), zonedInstant(span.from, '00:00', tz), zonedInstant(span.to, '00:00', tz), rules.map((r) => `{${(r.definition.match.mediaAssetIds ?? []).join(',')}}`), boards.map((b) => b.timezone)],
  );
  const byKey = new Map(perDay.map((r) => [`${r.rule_id}|${r.channel_id}|${r.day}`, r]));
  const rows: ComplianceRow[] = [];
  for (const rule of rules) {
    const d = rule.definition;
    const windowMinutes = dailyDisplayMinutes(d);
    const ruleRows: Array<{ path: string; name: string; row: ComplianceRow }> = [];
    for (const board of boards) {
      const off = new Set(board.days_off ?? []);
      for (const p of periodInstances(d, from, to)) {
        const owner = ownerOn(board.id, p.start);
        if (!owner.path.startsWith(rule.target) || !owner.path.startsWith(scopePath)) continue;
        let required = 0;
        let planned = 0;
        let evidenced = 0;
        for (let day = p.start; day < p.end; day = addDays(day, 1)) {
          if (off.has(day)) continue;
          required += windowMinutes;
          const c = byKey.get(`${rule.id}|${board.id}|${day}`);
          planned += Math.min(windowMinutes, c?.planned_min ?? 0);
          evidenced += Math.min(windowMinutes, c?.evidenced_min ?? 0);
        }
        const minutes = { required: Math.round(required), planned: Math.round(planned), evidenced: Math.round(evidenced) };
        const ended = now >= zonedInstant(p.end, '00:00', board.timezone);
        ruleRows.push({ path: owner.path, name: board.name, row: {
          ruleId: rule.id, ruleName: rule.name, channelId: board.id, channelName: board.name, unitId: owner.unitId,
          period: p.key, label: p.label, periodStart: p.start, periodEnd: addDays(p.end, -1),
          medium: 'display', minutes,
          required: { programs: 0, maxPrograms: null, airingsPerProgram: 0 },
          planned: { programs: 0, airings: 0 },
          evidenced: { programs: 0, airings: 0 },
          status: minutes.evidenced >= minutes.required ? 'ok' : ended ? 'violated' : 'at_risk',
          planShort: minutes.planned < minutes.required,
        } });
      }
    }
    for (const r of byOwner(ruleRows)) rows.push(r); // (a spread of a country-year's rows overflows the stack)
  }
  return rows;
}
