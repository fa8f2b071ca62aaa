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
 * One rule on one channel: its counts per period, period by period (the arrays run in parallel). A
 * country-year is 9,900 of these instead of 257,400 rows of a dozen fields: far less to parse and hold.
 */
interface CountRow {
  rule_id: string;
  channel_id: string;
  periods: string[];
  planned_programs: number[];
  planned_airings: number[];
  evidenced_programs: number[];
  evidenced_airings: number[];
  distinct_programs: number[];
  heard: number[];
  not_heard: number[];
  reported: number[];
  confirmed: number[];
}

/** The k-th of a channel's counts, or none (k < 0: nothing counted in that period). */
const pick = (values: number[] | undefined, k: number): number => (values && k >= 0 ? values[k] : 0);

/** Up to this many channels, their entries are read channel by channel through the index. */
const PER_CHANNEL_LOOKUP_MAX = 1000;
/** Beyond it, the channels are counted in this many parts side by side. */
const COUNT_PARTS = 2;

/**
 * Compliance per rule × channel × period for a unit subtree and a date range (6-month and yearly
 * views are just ranges). The counting is one SQL aggregate over indexed schedule entries, with
 * periods cut in each channel's local time; the grid of periods and the status are assembled here.
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
    // Entries are read once with their local time computed once; rule fields are pulled out of the
    // JSON once per rule, not per row.
    // only the entries of the rules' periods (and, for a new item each period, the periods before)
    const span = entriesSpan(rules.map((r) => r.definition), from, to);
    const perChannel = channels.length <= PER_CHANNEL_LOOKUP_MAX;
    const count = async (span: { from: string; to: string }, channels: typeof all): Promise<CountRow[]> => {
      const sql = `
      WITH ch AS (
         SELECT * FROM unnest($1::uuid[], $5::text[], $6::text[], $10::boolean[]) AS ch(id, path, timezone, monitored)
       ), r AS MATERIALIZED (
         SELECT r.id, t.path AS target, r.definition->>'period' AS period,
                (r.definition->'match'->>'seriesId')::uuid AS series_id, r.definition->'match'->>'tag' AS tag,
                CASE WHEN r.definition->'match' ? 'programIds' THEN ARRAY(SELECT jsonb_array_elements_text(r.definition->'match'->'programIds'))::uuid[] END AS program_ids,
                (r.definition->>'minAiringsPerProgram')::int AS need,
                COALESCE((r.definition->>'freshEachPeriod')::boolean, false) AS fresh,
                (r.definition->>'from')::date AS valid_from, (r.definition->>'to')::date AS valid_to,
                (r.definition->>'from') || '..' || (r.definition->>'to') AS range_key,
                COALESCE(r.definition->>'evidence', 'any') = 'acoustic' AS acoustic_only
           FROM rules r JOIN units t ON t.id = r.target_unit_id
          WHERE r.active AND ($2 LIKE t.path || '%' OR t.path LIKE $2 || '%') AND COALESCE(r.definition->>'medium', 'audio') = 'audio'
       ), e AS MATERIALIZED (
         -- materialised: otherwise PostgreSQL nests programs × channels and reads each channel's entries once per program.
         -- A few hundred channels (a province, a district): each channel's entries through the (channel, time)
         -- index (LATERAL, OFFSET 0 so that it is not flattened), whatever the statistics say — right after a
         -- month is planned they are stale, and the plain join then scanned the period's entries once per
         -- channel. The whole country: one scan of the period and a join.
         SELECT e.channel_id, e.program_id,
                -- a channel moved by a merge counts for the unit it belonged to on the day
                CASE WHEN ch.id = ANY($7::uuid[])
                  THEN COALESCE((SELECT h.path FROM unnest($7::uuid[], $8::text[], $9::date[]) AS h(channel_id, path, until)
                                  WHERE h.channel_id = ch.id AND (e.starts_at AT TIME ZONE ch.timezone)::date < h.until ORDER BY h.until LIMIT 1), ch.path)
                  ELSE ch.path END AS path,
                e.starts_at AT TIME ZONE ch.timezone AS local,
                -- evidence: an operator's confirmation, a device's play.completed, or its monitor having heard it
                (e.status = 'aired' OR e.evidenced_at IS NOT NULL OR e.acoustic = 'heard') AS evidenced,
                ch.monitored,
                -- the levels, each airing in one: verified acoustically, reported but not heard, reported, confirmed
                e.acoustic = 'heard' AS heard,
                (e.evidenced_at IS NOT NULL AND e.acoustic IN ('not-heard', 'silent')) AS not_heard,
                (e.evidenced_at IS NOT NULL AND e.acoustic IS NULL) AS reported,
                (e.status = 'aired' AND e.evidenced_at IS NULL AND e.acoustic IS DISTINCT FROM 'heard') AS confirmed
           FROM ch ${perChannel ? 'JOIN LATERAL' : 'JOIN'} (
                  SELECT s.channel_id, s.program_id, s.starts_at, s.status, s.evidenced_at, s.acoustic FROM schedule_entries s
                   WHERE s.status IN ('scheduled', 'aired') AND s.program_id IS NOT NULL AND s.starts_at >= $3 AND s.starts_at < $4
                     ${perChannel ? 'AND s.channel_id = ch.id OFFSET 0' : ''}
                ) e${perChannel ? ' ON true' : ' ON e.channel_id = ch.id'}
       ), per_program AS (
         SELECT r.id AS rule_id, e.channel_id, e.program_id,
                CASE r.period
                  WHEN 'month' THEN to_char(e.local, 'YYYY-MM')
                  WHEN 'week' THEN to_char(e.local, 'IYYY-"W"IW')
                  WHEN 'quarter' THEN to_char(e.local, 'YYYY-"Q"Q')
                  ELSE r.range_key
                END AS period,
                r.need, r.fresh, count(*) AS planned,
                -- a rule asking for acoustic evidence counts, on a channel with a monitor, only what it heard
                count(*) FILTER (WHERE CASE WHEN r.acoustic_only AND e.monitored THEN e.heard ELSE e.evidenced END) AS evidenced,
                count(*) FILTER (WHERE e.heard) AS heard, count(*) FILTER (WHERE e.not_heard) AS not_heard,
                count(*) FILTER (WHERE e.reported) AS reported, count(*) FILTER (WHERE e.confirmed) AS confirmed
           FROM e
           JOIN programs p ON p.id = e.program_id
           JOIN r ON (r.series_id IS NULL OR p.series_id = r.series_id) AND (r.tag IS NULL OR r.tag = ANY (p.tags)) AND (r.program_ids IS NULL OR p.id = ANY (r.program_ids))
                 AND e.path LIKE r.target || '%'
                 AND (r.valid_from IS NULL OR e.local::date >= r.valid_from) AND (r.valid_to IS NULL OR e.local::date <= r.valid_to)
          GROUP BY 1, 2, 3, 4, 5, 6
       ), counted AS (
         ${anyFresh ? `-- a new item each period: a program counts in the first period it aired in only
         SELECT * FROM (
           SELECT pp.*, min(period) OVER (PARTITION BY rule_id, channel_id, program_id) AS first_period FROM per_program pp
         ) x WHERE NOT fresh OR period = first_period` : 'SELECT * FROM per_program'}
       )
       , per_period AS (
         SELECT rule_id, channel_id, period,
                count(*) FILTER (WHERE planned >= need)::int AS planned_programs,
                sum(planned)::int AS planned_airings,
                count(*) FILTER (WHERE evidenced >= need)::int AS evidenced_programs,
                sum(evidenced)::int AS evidenced_airings,
                count(*)::int AS distinct_programs,
                sum(heard)::int AS heard, sum(not_heard)::int AS not_heard, sum(reported)::int AS reported, sum(confirmed)::int AS confirmed
           FROM counted GROUP BY 1, 2, 3
       )
       SELECT rule_id, channel_id, array_agg(period) AS periods,
              array_agg(planned_programs) AS planned_programs, array_agg(planned_airings) AS planned_airings,
              array_agg(evidenced_programs) AS evidenced_programs, array_agg(evidenced_airings) AS evidenced_airings,
              array_agg(distinct_programs) AS distinct_programs, array_agg(heard) AS heard, array_agg(not_heard) AS not_heard,
              array_agg(reported) AS reported, array_agg(confirmed) AS confirmed
         FROM per_period GROUP BY 1, 2`;
      const params = [
        channels.map((c) => c.id),
        unit.path,
        zonedInstant(span.from, '00:00', unit.timezone),
        zonedInstant(span.to, '00:00', unit.timezone),
        channels.map((c) => c.path),
        channels.map((c) => c.timezone),
        unitAt.history.map((h) => h.channelId),
        unitAt.history.map((h) => h.path),
        unitAt.history.map((h) => h.until),
        channels.map((c) => c.monitored),
      ];
      // a province reads a few thousand entries: one round trip, no transaction; the whole country's
      // sort and group get more memory than the default
      if (perChannel) return this.db.query(sql, params);
      return this.db.transaction(async (tx) => {
        await tx.query(`SET LOCAL work_mem = '64MB'`);
        return tx.query(sql, params);
      });
    };
    // LED boards under display rules (minutes shown, planned and evidenced) are counted meanwhile, on another connection
    const shown = displayRules.length && boards.length ? displayCompliance(this.db.manager, displayRules, boards, from, to, now, (id, day) => unitAt.on(id, day), unit.path) : Promise.resolve([]);
    shown.catch(() => undefined); // (awaited below; not an unhandled rejection if the count fails first)
    // More channels than a district's: the country's channels in COUNT_PARTS parts, each counted on a
    // connection of its own (PostgreSQL runs one query on one core); a channel's entries stay in one part.
    const parts = perChannel ? 1 : COUNT_PARTS;
    const size = Math.ceil(channels.length / parts);
    const counts = span && channels.length ? (await Promise.all(Array.from({ length: parts }, (_, k) => count(span, channels.slice(k * size, (k + 1) * size))))).flat() : [];
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
