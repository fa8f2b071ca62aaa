import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { UnitsService } from '../units/units.service';
import type { CreateRuleDto, CreateSeriesDto, UpdateRuleDto } from './dto/schedule.dto';
import { localDate } from './planner/local-time';
import { RuleDefinition, validateRuleDefinition } from './planner/rule-definition';
import { Rule } from './rule.entity';
import { Series } from './series.entity';

const SERIES_NOT_FOUND = { vi: 'chuyên mục', en: 'series' };
const RULE_NOT_FOUND = { vi: 'quy định phát', en: 'rule' };

/** Series (chuyên mục) and their rebroadcast rules, owned by a unit, changed only inside the owner's subtree. */
@Injectable()
export class RulesService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly units: UnitsService, private readonly audit: AuditService) {}

  async createSeries(actor: Actor, dto: CreateSeriesDto): Promise<Series> {
    const unit = await this.units.get(actor, dto.unitId);
    return this.db.transaction(async (tx) => {
      const saved = await tx.save(Series, tx.create(Series, { unitId: unit.id, name: dto.name.trim(), description: dto.description ?? null }));
      await this.audit.record(tx, actor, { action: 'series.create', entityType: 'series', entityId: saved.id, unitPath: unit.path, changes: { after: saved } });
      return saved;
    });
  }

  async listSeries(actor: Actor): Promise<Series[]> {
    const r = actor.readableUnitsSql('u');
    return this.db.getRepository(Series).createQueryBuilder('s').innerJoin('units', 'u', 'u.id = s.unitId').where(r.sql, r.params).orderBy('s.name').getMany();
  }

  async createRule(actor: Actor, dto: CreateRuleDto, now = new Date()): Promise<Rule> {
    let ownerId = dto.unitId;
    if (dto.seriesId) {
      const series = await this.db.getRepository(Series).findOneBy({ id: dto.seriesId });
      if (!series) throw AppError.notFound(SERIES_NOT_FOUND);
      ownerId = series.unitId;
      if (dto.definition?.match?.seriesId && dto.definition.match.seriesId !== series.id) {
        throw AppError.field('definition.match.seriesId', 'seriesMismatch', 'phải là chuyên mục của quy định', 'must be the rule’s series');
      }
      dto.definition = { ...dto.definition, match: { ...dto.definition.match, seriesId: series.id } };
    }
    this.check(dto.definition);
    if (!ownerId) throw AppError.field('unitId', 'isDefined', 'cần seriesId hoặc unitId', 'seriesId or unitId is required');
    const owner = await this.units.get(actor, ownerId);
    const target = await this.units.get(actor, dto.targetUnitId ?? owner.id);
    if (!target.path.startsWith(owner.path)) throw new AppError('OUT_OF_SCOPE');
    // A rule takes effect from a date (definition.from): by default the day it is made, in its unit's
    // time zone, so it never judges months before it existed. Set `from` to judge earlier periods.
    if (!dto.definition.from) {
      dto.definition = { ...dto.definition, from: localDate(now, owner.timezone) };
      this.check(dto.definition);
    }
    return this.db.transaction(async (tx) => {
      const saved = await tx.save(Rule, tx.create(Rule, { name: dto.name.trim(), seriesId: dto.seriesId ?? null, unitId: owner.id, targetUnitId: target.id, definition: dto.definition, createdBy: actor.id }));
      await this.audit.record(tx, actor, { action: 'rule.create', entityType: 'rule', entityId: saved.id, unitPath: owner.path, changes: { after: saved } });
      return saved;
    });
  }

  async updateRule(actor: Actor, id: string, dto: UpdateRuleDto): Promise<Rule> {
    return this.db.transaction(async (tx) => {
      const before = await tx.findOneBy(Rule, { id });
      if (!before) throw AppError.notFound(RULE_NOT_FOUND);
      // a new definition without `from` keeps the date the rule took effect
      if (dto.definition && dto.definition.from === undefined && before.definition.from) dto.definition = { ...dto.definition, from: before.definition.from };
      if (dto.definition) this.check(dto.definition);
      const owner = await this.units.get(actor, before.unitId, tx).catch(() => {
        throw AppError.notFound(RULE_NOT_FOUND);
      });
      await tx.update(Rule, { id }, { ...dto, ...(dto.definition && before.seriesId ? { definition: { ...dto.definition, match: { ...dto.definition.match, seriesId: before.seriesId } } } : {}) });
      const after = await tx.findOneByOrFail(Rule, { id });
      await this.audit.record(tx, actor, { action: 'rule.update', entityType: 'rule', entityId: id, unitPath: owner.path, changes: { before, after } });
      return after;
    });
  }

  async listRules(actor: Actor): Promise<Rule[]> {
    const r = actor.readableUnitsSql('u');
    return this.db.getRepository(Rule).createQueryBuilder('r').innerJoin('units', 'u', 'u.id = r.unitId').where(r.sql, r.params).orderBy('r.name').getMany();
  }

  private check(definition: RuleDefinition): void {
    const problems = validateRuleDefinition(definition ?? ({} as RuleDefinition));
    if (problems.length) {
      throw new AppError('VALIDATION_FAILED', {}, problems.map((p) => ({ field: `definition.${p.field}`, codes: ['rule'], message: `definition.${p.message}`, messageEn: `definition.${p.messageEn}` })));
    }
  }
}
