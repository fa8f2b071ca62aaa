import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { UnitsService } from '../units/units.service';
import { checkDateRange } from './date-range';
import { addDays, zonedInstant } from './planner/local-time';
import { DisplayChannel, planDisplay, PlannedShowing } from './planner/display-planner';
import { MissedAiring, plan, PlanChannel, PlannedAiring, PlanProgram, PlanRule, Shortfall } from './planner/planner';
import { FRESH_LOOKBACK_DAYS, isDisplayRule, periodsSpan, RuleDefinition } from './planner/rule-definition';

export interface PlanReport {
  dryRun: boolean;
  channels: number;
  rules: number;
  /** Airings and slide showings created — or, with dryRun, that would be created. */
  created: number;
  /** Of which slides entries on LED boards. */
  showings: number;
  /** Airings cancelled (or, with dryRun, that would be): earlier items giving way to new ones. */
  cancelled: number;
  /** With dryRun: the airings and showings a real run would create, and the entries it would cancel. */
  airings?: PlannedAiring[];
  slides?: PlannedShowing[];
  cancelledIds?: string[];
  shortfalls: Shortfall[];
}

/**
 * Loads what the pure planner needs for a unit's subtree (channels, the rules binding them, the
 * approved programs with ready audio that may reach them, what is already booked), runs it, and
 * writes the new airings in one transaction.
 */
