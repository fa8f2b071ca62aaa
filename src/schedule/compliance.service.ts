import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { UnitsService } from '../units/units.service';
import { checkDateRange } from './date-range';
import { ComplianceRow, complianceStatus } from './compliance';
import { addDays, zonedInstant } from './planner/local-time';
import { entriesSpan, isDisplayRule, periodInstances, RuleDefinition } from './planner/rule-definition';
import { displayCompliance } from './display-compliance';
import { byOwner } from './compliance-order';
import { countAirings, pick } from './airing-counts';

/** Channels that belonged to a unit under $1 until after $2 (a local date): moved away by a merge since. */
const HISTORY_IN_SCOPE = `SELECT h.channel_id FROM channel_unit_history h JOIN units hu ON hu.id = h.unit_id WHERE hu.path LIKE $1 AND h.until > $2::date`;

/**
 * Whose each channel was on a given local day: its unit now, or — before a merge moved it — the unit
 * its history row names (the first `until` after the day).
 */
export async function channelUnits(db: EntityManager, channels: Array<{ id: string; unit_id: string; path: string }>) {
  const history: Array<{ channelId: string; unitId: string; path: string; until: string }> = channels.length
    ? await db.query(
        `SELECT h.channel_id AS "channelId", h.unit_id AS "unitId", u.path, to_char(h.until, 'YYYY-MM-DD') AS until
           FROM channel_unit_history h JOIN units u ON u.id = h.unit_id WHERE h.channel_id = ANY($1::uuid[]) ORDER BY h.until`,
        [channels.map((c) => c.id)],
      )
    : [];
  const now = new Map(channels.map((c) => [c.id, { unitId: c.unit_id, path: c.path }]));
  return {
    history,
    on(channelId: string, day: string): { unitId: string; path: string } {
      const h = history.find((x) => x.channelId === channelId && day < x.until);
      return h ? { unitId: h.unitId, path: h.path } : now.get(channelId)!;
    },
  };
}

/**
 * Compliance per rule × channel × period for a unit subtree and a date range (6-month and yearly
 * views are just ranges). The loudspeakers' airings are counted by one SQL aggregate (airing-counts.ts),
 * the LED boards' minutes by another (display-compliance.ts); the grid of periods and the status are
 * assembled here.
 */
