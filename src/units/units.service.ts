import { FOLD } from '../infrastructure/database/fold-vietnamese';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { AppError } from '../infrastructure/http/app-error';
import type { CreateUnitDto, ListUnitsQuery, UpdateUnitDto } from './dto/unit.dto';
import { Unit } from './unit.entity';
import { canNest, UnitKind, UNIT_KIND_LABELS } from './unit-kind';

export const UNIT_NOT_FOUND = { vi: 'đơn vị', en: 'unit' };

/** The organisation tree. Every read and write is limited to the actor's subtree. */
@Injectable()
export class UnitsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A unit inside the actor's scope; 404 otherwise, so other communes' ids reveal nothing. */
  async get(actor: Actor, id: string, manager: EntityManager = this.db.manager): Promise<Unit> {
    const unit = await manager.findOneBy(Unit, { id });
    if (!unit || !actor.covers(unit.path)) throw AppError.notFound(UNIT_NOT_FOUND);
    return unit;
  }

  async list(actor: Actor, q: ListUnitsQuery): Promise<{ items: Unit[]; total: number }> {
    const qb = this.db.getRepository(Unit).createQueryBuilder('u').where('u.path LIKE :prefix', { prefix: `${actor.pathPrefix}%` });
    if (q.parentId) qb.andWhere('u.parentId = :parentId', { parentId: q.parentId });
    if (q.kind) qb.andWhere('u.kind = :kind', { kind: q.kind });
    // case, marks and Unicode form do not matter: "son dien" finds "Xã Sơn Điện"
    if (q.q?.trim()) qb.andWhere(`(strpos(${FOLD('u.name')}, ${FOLD(':q')}) > 0 OR strpos(lower(u.code), lower(:q)) > 0)`, { q: q.q.trim().normalize('NFC') });
    const [items, total] = await qb.orderBy('u.depth').addOrderBy('u.name').addOrderBy('u.code').take(q.limit ?? 100).skip(q.offset ?? 0).getManyAndCount();
    return { items, total };
  }

  /** The unit and everything below it (optionally only `depth` levels), parents before children. */
  async subtree(actor: Actor, id: string, depth?: number): Promise<Unit[]> {
    const root = await this.get(actor, id);
    const qb = this.db.getRepository(Unit).createQueryBuilder('u').where('u.path LIKE :prefix', { prefix: `${root.path}%` });
    if (depth !== undefined) qb.andWhere('u.depth <= :max', { max: root.depth + depth });
    return qb.orderBy('u.depth').addOrderBy('u.name').getMany();
  }

  async create(actor: Actor, dto: CreateUnitDto): Promise<Unit> {
    return this.db.transaction(async (tx) => {
      const unit = await this.insert(tx, actor, { ...dto, parentId: dto.parentId ?? null });
      await this.audit.record(tx, actor, { action: 'unit.create', entityType: 'unit', entityId: unit.id, unitPath: unit.path, changes: { after: unit } });
      return unit;
    });
  }

  /** Inserts one unit inside `tx`, after every check. Used by create and the CSV import. */
  async insert(
    tx: EntityManager,
    actor: Actor,
    data: { code: string; name: string; kind: UnitKind; parentId: string | null; timezone?: string | null },
  ): Promise<Unit> {
    const parent = data.parentId ? await this.get(actor, data.parentId, tx) : null;
    if (!parent && !actor.isNational) throw new AppError('OUT_OF_SCOPE');
    if (parent) this.assertNesting(parent.kind, data.kind);
    if ((await tx.query(`SELECT 1 FROM units WHERE lower(code) = lower($1)`, [data.code])).length) throw new AppError('UNIT_CODE_TAKEN', { code: data.code });
    const id = randomUUID();
    const unit = tx.create(Unit, {
      id,
      code: data.code,
      name: data.name.trim(),
      kind: data.kind,
      parentId: parent?.id ?? null,
      path: `${parent?.path ?? ''}${id}/`,
      depth: parent ? parent.depth + 1 : 0,
      timezone: data.timezone ?? parent?.timezone ?? this.config.DEFAULT_TIMEZONE,
    });
    try {
      await tx.insert(Unit, unit);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AppError('UNIT_CODE_TAKEN', { code: data.code });
      throw err;
    }
    return tx.findOneByOrFail(Unit, { id });
  }

  async update(actor: Actor, id: string, dto: UpdateUnitDto): Promise<Unit> {
    return this.db.transaction(async (tx) => {
      const before = await this.get(actor, id, tx);
      const after = await this.change(tx, actor, before, dto);
      await this.audit.record(tx, actor, { action: 'unit.update', entityType: 'unit', entityId: id, unitPath: after.path, changes: { before, after } });
      return after;
    });
  }

  /** Applies name/kind/timezone changes and moves, checking the tree stays well-formed. */
  async change(tx: EntityManager, actor: Actor, unit: Unit, dto: UpdateUnitDto): Promise<Unit> {
    // Lock the row so two concurrent moves of the same unit cannot interleave.
    await tx.query('SELECT 1 FROM units WHERE id = $1 FOR UPDATE', [unit.id]);
    const kind = dto.kind ?? unit.kind;
    const moving = dto.parentId !== undefined && dto.parentId !== unit.parentId;
    const parent = moving
      ? dto.parentId
        ? await this.get(actor, dto.parentId, tx)
        : null
      : unit.parentId
        ? await tx.findOneByOrFail(Unit, { id: unit.parentId })
        : null;
    if (moving && !parent && !actor.isNational) throw new AppError('OUT_OF_SCOPE');
    if (moving && unit.path === actor.unitPath) throw new AppError('OUT_OF_SCOPE');
    if (parent && parent.path.startsWith(unit.path)) throw new AppError('UNIT_CYCLE');
    if (parent) this.assertNesting(parent.kind, kind);
    if (dto.kind && dto.kind !== unit.kind) {
      const child = await tx
        .getRepository(Unit)
        .createQueryBuilder('c')
        .where('c.parentId = :id', { id: unit.id })
        .getMany();
      const bad = child.find((c) => !canNest(kind, c.kind));
      if (bad) this.assertNesting(kind, bad.kind);
    }

    await tx.update(Unit, { id: unit.id }, {
      name: dto.name?.trim() ?? unit.name,
      kind,
      timezone: dto.timezone ?? unit.timezone,
    });
    if (moving) {
      const newPath = `${parent?.path ?? ''}${unit.id}/`;
      const depthDelta = (parent ? parent.depth + 1 : 0) - unit.depth;
      await tx.query(
        `UPDATE units SET path = $1 || substr(path, length($2) + 1), depth = depth + $3,
                parent_id = CASE WHEN id = $4 THEN $5::uuid ELSE parent_id END, updated_at = now()
          WHERE path LIKE $2 || '%'`,
        [newPath, unit.path, depthDelta, unit.id, parent?.id ?? null],
      );
    }
    return tx.findOneByOrFail(Unit, { id: unit.id });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const unit = await this.get(actor, id, tx);
      if (unit.path === actor.unitPath) throw new AppError('OUT_OF_SCOPE');
      if (await tx.existsBy(Unit, { parentId: id })) throw new AppError('UNIT_IN_USE', { what: { vi: 'đơn vị cấp dưới', en: 'child units' } });
      const [{ users }] = await tx.query('SELECT count(*)::int AS users FROM users WHERE unit_id = $1', [id]);
      if (users > 0) throw new AppError('UNIT_IN_USE', { what: { vi: 'người dùng', en: 'users' } });
      try {
        await tx.delete(Unit, { id });
      } catch (err) {
        if ((err as { code?: string }).code === '23503') throw new AppError('UNIT_IN_USE', { what: { vi: 'dữ liệu liên quan', en: 'related data' } });
        throw err;
      }
      await this.audit.record(tx, actor, { action: 'unit.delete', entityType: 'unit', entityId: id, unitPath: unit.path, changes: { before: unit } });
    });
  }

  private assertNesting(parentKind: UnitKind, kind: UnitKind): void {
    if (!canNest(parentKind, kind)) {
      throw new AppError('UNIT_KIND_ORDER', { kind: UNIT_KIND_LABELS[kind], parentKind: UNIT_KIND_LABELS[parentKind] });
    }
  }
}
