import type { DataSource } from 'typeorm';
import { zonedInstant } from './planner/local-time';

/**
 * One rule on one channel: its counts per period, period by period (the arrays run in parallel). A
 * country-year is 9,900 of these instead of 257,400 rows of a dozen fields: far less to parse and hold.
 */
export interface CountRow {
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
export const pick = (values: number[] | undefined, k: number): number => (values && k >= 0 ? values[k] : 0);

/** Up to this many channels, their entries are read channel by channel through the index. */
const PER_CHANNEL_LOOKUP_MAX = 1000;
/** Beyond it, the channels are counted in this many parts side by side. */
const COUNT_PARTS = 2;

/** A loudspeaker channel as the count reads it. */
export interface CountedChannel {
  id: string;
  path: string;
  timezone: string;
  /** A device of it has a monitor: rules asking acoustic evidence count only what was heard. */
  monitored: boolean;
}

/**
 * Airings of the audio rules that reach a unit (`scope`), per rule × channel × period: planned and
 * evidenced programs and airings, and the evidence levels — one SQL aggregate over the entries of
 * [span.from, span.to) (local days in the unit's time zone), periods cut in each channel's local time.
 * `history` says whose a channel was before a merge moved it (it counts for that unit before `until`).
 * Up to PER_CHANNEL_LOOKUP_MAX channels each channel's entries are read through the (channel, time)
 * index; beyond, one scan of the period in COUNT_PARTS parts on as many connections.
 */
export async function countAirings(
  db: DataSource,
  scope: { path: string; timezone: string },
  all: CountedChannel[],
  history: Array<{ channelId: string; path: string; until: string }>,
  span: { from: string; to: string },
  anyFresh: boolean,
): Promise<CountRow[]> {
  const perChannel = all.length <= PER_CHANNEL_LOOKUP_MAX;
  // One statement for every part (only the channels differ). Entries are read once with their local
  // time computed once; rule fields are pulled out of the JSON once per rule, not per row.
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
  const count = async (channels: CountedChannel[]): Promise<CountRow[]> => {
    const params = [
      channels.map((c) => c.id),
      scope.path,
      zonedInstant(span.from, '00:00', scope.timezone),
      zonedInstant(span.to, '00:00', scope.timezone),
      channels.map((c) => c.path),
      channels.map((c) => c.timezone),
      history.map((h) => h.channelId),
      history.map((h) => h.path),
      history.map((h) => h.until),
      channels.map((c) => c.monitored),
    ];
    // a province reads a few thousand entries: one round trip, no transaction; the whole country's
    // sort and group get more memory than the default
    if (perChannel) return db.query(sql, params);
    return db.transaction(async (tx) => {
      await tx.query(`SET LOCAL work_mem = '64MB'`);
      return tx.query(sql, params);
    });
  };
  if (!all.length) return [];
  // More channels than a district's: in parts, each counted on a connection of its own (PostgreSQL runs
  // one statement on one core); a channel's entries stay in one part.
  const parts = perChannel ? 1 : COUNT_PARTS;
  const size = Math.ceil(all.length / parts);
  return (await Promise.all(Array.from({ length: parts }, (_, k) => count(all.slice(k * size, (k + 1) * size))))).flat();
}