@Injectable()
export class ComplianceService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly units: UnitsService) {}

  async report(actor: Actor, unitId: string, from: string, to: string, now = new Date()): Promise<{ rows: ComplianceRow[]; summary: Record<string, number> }> {
    checkDateRange(from, to, 800);
    const unit = await this.units.get(actor, unitId);

    // the unit's loudspeakers and LED boards now, and those that were its own before a merge moved them
    // (the channels and the rules are read side by side: one round trip's wait, not two)
    const channelsRead: Promise<Array<{ id: string; name: string; kind: string; unit_id: string; path: string; timezone: string; monitored: boolean; days_off: string[] | null }>> = this.db.query(
      `SELECT c.id, c.name, c.kind, c.unit_id, u.path, u.timezone, to_json(c.days_off) AS days_off,
              c.kind = 'audio' AND EXISTS (SELECT 1 FROM devices d WHERE d.channel_id = c.id AND d.monitor_seen_at IS NOT NULL AND d.revoked_at IS NULL) AS monitored
         FROM channels c JOIN units u ON u.id = c.unit_id
        WHERE c.active AND c.kind IN ('audio', 'display') AND (u.path LIKE $1 OR c.id IN (${HISTORY_IN_SCOPE}))
        ORDER BY u.path, c.name`,
      [`${unit.path}%`, from],
    );
    const rulesRead: Promise<Array<{ id: string; name: string; definition: RuleDefinition; target: string }>> = this.db.query(
      `SELECT r.id, r.name, r.definition, t.path AS target FROM rules r JOIN units t ON t.id = r.target_unit_id
        WHERE r.active AND ($1 LIKE t.path || '%' OR t.path LIKE $1 || '%') ORDER BY r.name`,
      [unit.path],
    );
    rulesRead.catch(() => undefined); // (awaited below; not an unhandled rejection if the channels fail first)
    const all = await channelsRead;
    const unitAt = await channelUnits(this.db.manager, all);
    const allRules = await rulesRead;
    const channels = all.filter((c) => c.kind === 'audio');
    const boards = all.filter((c) => c.kind === 'display');
    const rules = allRules.filter((r) => !isDisplayRule(r.definition));
    const displayRules = allRules.filter((r) => isDisplayRule(r.definition));
    // a new item each period needs the programs' first periods: a window over the counts, only if a rule asks for it
    const anyFresh = rules.some((r) => r.definition.freshEachPeriod === true);
    // only the entries of the rules' periods (and, for a new item each period, the periods before)
    const span = entriesSpan(rules.map((r) => r.definition), from, to);
    // LED boards under display rules (minutes shown, planned and evidenced) are counted meanwhile, on another connection
    const shown = displayRules.length && boards.length ? displayCompliance(this.db.manager, displayRules, boards, from, to, now, (id, day) => unitAt.on(id, day), unit.path) : Promise.resolve([]);
    shown.catch(() => undefined); // (awaited below; not an unhandled rejection if the count fails first)
    const counts = span ? await countAirings(this.db, unit, channels, unitAt.history, span, anyFresh) : [];
    const countsOf = new Map(counts.map((c) => [`${c.rule_id}|${c.channel_id}`, c]));

    const rows: ComplianceRow[] = [];
    // Rows are ordered by the unit each belongs to, then the channel: a merge does not reorder earlier
    // rows. Without merges a channel's rows all belong to its unit now, so walking the channels in
    // that order gives the rows in order (a country-year is 260,000 rows: sorted once, 3,300 channels).
    const ordered = byOwner(channels.map((ch) => ({ path: ch.path, name: ch.name, row: ch })));
    const merged = unitAt.history.length > 0;
    for (const rule of rules) {
      const d = rule.definition;
      const periods = periodInstances(d, from, to).map((p) => ({ ...p, last: addDays(p.end, -1) }));
      // what the rule asks is the same on each of its rows: one object
      const required = { programs: d.minPrograms, maxPrograms: d.maxPrograms ?? null, airingsPerProgram: d.minAiringsPerProgram };
      const endsIn = new Map<string, Date[]>(); // each period's end, per time zone
      const ruleRows: Array<{ path: string; name: string; row: ComplianceRow }> = [];
      for (const ch of ordered) {
        let ends = endsIn.get(ch.timezone);
        if (!ends) endsIn.set(ch.timezone, (ends = periods.map((p) => zonedInstant(p.end, '00:00', ch.timezone))));
        const c = countsOf.get(`${rule.id}|${ch.id}`);
        for (const [i, p] of periods.entries()) {
          // the channel's unit when the period began: before a merge, the former commune
          const owner = unitAt.on(ch.id, p.start);
          if (!owner.path.startsWith(rule.target) || !owner.path.startsWith(unit.path)) continue;
          const k = c ? c.periods.indexOf(p.key) : -1;
          const planned = { programs: pick(c?.planned_programs, k), airings: pick(c?.planned_airings, k) };
          const evidenced = { programs: pick(c?.evidenced_programs, k), airings: pick(c?.evidenced_airings, k) };
          const status = complianceStatus(d.minPrograms, d.maxPrograms, {
            plannedPrograms: planned.programs, plannedAirings: planned.airings, evidencedPrograms: evidenced.programs, evidencedAirings: evidenced.airings, distinctPrograms: pick(c?.distinct_programs, k),
          }, ends[i], now);
          const row: ComplianceRow = {
            ruleId: rule.id, ruleName: rule.name, channelId: ch.id, channelName: ch.name, unitId: owner.unitId,
            period: p.key, label: p.label, periodStart: p.start, periodEnd: p.last,
            required, planned, evidenced,
            levels: { acoustic: pick(c?.heard, k), notHeard: pick(c?.not_heard, k), reported: pick(c?.reported, k), confirmed: pick(c?.confirmed, k) },
            status,
            planShort: planned.programs < d.minPrograms,
          };
          if (merged) ruleRows.push({ path: owner.path, name: ch.name, row });
          else rows.push(row);
        }
      }
      if (merged) for (const r of byOwner(ruleRows)) rows.push(r); // (a spread of a country-year's rows overflows the stack)
    }
    for (const r of await shown) rows.push(r);
    const summary = { ok: 0, at_risk: 0, violated: 0 };
    for (const r of rows) summary[r.status] += 1;
    return { rows, summary };
  }
}
