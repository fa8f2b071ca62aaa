import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../auth/actor';
import { AuditService } from '../../audit/audit.service';
import { returnedRows } from '../../infrastructure/database/returned-rows';
import { AppError } from '../../infrastructure/http/app-error';
import { addDays } from '../../schedule/planner/local-time';
import type { Unit } from '../unit.entity';
import { UnitsService } from '../units.service';
import type { MergeUnitsDto } from './unit-merge.dto';

/** What moves from a former commune to the merged one (ids per table), kept so that a split can undo it. */
type Moved = Record<string, { channels: string[]; users: string[]; series: string[]; programs: string[]; media: string[]; campaigns: string[]; rules: Array<{ id: string; to: string | null; copy: string }> }>;

/**
 * Communes that merge, and a split that undoes it. One audited transaction: the new commune takes the
 * former ones' channels (with their devices and schedule), users, series, programs, media and
 * campaigns; rules aimed at a former commune end the day before and continue as copies aimed at the
 * new one. Each moved channel keeps whose it was until the merge date, so reports of earlier periods
 * read as they did.
 */
@Injectable()
export class UnitMergesService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly units: UnitsService, private readonly audit: AuditService) {}

  async merge(actor: Actor, dto: MergeUnitsDto) {
    if (dto.on.slice(8) !== '01') throw AppError.field('on', 'merge', 'phải là ngày đầu tháng (ví dụ 2025-07-01)', 'must be the first day of a month');
    return this.db.transaction(async (tx) => {
      const former: Unit[] = [];
      for (const id of dto.unitIds) former.push(await this.units.get(actor, id, tx));
      await tx.query(`SELECT 1 FROM units WHERE id = ANY($1::uuid[]) FOR UPDATE`, [dto.unitIds]);
      if (former.some((u) => u.kind !== 'commune')) throw AppError.field('unitIds', 'merge', 'chỉ gộp các đơn vị cấp xã', 'only communes merge');
      if (new Set(former.map((u) => u.parentId)).size !== 1) throw AppError.field('unitIds', 'merge', 'các xã phải cùng một đơn vị cấp trên', 'the communes must share one parent');
      const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM units WHERE id = ANY($1::uuid[]) AND (merged_into IS NOT NULL OR EXISTS (SELECT 1 FROM units c WHERE c.parent_id = units.id))`, [dto.unitIds]);
      if (n) throw AppError.field('unitIds', 'merge', 'có xã đã được gộp trước đó hoặc còn đơn vị cấp dưới', 'a commune was already merged or has units below it');
      const into = await this.units.insert(tx, actor, { code: dto.into.code, name: dto.into.name, kind: 'commune', parentId: former[0].parentId, timezone: former[0].timezone });
      const [{ id: mergeId }] = await tx.query(`INSERT INTO unit_merges (into_unit_id, merged_on, from_unit_ids, moved, created_by) VALUES ($1, $2, $3, '{}', $4) RETURNING id`, [into.id, dto.on, dto.unitIds, actor.id]);
      const moved: Moved = {};
      const ids = async (sql: string, id: string) => returnedRows<{ id: string }>(await tx.query(sql, [id, into.id])).map((r) => r.id);
      for (const u of former) {
        // whose each channel was until the merge: the history reports read
        await tx.query(`INSERT INTO channel_unit_history (channel_id, unit_id, until, merge_id) SELECT id, unit_id, $2, $3 FROM channels WHERE unit_id = $1`, [u.id, dto.on, mergeId]);
        const m = {
          channels: await ids(`UPDATE channels SET unit_id = $2, updated_at = now() WHERE unit_id = $1 RETURNING id`, u.id),
          users: await ids(`UPDATE users SET unit_id = $2, updated_at = now() WHERE unit_id = $1 RETURNING id`, u.id),
          series: await ids(`UPDATE series SET unit_id = $2 WHERE unit_id = $1 RETURNING id`, u.id),
          programs: await ids(`UPDATE programs SET unit_id = $2 WHERE unit_id = $1 RETURNING id`, u.id),
          media: await ids(`UPDATE media_assets SET unit_id = $2 WHERE unit_id = $1 RETURNING id`, u.id),
          campaigns: await ids(`UPDATE campaigns SET unit_id = CASE WHEN unit_id = $1 THEN $2 ELSE unit_id END, target_unit_id = CASE WHEN target_unit_id = $1 THEN $2 ELSE target_unit_id END WHERE unit_id = $1 OR target_unit_id = $1 RETURNING id`, u.id),
          rules: [] as Moved[string]['rules'],
        };
        // a rule aimed at the former commune: it ends the day before; a copy goes on for the new one
        const rules: Array<{ id: string; definition: { from?: string; to?: string } }> = await tx.query(`SELECT id, definition FROM rules WHERE target_unit_id = $1 AND active AND (definition->>'to' IS NULL OR definition->>'to' >= $2)`, [u.id, dto.on]);
        for (const r of rules) {
          const [copy] = await tx.query(
            `INSERT INTO rules (series_id, unit_id, target_unit_id, name, definition, active)
             SELECT series_id, CASE WHEN unit_id = $2 THEN $3 ELSE unit_id END, $3, name, definition || jsonb_build_object('from', GREATEST(COALESCE(definition->>'from', $4), $4)), true FROM rules WHERE id = $1 RETURNING id`,
            [r.id, u.id, into.id, dto.on],
          );
          await tx.query(`UPDATE rules SET definition = definition || jsonb_build_object('to', $2::text) WHERE id = $1`, [r.id, addDays(dto.on, -1)]);
          m.rules.push({ id: r.id, to: r.definition.to ?? null, copy: copy.id });
        }
        moved[u.id] = m;
      }
      await tx.query(`UPDATE units SET merged_into = $2, merged_on = $3 WHERE id = ANY($1::uuid[])`, [dto.unitIds, into.id, dto.on]);
      await tx.query(`UPDATE unit_merges SET moved = $2 WHERE id = $1`, [mergeId, JSON.stringify(moved)]);
      await this.audit.record(tx, actor, { action: 'unit.merge', entityType: 'unit', entityId: into.id, unitPath: into.path, changes: { from: dto.unitIds, on: dto.on, moved } });
      return { id: mergeId, unit: into, on: dto.on, from: dto.unitIds, channels: Object.values(moved).reduce((n, m) => n + m.channels.length, 0) };
    });
  }

  /** Undoes the latest merge into this commune: channels, users and the rest go back to the former communes. */
  async split(actor: Actor, unitId: string) {
    return this.db.transaction(async (tx) => {
      const unit = await this.units.get(actor, unitId, tx);
      const [merge] = await tx.query(`SELECT id, from_unit_ids, moved, merged_on FROM unit_merges WHERE into_unit_id = $1 AND split_at IS NULL ORDER BY created_at DESC LIMIT 1 FOR UPDATE`, [unit.id]);
      if (!merge) throw AppError.field('id', 'merge', 'đơn vị này không được tạo ra từ một lần gộp xã', 'this unit was not made by a merge');
      const moved = merge.moved as Moved;
      for (const [formerId, m] of Object.entries(moved)) {
        await tx.query(`UPDATE channels SET unit_id = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [m.channels, formerId]);
        await tx.query(`UPDATE users SET unit_id = $2, updated_at = now() WHERE id = ANY($1::uuid[]) AND unit_id = $3`, [m.users, formerId, unit.id]);
        await tx.query(`UPDATE series SET unit_id = $2 WHERE id = ANY($1::uuid[]) AND unit_id = $3`, [m.series, formerId, unit.id]);
        await tx.query(`UPDATE programs SET unit_id = $2 WHERE id = ANY($1::uuid[]) AND unit_id = $3`, [m.programs, formerId, unit.id]);
        await tx.query(`UPDATE media_assets SET unit_id = $2 WHERE id = ANY($1::uuid[]) AND unit_id = $3`, [m.media, formerId, unit.id]);
        await tx.query(`UPDATE campaigns SET unit_id = CASE WHEN unit_id = $3 THEN $2 ELSE unit_id END, target_unit_id = CASE WHEN target_unit_id = $3 THEN $2 ELSE target_unit_id END WHERE id = ANY($1::uuid[])`, [m.campaigns, formerId, unit.id]);
        for (const r of m.rules) {
          await tx.query(`UPDATE rules SET active = false WHERE id = $1`, [r.copy]);
          await tx.query(`UPDATE rules SET definition = CASE WHEN $2::text IS NULL THEN definition - 'to' ELSE definition || jsonb_build_object('to', $2::text) END WHERE id = $1`, [r.id, r.to]);
        }
      }
      // the channels are the former communes' again, before and after: their history rows go
      await tx.query(`DELETE FROM channel_unit_history WHERE merge_id = $1`, [merge.id]);
      await tx.query(`UPDATE units SET merged_into = NULL, merged_on = NULL WHERE id = ANY($1::uuid[])`, [merge.from_unit_ids]);
      await tx.query(`UPDATE unit_merges SET split_at = now(), split_by = $2 WHERE id = $1`, [merge.id, actor.id]);
      await this.audit.record(tx, actor, { action: 'unit.split', entityType: 'unit', entityId: unit.id, unitPath: unit.path, changes: { merge: merge.id, into: merge.from_unit_ids } });
      return { id: merge.id, unitId: unit.id, restored: merge.from_unit_ids };
    });
  }
}