@Injectable()
export class PlanningService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly units: UnitsService, private readonly audit: AuditService) {}

  async plan(actor: Actor, unitId: string, from: string, to: string, dryRun: boolean, now = new Date(), only?: { ruleIds: string[] }): Promise<PlanReport> {
    checkDateRange(from, to, 400);
    const unit = await this.units.get(actor, unitId);

    const channelRows: Array<{ id: string; name: string; windows: PlanChannel['windows']; days_off: string[]; max_session_minutes: number | null; max_daily_minutes: number | null; path: string; timezone: string }> = await this.db.query(
      `SELECT c.id, c.name, c.windows, to_json(c.days_off) AS days_off, c.max_session_minutes, c.max_daily_minutes, u.path, u.timezone
         FROM channels c JOIN units u ON u.id = c.unit_id
        WHERE c.active AND c.kind = 'audio' AND u.path LIKE $1 ORDER BY c.id`,
      [`${unit.path}%`],
    );
    const displayRows: Array<{ id: string; name: string; days_off: string[]; path: string; timezone: string }> = await this.db.query(
      `SELECT c.id, c.name, to_json(c.days_off) AS days_off, u.path, u.timezone
         FROM channels c JOIN units u ON u.id = c.unit_id
        WHERE c.active AND c.kind = 'display' AND u.path LIKE $1 ORDER BY c.id`,
      [`${unit.path}%`],
    );
    // Rules whose target is this unit, above it, or below it.
    // (a campaign plans its own rules only: `only`)
    const allRuleRows: Array<{ id: string; name: string; definition: RuleDefinition; target_path: string }> = await this.db.query(
      `SELECT r.id, r.name, r.definition, t.path AS target_path
         FROM rules r JOIN units t ON t.id = r.target_unit_id
        WHERE r.active AND ($1 LIKE t.path || '%' OR t.path LIKE $1 || '%') AND ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[]))`,
      [unit.path, only?.ruleIds ?? null],
    );
    // loudspeakers get the audio rules, LED boards the display rules: a kind never lands on the wrong channel
    const ruleRows = allRuleRows.filter((r) => !isDisplayRule(r.definition));
    const displayRuleRows = allRuleRows.filter((r) => isDisplayRule(r.definition));
    const rules: PlanRule[] = ruleRows.map((r) => ({ id: r.id, name: r.name, definition: r.definition, channelIds: channelRows.filter((c) => c.path.startsWith(r.target_path)).map((c) => c.id) }));

    const seriesIds = [...new Set(ruleRows.map((r) => r.definition.match.seriesId).filter(Boolean))];
    const tags = [...new Set(ruleRows.map((r) => r.definition.match.tag).filter(Boolean))];
    const programIds = [...new Set(ruleRows.flatMap((r) => r.definition.match.programIds ?? []))];
    const programRows: Array<{ id: string; title: string; duration_ms: number; series_id: string | null; tags: string[]; period_start: string | null; period_end: string | null; path: string; priority: string }> = await this.db.query(
      `SELECT p.id, p.title, p.priority, m.duration_ms, p.series_id, p.tags, to_char(p.period_start, 'YYYY-MM-DD') AS period_start, to_char(p.period_end, 'YYYY-MM-DD') AS period_end, u.path
         FROM programs p JOIN media_assets m ON m.id = p.audio_asset_id AND m.status = 'ready' AND m.kind = 'audio' JOIN units u ON u.id = p.unit_id
        WHERE p.status = 'approved' AND (p.series_id = ANY($1::uuid[]) OR p.tags && $2::text[] OR p.id = ANY($4::uuid[]))
          AND ($3 LIKE u.path || '%' OR u.path LIKE $3 || '%')`,
      [seriesIds, tags, unit.path, programIds],
    );
    const programs: PlanProgram[] = programRows.map((p) => ({ id: p.id, title: p.title, durationMs: p.duration_ms, seriesId: p.series_id, tags: p.tags, periodStart: p.period_start, periodEnd: p.period_end, unitPath: p.path }));

    // Booked time over the rules' periods (weeks and quarters reach beyond the dates), two days more on
    // each side (time zones, entries across midnight) and as much as the rules' spacing asks; before
    // that, only which programs each channel aired in the FRESH_LOOKBACK_DAYS before (programs used
    // in earlier periods come last, and a new item each period does not repeat them). A month planned
    // into a planned year reads a month of entries, not seven.
    const tz = channelRows[0]?.timezone ?? 'Asia/Ho_Chi_Minh';
    const periods = periodsSpan(ruleRows.map((r) => r.definition), from, to) ?? { from, to: addDays(to, 1) };
    const margin = 2 + Math.ceil(Math.max(0, ...ruleRows.map((r) => r.definition.minSpacingHours ?? 0)) / 24);
    const bookedFrom = zonedInstant(addDays(periods.from, -margin), '00:00', tz);
    const channelIds = channelRows.map((c) => c.id);
    const bookedTo = zonedInstant(addDays(periods.to, margin), '00:00', tz);
    const [bookedRows, earlierRows] = await Promise.all([
      this.bookedEntries(channelIds, bookedFrom, bookedTo, now),
      this.programsAired(channelIds, zonedInstant(addDays(periods.from, -FRESH_LOOKBACK_DAYS), '00:00', tz), bookedFrom),
    ]);
    const booked = new Map<string, PlanChannel['booked']>();
    for (const b of bookedRows) {
      const list = booked.get(b.channel_id) ?? [];
      list.push({ id: b.id, startsAt: new Date(b.starts_at), endsAt: new Date(b.ends_at), programId: b.program_id, replaceable: b.replaceable });
      booked.set(b.channel_id, list);
    }
    const earlier = new Map<string, string[]>();
    for (const e of earlierRows) {
      const list = earlier.get(e.channel_id) ?? [];
      list.push(e.program_id);
      earlier.set(e.channel_id, list);
    }
    // airings of the same window that did not air and have no live make-up yet: what new airings make up for
    const missedRows: Array<{ id: string; channel_id: string; program_id: string; starts_at: Date; missed_reason: string | null }> = channelRows.length
      ? await this.db.query(
          `SELECT e.id, e.channel_id, e.program_id, e.starts_at, e.missed_reason FROM schedule_entries e
            WHERE e.channel_id = ANY($1::uuid[]) AND e.status = 'missed' AND e.program_id IS NOT NULL AND e.starts_at < $3 AND e.ends_at > $2
              AND NOT EXISTS (SELECT 1 FROM schedule_entries m WHERE m.makes_up_entry_id = e.id AND m.status IN ('scheduled', 'aired'))`,
          [channelIds, bookedFrom, bookedTo],
        )
      : [];
    const missed = new Map<string, MissedAiring[]>();
    for (const m of missedRows) missed.set(m.channel_id, [...(missed.get(m.channel_id) ?? []), { id: m.id, programId: m.program_id, startsAt: new Date(m.starts_at), reason: m.missed_reason ?? '' }]);
    const channels: PlanChannel[] = channelRows.map((c) => ({
      id: c.id, name: c.name, timezone: c.timezone, windows: c.windows, daysOff: c.days_off ?? [],
      maxSessionMinutes: c.max_session_minutes ?? undefined, maxDailyMinutes: c.max_daily_minutes ?? undefined,
      booked: booked.get(c.id) ?? [], earlierPrograms: earlier.get(c.id) ?? [], missed: missed.get(c.id) ?? [], unitPath: c.path,
    }));

    const display = displayRuleRows.length && displayRows.length ? await this.planDisplay(displayRows, displayRuleRows, from, to, now) : { showings: [], cancelled: [], shortfalls: [] };
    const titleOf = new Map(displayRuleRows.map((r) => [r.id, r.name]));
    const createdBy = actor.id === SYSTEM_ACTOR.id ? null : actor.id;
    const priorityOf = new Map(programRows.map((p) => [p.id, p.priority]));
    const planAudio = () => plan({ now, from, to, channels, programs, rules });
    let result = dryRun || !display.showings.length ? planAudio() : null;
    if (!dryRun && (display.showings.length || result!.airings.length || result!.cancelled.length || display.cancelled.length)) {
      await this.db.transaction(async (tx) => {
        // the boards' stale entries give their time back first, then their new showings go to the database
        // while the loudspeakers' airings are computed here (PostgreSQL and the planner each on a core)
        if (display.cancelled.length) await this.cancelEntries(tx, display.cancelled, now);
        const storing = this.insertShowings(tx, display.showings, titleOf, createdBy);
        storing.catch(() => undefined); // (awaited below; not an unhandled rejection meanwhile)
        if (!result) {
          await new Promise((r) => setImmediate(r)); // let the insert reach the server before the CPU work
          result = planAudio();
        }
        await storing;
        // Programs were read before this transaction: one retired meanwhile gets no new airing. FOR SHARE
        // orders this with a concurrent retire, which cancels the airings of its program after this commits.
        const planned = [...new Set(result.airings.map((a) => a.programId))];
        const live = new Set<string>((await tx.query(`SELECT id FROM programs WHERE id = ANY($1::uuid[]) AND status = 'approved' FOR SHARE`, [planned])).map((r: { id: string }) => r.id));
        if (live.size < planned.length) result.airings = result.airings.filter((a) => live.has(a.programId));
        // first free the time of the airings that give way (a new item each period), then place
        if (result.cancelled.length) await this.cancelEntries(tx, result.cancelled, now);
        const chunk = 1000;
        for (let i = 0; i < result.airings.length; i += chunk) {
          const part = result.airings.slice(i, i + chunk);
          const values: unknown[] = [];
          const rows = part.map((a, j) => {
            values.push(a.channelId, a.programId, a.ruleId, a.period, a.startsAt, a.endsAt, createdBy, priorityOf.get(a.programId) ?? 'normal', a.makesUp ?? null);
            const k = j * 9;
            return `($${k + 1}, 'airing', $${k + 8}, 'scheduled', 'planner', $${k + 2}, $${k + 3}, $${k + 4}, $${k + 5}, $${k + 6}, $${k + 7}, $${k + 9}::uuid)`;
          });
          await tx.query(
            `INSERT INTO schedule_entries (channel_id, kind, priority, status, source, program_id, rule_id, period, starts_at, ends_at, created_by, makes_up_entry_id) VALUES ${rows.join(',')}`,
            values,
          ).catch((err: { code?: string }) => {
            if (err.code === '23P01') throw new AppError('SCHEDULE_CONFLICT');
            throw err;
          });
        }
        const cancelled = [...result.cancelled, ...display.cancelled];
        if (result.airings.length || cancelled.length || display.showings.length) {
          await this.audit.record(tx, actor, { action: 'schedule.plan', entityType: 'schedule', entityId: null, unitPath: unit.path, changes: { from, to, created: result.airings.length, showings: display.showings.length, cancelled, shortfalls: result.shortfalls.length + display.shortfalls.length } });
        }
      });
    }
    const audio = result!;
    const shortfalls = [...audio.shortfalls, ...display.shortfalls];
    const cancelled = [...audio.cancelled, ...display.cancelled];
    return {
      dryRun, channels: channels.length + displayRows.length, rules: rules.length + displayRuleRows.length,
      created: audio.airings.length + display.showings.length, showings: display.showings.length, cancelled: cancelled.length,
      ...(dryRun ? { airings: audio.airings, slides: display.showings, cancelledIds: cancelled } : {}), shortfalls,
    };
  }

  /** LED boards: what is booked on them, and the display planner's answer. */
  private async planDisplay(
    boards: Array<{ id: string; name: string; days_off: string[]; path: string; timezone: string }>,
    ruleRows: Array<{ id: string; name: string; definition: RuleDefinition; target_path: string }>,
    from: string, to: string, now: Date,
  ) {
    const tz = boards[0].timezone;
    const rows = await this.bookedEntries(boards.map((c) => c.id), zonedInstant(addDays(from, -1), '00:00', tz), zonedInstant(addDays(to, 2), '00:00', tz), now);
    const booked = new Map<string, DisplayChannel['booked']>();
    for (const b of rows) {
      const list = booked.get(b.channel_id) ?? [];
      list.push({ id: b.id, startsAt: new Date(b.starts_at), endsAt: new Date(b.ends_at), ruleId: b.rule_id, mediaAssetIds: b.media_asset_ids, replaceable: b.replaceable });
      booked.set(b.channel_id, list);
    }
    const channels: DisplayChannel[] = boards.map((c) => ({ id: c.id, name: c.name, timezone: c.timezone, daysOff: c.days_off ?? [], booked: booked.get(c.id) ?? [] }));
    const rules = ruleRows.map((r) => ({ id: r.id, name: r.name, definition: r.definition, channelIds: boards.filter((c) => c.path.startsWith(r.target_path)).map((c) => c.id) }));
    // only slides that are ready are shown: a display rule's slides that are not are left out of the plan
    const slideIds = [...new Set(ruleRows.flatMap((r) => r.definition.match.mediaAssetIds ?? []))];
    const ready = new Set<string>((await this.db.query(`SELECT id FROM media_assets WHERE id = ANY($1::uuid[]) AND status = 'ready' AND kind IN ('image', 'clip', 'slide')`, [slideIds])).map((r: { id: string }) => r.id));
    for (const r of rules) r.definition = { ...r.definition, match: { ...r.definition.match, mediaAssetIds: (r.definition.match.mediaAssetIds ?? []).filter((id) => ready.has(id)) } };
    return planDisplay({ now, from, to, channels, rules });
  }

  /**
   * What is booked on these channels around the dates (scheduled or aired), and whether the planner may
   * take it back: only its own airings that are still to come and not reported.
   */
  private async bookedEntries(channelIds: string[], from: Date, to: Date, now: Date) {
    if (!channelIds.length) return [];
    const rows: Array<{ id: string; channel_id: string; starts_at: Date; ends_at: Date; program_id: string | null; rule_id: string | null; media_asset_ids: string[] | null; replaceable: boolean }> = await this.db.query(
      `SELECT id, channel_id, starts_at, ends_at, program_id, rule_id, media_asset_ids,
              (source = 'planner' AND status = 'scheduled' AND evidenced_at IS NULL AND starts_at > $4) AS replaceable
         FROM schedule_entries
        WHERE channel_id = ANY($1::uuid[]) AND status IN ('scheduled', 'aired') AND starts_at < $3 AND ends_at > $2`,
      [channelIds, from, to, now],
    );
    return rows;
  }

  /** Which programs each channel aired (or has booked) in [from, to): no more than that of earlier periods is needed. */
  private async programsAired(channelIds: string[], from: Date, to: Date): Promise<Array<{ channel_id: string; program_id: string }>> {
    if (!channelIds.length) return [];
    return this.db.query(
      `SELECT DISTINCT channel_id, program_id FROM schedule_entries
        WHERE channel_id = ANY($1::uuid[]) AND status IN ('scheduled', 'aired') AND program_id IS NOT NULL AND starts_at >= $2 AND starts_at < $3`,
      [channelIds, from, to],
    );
  }

  private async cancelEntries(tx: EntityManager, ids: string[], now: Date): Promise<void> {
    await tx.query(`UPDATE schedule_entries SET status = 'cancelled', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'scheduled' AND starts_at > $2`, [ids, now]);
  }

  /** One statement per 50,000 showings: a national month (100,000 boards × days) is two round trips. */
  private async insertShowings(tx: EntityManager, showings: PlannedShowing[], titleOf: Map<string, string>, createdBy: string | null): Promise<void> {
    const chunk = 50_000;
    for (let i = 0; i < showings.length; i += chunk) {
      const part = showings.slice(i, i + chunk);
      await tx.query(
        `INSERT INTO schedule_entries (channel_id, kind, priority, status, source, title, media_asset_id, media_asset_ids, rule_id, period, starts_at, ends_at, created_by)
         SELECT x.channel_id, 'slides', 'normal', 'scheduled', 'planner', x.title, (x.assets::uuid[])[1], x.assets::uuid[], x.rule_id, x.period, x.starts_at, x.ends_at, $8::uuid
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::timestamptz[], $7::timestamptz[]) AS x(channel_id, title, assets, rule_id, period, starts_at, ends_at)`,
        [
          part.map((s) => s.channelId), part.map((s) => titleOf.get(s.ruleId) ?? null), part.map((s) => `{${s.mediaAssetIds.join(',')}}`), part.map((s) => s.ruleId),
          part.map((s) => s.period), part.map((s) => s.startsAt), part.map((s) => s.endsAt), createdBy,
        ],
      ).catch((err: { code?: string }) => {
        if (err.code === '23P01') throw new AppError('SCHEDULE_CONFLICT');
        throw err;
      });
    }
  }
}
