import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { returnedRows } from '../infrastructure/database/returned-rows';
import { MediaService } from '../media/media.service';
import { ProgramsService } from '../programs/programs.service';
import { Rule } from '../schedule/rule.entity';
import { PlanningService, PlanReport } from '../schedule/planning.service';
import { addDays, localDate } from '../schedule/planner/local-time';
import { RuleDefinition, validateRuleDefinition } from '../schedule/planner/rule-definition';
import { UnitsService } from '../units/units.service';
import { Campaign, CampaignAudio, CampaignDisplay } from './campaign.entity';
import type { CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';

const CAMPAIGN_NOT_FOUND = { vi: 'chiến dịch', en: 'campaign' };
const MAX_DAYS = 366;

/** Where a rule's problem lands in the campaign's request. */
const FIELD: Record<string, string> = {
  'match.programIds': 'audio.programIds', minAiringsPerProgram: 'audio.minAiringsPerProgram', maxAiringsPerDay: 'audio.maxAiringsPerDay',
  'match.mediaAssetIds': 'display.mediaAssetIds', dailyWindows: 'display.dailyWindows',
  showingsPerDay: 'display.showingsPerDay', showingMinutes: 'display.showingMinutes', minSpacingMinutes: 'display.minSpacingMinutes', to: 'endsOn', from: 'startsOn',
};

/**
 * Campaigns: one request plans loudspeakers and LED boards of a subtree for the same dates. A
 * campaign writes (and rewrites) its two rules, then plans its target with those rules only; a
 * change takes back the planner's future entries that no longer fit and plans again.
 */
@Injectable()
export class CampaignsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitsService,
    private readonly programs: ProgramsService,
    private readonly media: MediaService,
    private readonly planning: PlanningService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, dto: CreateCampaignDto, now = new Date()): Promise<{ campaign: Campaign; plan: PlanReport }> {
    const owner = await this.units.get(actor, dto.unitId);
    const target = await this.units.get(actor, dto.targetUnitId ?? owner.id);
    if (!target.path.startsWith(owner.path)) throw new AppError('OUT_OF_SCOPE');
    const draft = { name: dto.name.trim(), startsOn: dto.startsOn, endsOn: dto.endsOn, audio: dto.audio ?? null, display: dto.display ?? null };
    await this.check(actor, draft, target.path, localDate(now, target.timezone));
    const campaign = await this.db.transaction(async (tx) => {
      const c = tx.create(Campaign, { ...draft, unitId: owner.id, targetUnitId: target.id, createdBy: actor.id, status: 'active' });
      await this.writeRules(tx, actor, c);
      const saved = await tx.save(Campaign, c);
      await this.audit.record(tx, actor, { action: 'campaign.create', entityType: 'campaign', entityId: saved.id, unitPath: owner.path, changes: { after: saved } });
      return saved;
    });
    return { campaign, plan: await this.plan(actor, campaign.id, false, now) };
  }

  async update(actor: Actor, id: string, dto: UpdateCampaignDto, now = new Date()): Promise<{ campaign: Campaign; plan: PlanReport }> {
    const before = await this.get(actor, id);
    if (before.status !== 'active') throw new AppError('ENTRY_STATE', { status: 'đã hủy' });
    const target = await this.units.get(actor, before.targetUnitId);
    const draft = {
      name: dto.name?.trim() ?? before.name,
      startsOn: dto.startsOn ?? before.startsOn,
      endsOn: dto.endsOn ?? before.endsOn,
      audio: dto.audio === undefined ? before.audio : dto.audio,
      display: dto.display === undefined ? before.display : dto.display,
    };
    if (dto.unitId && dto.unitId !== before.unitId) throw AppError.field('unitId', 'campaign', 'không đổi được đơn vị chủ trì của chiến dịch', 'the owner cannot change');
    if (dto.targetUnitId && dto.targetUnitId !== before.targetUnitId) throw AppError.field('targetUnitId', 'campaign', 'không đổi được đơn vị áp dụng; hãy tạo chiến dịch mới', 'the target cannot change; create a new campaign');
    await this.check(actor, draft, target.path, localDate(now, target.timezone));
    const campaign = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM campaigns WHERE id = $1 FOR UPDATE`, [id]);
      const c = Object.assign(await tx.findOneByOrFail(Campaign, { id }), draft);
      await this.writeRules(tx, actor, c);
      const saved = await tx.save(Campaign, c);
      const withdrawn = await this.withdrawUnfit(tx, saved, now);
      await this.audit.record(tx, actor, { action: 'campaign.update', entityType: 'campaign', entityId: id, unitPath: target.path, changes: { before, after: saved, withdrawn } });
      return saved;
    });
    return { campaign, plan: await this.plan(actor, campaign.id, false, now) };
  }

  /** Stops the campaign: its rules end, what it planned and has not started is cancelled; history stays. */
  async cancel(actor: Actor, id: string, now = new Date()): Promise<Campaign> {
    const before = await this.get(actor, id);
    const owner = await this.units.get(actor, before.unitId);
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM campaigns WHERE id = $1 FOR UPDATE`, [id]);
      await tx.update(Campaign, { id }, { status: 'cancelled' });
      const ruleIds = [before.audioRuleId, before.displayRuleId].filter((r): r is string => !!r);
      await tx.update(Rule, ruleIds.map((r) => ({ id: r })), { active: false });
      const cancelled = returnedRows(await tx.query(
        `UPDATE schedule_entries SET status = 'cancelled', updated_at = now()
          WHERE rule_id = ANY($1::uuid[]) AND source = 'planner' AND status = 'scheduled' AND evidenced_at IS NULL AND starts_at > $2 RETURNING id`,
        [ruleIds, now],
      ));
      const after = await tx.findOneByOrFail(Campaign, { id });
      await this.audit.record(tx, actor, { action: 'campaign.cancel', entityType: 'campaign', entityId: id, unitPath: owner.path, changes: { before, after, cancelled: cancelled.length } });
      return after;
    });
  }

  /** Plans the campaign's target with the campaign's rules only, from today (local) to its last day. */
  async plan(actor: Actor, id: string, dryRun: boolean, now = new Date()): Promise<PlanReport> {
    const c = await this.get(actor, id);
    const target = await this.units.get(actor, c.targetUnitId);
    const today = localDate(now, target.timezone);
    const ruleIds = [c.audioRuleId, c.displayRuleId].filter((r): r is string => !!r);
    const from = c.startsOn > today ? c.startsOn : today;
    if (c.status !== 'active' || from > c.endsOn) return { dryRun, channels: 0, rules: ruleIds.length, created: 0, showings: 0, cancelled: 0, shortfalls: [], ...(dryRun ? { airings: [], slides: [], cancelledIds: [] } : {}) };
    return this.planning.plan(actor, c.targetUnitId, from, c.endsOn, dryRun, now, { ruleIds });
  }

  async get(actor: Actor, id: string): Promise<Campaign> {
    const r = actor.readableUnitsSql('u');
    const c = await this.db.getRepository(Campaign).createQueryBuilder('c').innerJoin('units', 'u', 'u.id = c.targetUnitId').where('c.id = :id', { id }).andWhere(r.sql, r.params).getOne();
    if (!c) throw AppError.notFound(CAMPAIGN_NOT_FOUND);
    return c;
  }

  async list(actor: Actor): Promise<Campaign[]> {
    const r = actor.readableUnitsSql('u');
    return this.db.getRepository(Campaign).createQueryBuilder('c').innerJoin('units', 'u', 'u.id = c.targetUnitId').where(r.sql, r.params).orderBy('c.startsOn', 'DESC').addOrderBy('c.name').getMany();
  }

  /** Every problem named by its field in the request: dates, programs (approved or not, within reach), slides (LED content). */
  private async check(actor: Actor, c: { startsOn: string; endsOn: string; audio: CampaignAudio | null; display: CampaignDisplay | null }, targetPath: string, today: string): Promise<void> {
    if (!c.audio && !c.display) throw AppError.field('audio', 'campaign', 'chiến dịch cần phần phát thanh (audio) hoặc bảng LED (display)', 'a campaign needs audio or display');
    if (c.endsOn < c.startsOn) throw AppError.field('endsOn', 'campaign', 'phải sau hoặc bằng ngày bắt đầu', 'must not be before startsOn');
    if (addDays(c.startsOn, MAX_DAYS) <= c.endsOn) throw AppError.field('endsOn', 'campaign', `một chiến dịch dài tối đa ${MAX_DAYS} ngày`, `a campaign lasts at most ${MAX_DAYS} days`);
    if (c.endsOn < today) throw AppError.field('endsOn', 'campaign', 'chiến dịch đã kết thúc trong quá khứ', 'the campaign would end in the past');
    for (const [k, d] of Object.entries(this.definitions(c))) {
      const problems = validateRuleDefinition(d as RuleDefinition);
      if (problems.length) {
        const field = (f: string) => FIELD[f] ?? FIELD[f.split('.')[0]]?.concat(f.slice(f.indexOf('.'))) ?? `${k}.${f}`;
        throw new AppError('VALIDATION_FAILED', {}, problems.map((p) => ({ field: field(p.field), codes: ['campaign'], message: p.message.replace(p.field, field(p.field)), messageEn: p.messageEn.replace(p.field, field(p.field)) })));
      }
    }
    for (const [i, programId] of (c.audio?.programIds ?? []).entries()) {
      const field = `audio.programIds.${i}`;
      const p = await this.programs.get(actor, programId).catch(() => {
        throw AppError.field(field, 'notFound', 'không tìm thấy chương trình', 'program not found');
      });
      if (p.status === 'retired') throw AppError.field(field, 'retired', `chương trình «${p.title}» đã ngừng phát`, `program "${p.title}" is retired`);
      if (!targetPath.startsWith(p.unitPath)) throw AppError.field(field, 'outOfReach', `chương trình «${p.title}» của đơn vị cấp dưới không phát được trên toàn bộ đơn vị áp dụng`, `program "${p.title}" belongs to a unit below the target and cannot reach all of it`);
    }
    for (const [i, assetId] of (c.display?.mediaAssetIds ?? []).entries()) {
      const field = `display.mediaAssetIds.${i}`;
      const a = await this.media.get(actor, assetId).catch(() => {
        throw AppError.field(field, 'notFound', 'không tìm thấy tệp', 'media not found');
      });
      if (!['image', 'clip', 'slide'].includes(a.kind)) throw AppError.wrongKind(field, 'phải là ảnh, đoạn phim hoặc trang chữ cho bảng LED', 'must be an image, clip or slide for LED boards');
      if (a.status === 'rejected') throw AppError.field(field, 'rejected', 'tệp này đã bị từ chối khi xử lý', 'this file was rejected when processed');
    }
  }

  private definitions(c: { startsOn: string; endsOn: string; audio: CampaignAudio | null; display: CampaignDisplay | null }): { audio?: RuleDefinition; display?: RuleDefinition } {
    const dates = { period: 'range' as const, from: c.startsOn, to: c.endsOn };
    return {
      ...(c.audio
        ? { audio: { medium: 'audio', match: { programIds: c.audio.programIds }, ...dates, minPrograms: c.audio.programIds.length, minAiringsPerProgram: c.audio.minAiringsPerProgram, ...(c.audio.maxAiringsPerDay ? { maxAiringsPerDay: c.audio.maxAiringsPerDay } : {}), ...(c.audio.allowedWindows ? { allowedWindows: c.audio.allowedWindows.map(({ start, end }) => ({ start, end })) } : {}) } }
        : {}),
      ...(c.display ? { display: { medium: 'display', match: { mediaAssetIds: c.display.mediaAssetIds }, ...dates, dailyWindows: c.display.dailyWindows.map(({ start, end }) => ({ start, end })), ...showings(c.display), minPrograms: 0, minAiringsPerProgram: 1 } } : {}),
    };
  }

  /** The campaign's two rules follow it: written, rewritten, or ended when a medium is dropped. */
  private async writeRules(tx: EntityManager, actor: Actor, c: Campaign): Promise<void> {
    const defs = this.definitions(c);
    for (const medium of ['audio', 'display'] as const) {
      const key = medium === 'audio' ? 'audioRuleId' : 'displayRuleId';
      const definition = defs[medium];
      const name = `${c.name}${medium === 'display' ? ' (bảng LED)' : ''}`;
      if (definition && c[key]) await tx.update(Rule, { id: c[key]! }, { name, definition, active: true });
      else if (definition) c[key] = (await tx.save(Rule, tx.create(Rule, { name, unitId: c.unitId, targetUnitId: c.targetUnitId, definition, createdBy: actor.id, seriesId: null }))).id;
      else if (c[key]) await tx.update(Rule, { id: c[key]! }, { active: false });
    }
  }

  /** The planner's future entries of the campaign that its new shape no longer asks for. */
  private async withdrawUnfit(tx: EntityManager, c: Campaign, now: Date): Promise<number> {
    const rows = returnedRows(await tx.query(
      `UPDATE schedule_entries e SET status = 'cancelled', updated_at = now()
         FROM channels ch JOIN units u ON u.id = ch.unit_id
        WHERE ch.id = e.channel_id AND e.rule_id = ANY($1::uuid[]) AND e.source = 'planner' AND e.status = 'scheduled' AND e.evidenced_at IS NULL AND e.starts_at > $2
          AND ((e.starts_at AT TIME ZONE u.timezone)::date NOT BETWEEN $3::date AND $4::date
               OR (e.rule_id = $5 AND NOT (e.program_id = ANY($6::uuid[])))
               OR (e.rule_id = $7 AND $8::boolean)
               OR (e.rule_id = $5 AND $9::boolean))
       RETURNING e.id`,
      [[c.audioRuleId, c.displayRuleId].filter(Boolean), now, c.startsOn, c.endsOn, c.audioRuleId, c.audio?.programIds ?? [], c.displayRuleId, !c.display, !c.audio],
    ));
    return rows.length;
  }
}

/** The "N showings a day" part of a campaign's display, as its rule carries it (absent fields left out). */
function showings(d: CampaignDisplay): Pick<RuleDefinition, 'showingsPerDay' | 'showingMinutes' | 'minSpacingMinutes'> {
  const out: Pick<RuleDefinition, 'showingsPerDay' | 'showingMinutes' | 'minSpacingMinutes'> = {};
  for (const k of ['showingsPerDay', 'showingMinutes', 'minSpacingMinutes'] as const) if (d[k] !== undefined && d[k] !== null) out[k] = d[k];
  return out;
}
